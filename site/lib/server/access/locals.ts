/**
 * What the hook puts on `event.locals` for pages and endpoints: who is asking (null when nobody is signed in) and
 * their session cookie's value (to end it at sign-out).
 */
import type { Viewer } from '$pipeline/access/roles.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- SvelteKit declares its app types in the App namespace
  namespace App {
    interface Locals {
      viewer: Viewer | null;
      sessionId: string | null;
    }
  }
}

export {};
