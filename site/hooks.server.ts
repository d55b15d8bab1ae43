/**
 * Server hooks. Access control, the audit of views and the security headers are decided in ONE place,
 * site/lib/server/access/guard.ts, with the policy table in pipeline/access/policy.ts: pages carry no checks.
 * Compression wraps everything (it runs first and sees the final response).
 * `init` checks the database can be written before the first request, and `handleError` turns any error nobody caught
 * into a message saying what is wrong and what to do (site/lib/server/faults.ts).
 */
import { sequence } from '@sveltejs/kit/hooks';
import type { HandleServerError, ServerInit } from '@sveltejs/kit';
import { guardRequest } from '$lib/server/access/guard.ts';
import { compressResponse } from '$lib/server/compress.ts';
import { errorForPage, startWarehouse } from '$lib/server/faults.ts';

export const init: ServerInit = () => startWarehouse();

export const handle = sequence(compressResponse, guardRequest);

export const handleError: HandleServerError = ({ error, status, message }) => errorForPage(error, status, message);
