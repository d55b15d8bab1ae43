/**
 * Server hooks. Access control, the audit of views and the security headers are decided in ONE place,
 * site/lib/server/access/guard.ts, with the policy table in pipeline/access/policy.ts: pages carry no checks.
 * Compression wraps everything (it runs first and sees the final response).
 */
import { sequence } from '@sveltejs/kit/hooks';
import { guardRequest } from '$lib/server/access/guard.ts';
import { compressResponse } from '$lib/server/compress.ts';

export const handle = sequence(compressResponse, guardRequest);
