/**
 * The built dashboard (`npm run build` first) for the access tests: the demo programme and demo study loaded into a
 * warehouse of its own, one account per role made before the server starts (the server then owns the file), and the
 * environment the test asks for (no demo mode unless asked; single sign-on settings). Plus a fetch that signs in
 * and keeps the session cookie, as a browser would.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPaths } from '../../../pipeline/load/load.ts';
import { openWarehouse } from '../../../pipeline/warehouse/open.ts';
import type { Warehouse } from '../../../pipeline/warehouse/query.ts';
import { addAccount } from '../../../pipeline/access/accounts.ts';
import { loadDemoStudy } from '../../../pipeline/qualitative/demo-study.ts';
import type { Role } from '../../../pipeline/access/roles.ts';
import { freePort } from '../../helpers/free-port.ts';
import { requireBuild, ROOT, startDashboardProcess } from '../../helpers/dashboard-process.ts';
export { freePort };

export const DEMO_DIR = join(ROOT, 'data/demo');
export const PASSWORD = 'a long test password';
/** One account per role, named after it. */
export const ACCOUNTS: { username: string; role: Role }[] = [
  { username: 'ada', role: 'admin' },
  { username: 'cal', role: 'committee' },
  { username: 'rea', role: 'researcher' },
  { username: 'fay', role: 'funder' }
];

export interface AccessServer {
  url: string;
  dbPath: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startAccessServer(
  options: {
    env?: Record<string, string>;
    prepare?: (warehouse: Warehouse, folder: string) => Promise<void>;
    port?: number;
  } = {}
): Promise<AccessServer> {
  requireBuild('the access tests');
  const folder = mkdtempSync(join(tmpdir(), 'uptake-access-'));
  const dbPath = join(folder, 'uptake.duckdb');
  const warehouse = await openWarehouse(dbPath);
  try {
    const report = await loadPaths(warehouse, [DEMO_DIR], {
      rawDir: join(folder, 'raw'),
      now: new Date('2017-02-07T09:00:00Z')
    });
    if (report.outcome !== 'loaded')
      throw new Error(`The demo did not load: ${JSON.stringify(report.problems.slice(0, 3))}`);
    await loadDemoStudy(warehouse.connection, join(DEMO_DIR, 'interviews'));
    for (const { username, role } of ACCOUNTS) {
      await addAccount(
        warehouse.connection,
        { username, role, password: PASSWORD },
        { actor: 'test-setup', source: 'cli' }
      );
    }
    await options.prepare?.(warehouse, folder);
  } finally {
    warehouse.close();
  }
  const port = options.port ?? (await freePort());
  // No demo mode unless the test asks for it: these tests sign in as each role.
  const server = await startDashboardProcess({ port, dbPath, folder, env: { UPTAKE_DEMO: undefined, ...options.env } });
  return { ...server, dbPath };
}

/** A person with a browser's cookie jar of one cookie: the session. Requests never follow redirects by themselves. */
export class Visitor {
  cookie = '';
  constructor(readonly base: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    if (!headers.has('accept')) headers.set('accept', 'text/html');
    const response = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair.split('=');
      if (name === 'uptake_session') this.cookie = value ? `uptake_session=${value}` : '';
    }
    return response;
  }

  /** Posts the sign-in form as the page does (same origin, form encoding). */
  signIn(username: string, password = PASSWORD, next = ''): Promise<Response> {
    return this.request('/sign-in', {
      method: 'POST',
      headers: { origin: this.base, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password, next }).toString()
    });
  }
}

export async function signedIn(base: string, username: string): Promise<Visitor> {
  const visitor = new Visitor(base);
  const response = await visitor.signIn(username);
  if (response.status !== 303 || !visitor.cookie)
    throw new Error(`${username} could not sign in: ${response.status} ${await response.text()}`);
  return visitor;
}
