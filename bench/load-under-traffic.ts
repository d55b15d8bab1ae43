/**
 * Benchmark: the built dashboard on loopback with 50 concurrent signed-in users on mixed pages for
 * 30 s (autocannon), while an admin uploads a 1,000,000-row uptake export through the upload page. Reports
 * requests/s, latency (p50, p95, p99), errors (non-2xx, socket errors, timeouts), the upload's time and outcome, and
 * whether the loaded warehouse is identical to the same upload with no traffic. Targets: zero errors, zero failed
 * loads, identical results.
 *
 *   1. generate a regional programme's daily export (bench/daily-export.ts: 500 services × 2,000 days = 1,000,000
 *      rows);
 *   2. prepare one warehouse: programme and services loaded, 50 user accounts and an admin (untimed), copied per run;
 *   3. baseline: serve a copy, upload the uptake file with no traffic, stop, fingerprint the warehouse;
 *   4. under traffic: serve another copy, sign in the 50 users, start autocannon, upload 3 s in, stop, fingerprint.
 *
 * The server runs from a private copy of build/ (someone may rebuild in the middle of a run on the shared machine).
 * Options: --rows N (default 1,000,000), --seconds N (default 30), --connections N (default 50).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { freePort } from '../tests/helpers/free-port.ts';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import autocannon from 'autocannon';
import type { DuckDBConnection } from '@duckdb/node-api';
import { addAccount } from '../pipeline/access/accounts.ts';
import { loadPaths } from '../pipeline/load/load.ts';
import { openWarehouse } from '../pipeline/warehouse/open.ts';
import { queryRows } from '../pipeline/warehouse/query.ts';
import { generateDailyExport, type DailyExport } from './daily-export.ts';
import { copyBuild } from './dashboard-server.ts';
import { benchOptions } from './options.ts';
import { percentile } from './statistics.ts';
import type { BenchResult } from './types.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PASSWORD = 'a long benchmark password';
/** The mix each user cycles through: dashboard pages any signed-in committee member or researcher opens. */
const PAGES = ['/', '/services', '/timeline', '/functionality', '/settings', '/data', '/reports', '/services/SVC0001'];

export interface Server {
  url: string;
  stop(): Promise<void>;
  output(): string;
}

export async function serve(buildCopy: string, dbPath: string): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawn(process.execPath, [buildCopy], {
    cwd: ROOT,
    // Uploads of ~35 MB: both limits raised above the file (adapter-node's BODY_SIZE_LIMIT, Uptake's own).
    env: {
      ...process.env,
      UPTAKE_DB: dbPath,
      PORT: String(port),
      HOST: '127.0.0.1',
      ORIGIN: url,
      BODY_SIZE_LIMIT: '200M',
      UPTAKE_MAX_UPLOAD_MB: '200',
      UPTAKE_DEMO: ''
    },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  child.stdout?.on('data', (c) => (log += c));
  child.stderr?.on('data', (c) => (log += c));
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  for (const deadline = Date.now() + 60_000; ;) {
    if (child.exitCode !== null) throw new Error(`The dashboard exited (${child.exitCode}):\n${log}`);
    try {
      await (await fetch(`${url}/sign-in`)).arrayBuffer();
      return { url, stop, output: () => log };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`The dashboard did not answer within 60 s:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * The accounts the traffic benchmarks sign in as, all with PASSWORD: `bench-admin`, and `users` others (`user0`, …),
 * committee members and researchers in turn.
 */
export async function addBenchAccounts(connection: DuckDBConnection, users: number): Promise<void> {
  const by = { actor: 'bench', source: 'cli' as const };
  await addAccount(connection, { username: 'bench-admin', role: 'admin', password: PASSWORD }, by);
  for (let i = 0; i < users; i++) {
    await addAccount(
      connection,
      { username: `user${i}`, role: i % 2 ? 'researcher' : 'committee', password: PASSWORD },
      by
    );
  }
}

/** A copy of the prepared warehouse beside it, so every run of a benchmark starts from the same state. */
export function copyWarehouse(prepared: string, name: string): string {
  const path = join(dirname(prepared), `${name}.duckdb`);
  copyFileSync(prepared, path);
  return path;
}

export async function signIn(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: url, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password: PASSWORD }).toString()
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('uptake_session='));
  if (response.status !== 303 || !cookie) throw new Error(`${username} could not sign in (${response.status})`);
  return cookie.split(';')[0];
}

/** Uploads the export as the upload page's form does; returns the seconds it took and whether it loaded. */
async function upload(
  url: string,
  cookie: string,
  file: string
): Promise<{ seconds: number; status: number; loaded: boolean }> {
  const form = new FormData();
  form.set('file', new Blob([readFileSync(file)]), basename(file));
  const start = process.hrtime.bigint();
  const response = await fetch(`${url}/data/upload`, {
    method: 'POST',
    body: form,
    headers: { origin: url, cookie, accept: 'text/html' },
    redirect: 'manual'
  });
  const html = await response.text();
  return {
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
    status: response.status,
    loaded: html.includes(`${basename(file)} was loaded.`)
  };
}

/** What the load left in the warehouse, without its clock: equal fingerprints mean identical loads. */
async function fingerprint(dbPath: string): Promise<string> {
  const warehouse = await openWarehouse(dbPath, { readOnly: true });
  try {
    const [snapshots] = await queryRows(
      warehouse.connection,
      `SELECT count(*)::VARCHAR AS rows, sum(hash(as_of, service_id, approached, consented, registered, shared_with_carer,
              shared_with_professional, eligible, activated, active_90d))::VARCHAR AS content FROM snapshot`
    );
    const files = await queryRows(
      warehouse.connection,
      `SELECT file_name, sha256, rows, outcome, CAST(as_of AS VARCHAR) AS as_of FROM load_file ORDER BY file_name`
    );
    const headline = await queryRows(
      warehouse.connection,
      `SELECT * FROM programme_headline ORDER BY as_of DESC LIMIT 1`
    );
    return JSON.stringify({ snapshots, files, headline });
  } finally {
    warehouse.close();
  }
}

/** The parts of autocannon's result this benchmark reads (the package ships no types). */
export interface TrafficResult {
  requests: { total: number; average: number };
  latency: Record<string, number>;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}

export async function run(args: string[], log: (line: string) => void): Promise<BenchResult> {
  const values = benchOptions(args, { rows: 'string', seconds: 'string', connections: 'string' });
  const rows = Number(String(values.rows ?? '1000000').replaceAll(/[_,]/g, ''));
  const seconds = Number(values.seconds ?? 30);
  const connections = Number(values.connections ?? 50);
  const root = mkdtempSync(join(tmpdir(), 'uptake-traffic-'));
  const build = copyBuild();
  try {
    log(`generating a daily export of ${rows.toLocaleString('en-GB')} rows…`);
    const data: DailyExport = generateDailyExport(join(root, 'export'), rows);
    log(
      `  ${(statSync(data.uptake).size / 1048576).toFixed(1)} MB: ${data.services_} services × ${data.days} days, ${data.firstAsOf} to ${data.lastAsOf}`
    );

    const prepared = join(root, 'prepared.duckdb');
    const warehouse = await openWarehouse(prepared);
    try {
      const setup = await loadPaths(warehouse, [data.programme, data.services], { rawDir: join(root, 'raw-prepared') });
      if (setup.outcome !== 'loaded')
        throw new Error(`The programme and services did not load: ${JSON.stringify(setup.problems.slice(0, 3))}`);
      await addBenchAccounts(warehouse.connection, connections);
      await warehouse.connection.run('CHECKPOINT');
    } finally {
      warehouse.close();
    }

    // 3. Baseline: the same upload with nobody else on the server.
    const baselineDb = copyWarehouse(prepared, 'baseline');
    let server = await serve(build.dir, baselineDb);
    const baseline = await upload(server.url, await signIn(server.url, 'bench-admin'), data.uptake);
    await server.stop();
    log(
      `  baseline upload: ${baseline.seconds.toFixed(1)} s, HTTP ${baseline.status}, ${baseline.loaded ? 'loaded' : 'NOT loaded'}`
    );
    const baselinePrint = await fingerprint(baselineDb);

    // 4. The same upload while `connections` signed-in users load pages.
    const trafficDb = copyWarehouse(prepared, 'traffic');
    server = await serve(build.dir, trafficDb);
    const cookies: string[] = [];
    for (let i = 0; i < connections; i++) cookies.push(await signIn(server.url, `user${i}`));
    const adminCookie = await signIn(server.url, 'bench-admin');
    const latencies: number[] = [];
    let next = 0;
    const instance = autocannon({
      url: server.url,
      connections,
      duration: seconds,
      // A slow page is a slow page, not an error: only a failure counts against the target.
      timeout: 120,
      // Each pass through the pages is one signed-in user's visit: autocannon gives every connection a fresh context
      // per pass, which takes the next of the users' session cookies.
      requests: PAGES.map((path) => ({
        method: 'GET' as const,
        path,
        setupRequest: (request: { headers?: Record<string, string> }, context: { cookie?: string }) => {
          context.cookie ??= cookies[next++ % cookies.length];
          return { ...request, headers: { ...request.headers, accept: 'text/html', cookie: context.cookie } };
        }
      }))
    });
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) =>
      latencies.push(responseTime)
    );
    const loadDone = new Promise((r) => setTimeout(r, 3000)).then(() => upload(server.url, adminCookie, data.uptake));
    const [traffic, underTraffic] = await Promise.all([instance as unknown as Promise<TrafficResult>, loadDone]);
    await server.stop();
    log(
      `  upload under traffic: ${underTraffic.seconds.toFixed(1)} s, HTTP ${underTraffic.status}, ${underTraffic.loaded ? 'loaded' : 'NOT loaded'}`
    );
    const trafficPrint = await fingerprint(trafficDb);

    latencies.sort((a, b) => a - b);
    const errors = traffic.errors + traffic.timeouts + traffic.non2xx;
    const identical = baselinePrint === trafficPrint;
    const failedLoads = [baseline, underTraffic].filter((u) => !u.loaded || u.status !== 200).length;
    return {
      title: `${connections} signed-in users on ${PAGES.length} mixed pages for ${seconds} s while a ${data.rows.toLocaleString('en-GB')}-row upload loads`,
      table: [
        {
          run: 'upload alone (baseline)',
          'upload (s)': baseline.seconds.toFixed(1),
          loaded: baseline.loaded ? 'yes' : 'NO'
        },
        {
          run: `upload + ${connections} users`,
          'upload (s)': underTraffic.seconds.toFixed(1),
          loaded: underTraffic.loaded ? 'yes' : 'NO',
          requests: traffic.requests.total,
          'requests/s': traffic.requests.average.toFixed(1),
          'p50 (ms)': Math.round(percentile(latencies, 50)),
          'p95 (ms)': Math.round(percentile(latencies, 95)),
          'p99 (ms)': Math.round(percentile(latencies, 99)),
          errors
        }
      ],
      summary: [
        `Errors: ${errors} (socket errors ${traffic.errors}, timeouts ${traffic.timeouts}, non-2xx ${traffic.non2xx}); target 0: ${errors === 0 ? 'met' : 'NOT met'}.`,
        `Failed loads: ${failedLoads}; target 0: ${failedLoads === 0 ? 'met' : 'NOT met'}.`,
        `The warehouse after the upload under traffic is ${identical ? 'identical to' : 'DIFFERENT from'} the one after the upload alone (snapshot rows and content hash, load manifest, headline).`
      ],
      details: {
        rows: data.rows,
        services: data.services_,
        days: data.days,
        pages: PAGES,
        baseline,
        underTraffic,
        autocannon: {
          requests: traffic.requests,
          latency: traffic.latency,
          errors: traffic.errors,
          timeouts: traffic.timeouts,
          non2xx: traffic.non2xx,
          statusCodeStats: traffic.statusCodeStats
        },
        identical,
        baselinePrint,
        trafficPrint
      }
    };
  } finally {
    build.remove();
    rmSync(root, { recursive: true, force: true });
  }
}
