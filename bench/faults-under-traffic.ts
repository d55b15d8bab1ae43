/**
 * Benchmark: 50 signed-in users on the overview while the costly things a signed-in person can start run alongside:
 * PDF reports (more at once than the print queue takes) and REFI-QDA imports (the 3 MB file that unpacks to 479 MB of
 * codes, a file past the element limit, and a real project). Two runs on the built dashboard, on 127.0.0.1 only:
 *
 *   1. the overview alone: `connections` users (autocannon) on `/` for `seconds`;
 *   2. the same, while `pdfClients` admins ask for /reports/steering-committee-monthly.pdf over and over, and an admin
 *      imports the three REFI-QDA files one after another, over and over.
 *
 * Reports requests/s, latency (p50, p95, p99) and errors (socket errors, timeouts, non-2xx) of the overview, and what
 * the PDFs (printed, told to retry with 503) and imports (refused with the limit named, or imported) got.
 * The warehouse holds the demo programme and study, 50 user accounts and an admin (prepared untimed).
 * Options: --seconds N (default 30), --connections N (default 50), --pdf-clients N (default 12).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { loadPaths } from '../pipeline/load/load.ts';
import { loadDemoStudy } from '../pipeline/qualitative/demo-study.ts';
import { exportProject, qdpxArchive } from '../pipeline/refi-qda/export.ts';
import { openWarehouse } from '../pipeline/warehouse/open.ts';
import { codeBombQdpx } from '../tests/qualitative/refi-bomb.ts';
import {
  addBenchAccounts,
  copyWarehouse,
  serve,
  signIn,
  type Server,
  type TrafficResult
} from './load-under-traffic.ts';
import { copyBuild } from './dashboard-server.ts';
import { benchOptions } from './options.ts';
import { percentile } from './statistics.ts';
import type { BenchResult } from './types.ts';

const ROOT = resolve(import.meta.dirname, '..');
const REPORT_PDF = '/reports/steering-committee-monthly.pdf';

interface Traffic {
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  result: TrafficResult;
}

/** `connections` users on the overview for `seconds`, each with their own session. */
async function overview(server: Server, cookies: string[], seconds: number): Promise<Traffic> {
  const latencies: number[] = [];
  let next = 0;
  const instance = autocannon({
    url: server.url,
    connections: cookies.length,
    duration: seconds,
    timeout: 120,
    requests: [
      {
        method: 'GET' as const,
        path: '/',
        setupRequest: (request: { headers?: Record<string, string> }, context: { cookie?: string }) => {
          context.cookie ??= cookies[next++ % cookies.length];
          return { ...request, headers: { ...request.headers, accept: 'text/html', cookie: context.cookie } };
        }
      }
    ]
  });
  instance.on('response', (_c: unknown, _s: number, _b: number, time: number) => latencies.push(time));
  const result = (await (instance as unknown as Promise<TrafficResult>)) as TrafficResult;
  latencies.sort((a, b) => a - b);
  return {
    requests: result.requests.total,
    perSecond: result.requests.average,
    p50: Math.round(percentile(latencies, 50)),
    p95: Math.round(percentile(latencies, 95)),
    p99: Math.round(percentile(latencies, 99)),
    errors: result.errors + result.timeouts + result.non2xx,
    result
  };
}

/** PDF clients asking again as soon as each answer comes, until `until`; counts what they got. */
async function pdfLoad(server: Server, cookie: string, clients: number, until: number) {
  const got = { printed: 0, busy: 0, other: 0, seconds: [] as number[] };
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < until) {
        const start = performance.now();
        const response = await fetch(`${server.url}${REPORT_PDF}`, { headers: { cookie } });
        await response.arrayBuffer();
        if (response.status === 200) {
          got.printed++;
          got.seconds.push((performance.now() - start) / 1000);
        } else if (response.status === 503) {
          got.busy++;
          // A client that honours Retry-After would wait; this one comes back after a second, to keep the queue full.
          await new Promise((r) => setTimeout(r, 1000));
        } else got.other++;
      }
    })
  );
  return got;
}

/** Imports each file through the interviews page, in turn, until `until`; what each answer said. */
async function importLoad(server: Server, cookie: string, files: { name: string; bytes: Uint8Array }[], until: number) {
  const answers: { file: string; status: number; seconds: number; said: string }[] = [];
  for (let i = 0; Date.now() < until; i++) {
    const file = files[i % files.length];
    const form = new FormData();
    form.set('file', new Blob([file.bytes]), file.name);
    const start = performance.now();
    const response = await fetch(`${server.url}/interviews/export?/import`, {
      method: 'POST',
      body: form,
      headers: { origin: server.url, cookie, accept: 'text/html' },
      redirect: 'manual'
    });
    const html = (await response.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    const said =
      /could not be imported: (.+?Nothing was imported\.)/.exec(html)?.[1] ??
      (/Imported [^.]+\./.exec(html)?.[0] || 'imported');
    answers.push({ file: file.name, status: response.status, seconds: (performance.now() - start) / 1000, said });
  }
  return answers;
}

export async function run(args: string[], log: (line: string) => void): Promise<BenchResult> {
  const values = benchOptions(args, { seconds: 'string', connections: 'string', 'pdf-clients': 'string' });
  const seconds = Number(values.seconds ?? 30);
  const connections = Number(values.connections ?? 50);
  const pdfClients = Number(values['pdf-clients'] ?? 12);
  const root = mkdtempSync(join(tmpdir(), 'uptake-faults-traffic-'));
  const build = copyBuild();
  const servers: Server[] = [];
  try {
    log('preparing the warehouse: demo programme and study, accounts…');
    const prepared = join(root, 'prepared.duckdb');
    const warehouse = await openWarehouse(prepared);
    let project: Uint8Array;
    try {
      const demo = join(ROOT, 'data/demo');
      const files = readdirSync(demo)
        .filter((f) => f.endsWith('.csv'))
        .map((f) => join(demo, f));
      const loaded = await loadPaths(warehouse, files, { rawDir: join(root, 'raw') });
      if (loaded.outcome !== 'loaded') throw new Error(`The demo did not load: ${JSON.stringify(loaded.problems[0])}`);
      await loadDemoStudy(warehouse.connection, join(demo, 'interviews'));
      project = await qdpxArchive(await exportProject(warehouse.connection, { name: 'Demo study' }));
      await addBenchAccounts(warehouse.connection, connections);
      await warehouse.connection.run('CHECKPOINT');
    } finally {
      warehouse.close();
    }
    const imports = [
      { name: 'codes-479MB.qdpx', bytes: codeBombQdpx(6_200_000).bytes },
      { name: 'codes-400k-elements.qdpx', bytes: codeBombQdpx(400_000).bytes },
      { name: 'demo-study.qdpx', bytes: project }
    ];

    const signedIn = async (server: Server) => {
      const cookies: string[] = [];
      for (let i = 0; i < connections; i++) cookies.push(await signIn(server.url, `user${i}`));
      return { cookies, admin: await signIn(server.url, 'bench-admin') };
    };

    // 1. The overview alone.
    let server = await serve(build.dir, copyWarehouse(prepared, 'alone'));
    servers.push(server);
    let sessions = await signedIn(server);
    log(`overview alone: ${connections} users for ${seconds} s…`);
    const alone = await overview(server, sessions.cookies, seconds);
    await server.stop();

    // 2. The overview while PDFs and imports run.
    server = await serve(build.dir, copyWarehouse(prepared, 'busy'));
    servers.push(server);
    sessions = await signedIn(server);
    log(`overview + ${pdfClients} PDF clients + REFI-QDA imports: ${connections} users for ${seconds} s…`);
    const until = Date.now() + seconds * 1000;
    const [busy, pdfs, imported] = await Promise.all([
      overview(server, sessions.cookies, seconds),
      pdfLoad(server, sessions.admin, pdfClients, until),
      importLoad(server, sessions.admin, imports, until)
    ]);
    await server.stop();

    const row = (run: string, t: Traffic) => ({
      run,
      requests: t.requests,
      'requests/s': t.perSecond.toFixed(1),
      'p50 (ms)': t.p50,
      'p95 (ms)': t.p95,
      'p99 (ms)': t.p99,
      errors: t.errors
    });
    pdfs.seconds.sort((a, b) => a - b);
    const byFile = imports.map((f) => {
      const of = imported.filter((a) => a.file === f.name);
      return `${f.name}: ${of.length} × HTTP ${[...new Set(of.map((a) => a.status))].join('/')}, ${of.map((a) => a.seconds.toFixed(1)).join(', ')} s — "${of[0]?.said ?? 'not reached'}"`;
    });
    return {
      title: `${connections} signed-in users on the overview for ${seconds} s, alone and while PDFs print and REFI-QDA files import`,
      table: [row('overview alone', alone), row(`overview + PDFs + imports`, busy)],
      summary: [
        `Overview errors: ${alone.errors} alone, ${busy.errors} alongside (socket errors ${busy.result.errors}, timeouts ${busy.result.timeouts}, non-2xx ${busy.result.non2xx}).`,
        `PDFs (${pdfClients} clients): ${pdfs.printed} printed (median ${percentile(pdfs.seconds, 50).toFixed(1)} s, p95 ${percentile(pdfs.seconds, 95).toFixed(1)} s), ${pdfs.busy} answered 503 with Retry-After, ${pdfs.other} other.`,
        `Imports: ${byFile.join('; ')}.`
      ],
      details: { alone: alone.result, busy: busy.result, pdfs, imported }
    };
  } finally {
    for (const s of servers) await s.stop();
    build.remove();
    rmSync(root, { recursive: true, force: true });
  }
}
