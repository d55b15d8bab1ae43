/**
 * Server hooks. Access control, the audit of views and the security headers are decided in ONE place,
 * site/lib/server/access/guard.ts, with the policy table in pipeline/access/policy.ts: pages carry no checks.
 */
import { guardRequest } from '$lib/server/access/guard.ts';

export const handle = guardRequest;
