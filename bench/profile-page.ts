/**
 * Where a page's time goes, for a page the page-speed benchmark (pages.ts) finds over its target:
 *
 *   npx tsx bench/profile-page.ts --dataset 500x36 --page /reports/[name] [--repeats 10]   (or --dataset national)
 *
 *  1. In this process, on the same warehouse the benchmark builds, it runs what the page's `load` runs (the root
 *     layout's filters, then the page's one pipeline function, each on a fresh connection as the server does),
 *     `--repeats` times after one warm-up, and splits the time into DuckDB (every query, prepare and run, timed at
 *     @duckdb/node-api's prototypes) and JavaScript; a CPU profile (node:inspector) splits the JavaScript further by
 *     where it runs: chart rendering (Observable Plot, d3, linkedom), notebook rendering, other pipeline code.
 *  2. It then serves the same warehouse with the built dashboard and fetches the page: the HTML's size and what it is
 *     made of (inline SVG, tables, the rest), and the server time, so "server time − load" ≈ Svelte rendering and
 *     sending the HTML.
 * Not a benchmark module (no run()): bench/run.ts imports it and finds nothing to run.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBConnection, DuckDBExtractedStatements, DuckDBPreparedStatement } from '@duckdb/node-api';
import { filterOptions, parseFilters, resolveFilters, type ResolvedFilters } from '../pipeline/dashboard/filters.ts';
import { overview } from '../pipeline/dashboard/overview.ts';
import { parseServicesQuery, servicesTable } from '../pipeline/dashboard/services.ts';
import { servicePage } from '../pipeline/dashboard/service.ts';
import { setupTimeline } from '../pipeline/dashboard/timeline.ts';
import { uptakeTrends } from '../pipeline/dashboard/uptake.ts';
import { functionality } from '../pipeline/dashboard/functionality.ts';
import { settings } from '../pipeline/dashboard/settings.ts';
import { dataLoads } from '../pipeline/dashboard/data-loads.ts';
import { loadNotebook, notebookNames, renderNotebook } from '../pipeline/notebooks/index.ts';
import { openWarehouse } from '../pipeline/warehouse/open.ts';
import { queryRows } from '../pipeline/warehouse/query.ts';
import { copyBuild, loadWarehouse, ROOT, startDashboard } from './dashboard-server.ts';
import { median } from './statistics.ts';
import { generateProgramme } from './programme-generator.ts';

type Load = (
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  ids: { id: string; report: string }
) => Promise<unknown>;
const LOADS: Record<string, Load> = {
  '/': (c, f) => overview(c, f),
  '/services': (c, f) => servicesTable(c, f, parseServicesQuery(new URLSearchParams())),
  '/services/[id]': (c, f, ids) => servicePage(c, ids.id, f),
  '/timeline': (c, f) => setupTimeline(c, f),
  '/uptake': (c, f) => uptakeTrends(c, f),
  '/functionality': (c, f) => functionality(c, f),
  '/settings': (c, f) => settings(c, f),
  '/data': (c) => dataLoads(c),
  '/reports/[name]': (c, _f, ids) => renderNotebook(c, loadNotebook(ids.report), {})
};

/** Wall time spent inside DuckDB calls, counted once even when calls nest; and each outermost call with its SQL. */
let inDuckDb = 0;
let depth = 0;
let calls: { sql: string; ms: number }[] = [];
/** The SQL of the statements prepared last, for the prepared statement's run that follows. */
let lastSql = '';
function timeDuckDbCalls(): void {
  const wrap = (proto: object, names: string[]) => {
    for (const name of names) {
      const original = (proto as Record<string, unknown>)[name] as
        ((...args: unknown[]) => Promise<unknown>) | undefined;
      if (typeof original !== 'function') continue;
      (proto as Record<string, unknown>)[name] = async function (this: unknown, ...args: unknown[]) {
        if (typeof args[0] === 'string') lastSql = args[0];
        const start = depth++ === 0 ? performance.now() : 0;
        try {
          return await original.apply(this, args);
        } finally {
          if (--depth === 0) {
            const ms = performance.now() - start;
            inDuckDb += ms;
            calls.push({ sql: `${name}: ${lastSql.replace(/\s+/g, ' ').trim()}`, ms });
          }
        }
      };
    }
  };
  wrap(DuckDBConnection.prototype, [
    'run',
    'runAndReadAll',
    'runAndRead',
    'prepare',
    'extractStatements',
    'streamAndReadAll'
  ]);
  wrap(DuckDBPreparedStatement.prototype, ['run', 'runAndReadAll', 'runAndRead', 'streamAndReadAll']);
  wrap(DuckDBExtractedStatements.prototype, ['prepare', 'run', 'runAndReadAll']);
}

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  hitCount?: number;
}

function category(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url)
    return functionName === '(idle)'
      ? 'idle (waiting for DuckDB)'
      : functionName === '(garbage collector)'
        ? 'garbage collection'
        : 'other (V8, native)';
  if (/@observablehq|\/d3-|\/d3\/|linkedom|htmlparser2|pipeline\/charts\//.test(url))
    return 'chart rendering (Plot, d3, linkedom)';
  if (/@duckdb/.test(url)) return 'DuckDB client (JS side)';
  if (/pipeline\/notebooks\//.test(url)) return 'notebook rendering (markdown, HTML)';
  if (/pipeline\/disclosure\//.test(url)) return 'disclosure control';
  if (/pipeline\//.test(url)) return 'other pipeline code';
  return 'other JavaScript';
}

/** Bytes of the HTML in each kind of element (outermost only), and how many there are. */
function composition(html: string): Record<string, { count: number; kb: number }> {
  const out: Record<string, { count: number; kb: number }> = {};
  let rest = Buffer.byteLength(html);
  for (const tag of ['svg', 'table', 'style', 'script']) {
    const matches = html.match(new RegExp(`<${tag}[\\s>][\\s\\S]*?</${tag}>`, 'g')) ?? [];
    const bytes = matches.reduce((n, m) => n + Buffer.byteLength(m), 0);
    out[`<${tag}>`] = { count: matches.length, kb: Math.round(bytes / 102.4) / 10 };
    rest -= bytes;
  }
  out['table rows (<tr>)'] = { count: (html.match(/<tr[\s>]/g) ?? []).length, kb: 0 };
  out['everything else'] = { count: 1, kb: Math.round(rest / 102.4) / 10 };
  return out;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { dataset: { type: 'string' }, page: { type: 'string' }, repeats: { type: 'string' } }
  });
  const dataset = values.dataset ?? 'demo';
  const page = values.page ?? '/';
  const repeats = Number(values.repeats ?? 10);
  if (!LOADS[page]) throw new Error(`--page must be one of ${Object.keys(LOADS).join(', ')}`);
  const root = mkdtempSync(join(tmpdir(), 'uptake-profile-'));
  try {
    // `national`: 7,000 practices × 36 months in the national shape (as pages.ts's national dataset).
    const national = dataset === 'national';
    const [services, snapshots] = dataset === 'demo' ? [0, 0] : national ? [7000, 36] : dataset.split('x').map(Number);
    const paths =
      dataset === 'demo'
        ? [join(ROOT, 'data/demo')]
        : [generateProgramme(join(root, 'programme'), services, snapshots, national ? 'national' : 'programme').folder];
    const dbPath = join(root, 'uptake.duckdb');
    mkdirSync(join(root, 'raw'));
    await loadWarehouse(dbPath, paths, join(root, 'raw'));

    timeDuckDbCalls();
    const warehouse = await openWarehouse(dbPath);
    const [first] = await queryRows<{ service_id: string }>(
      warehouse.connection,
      'SELECT service_id FROM service_latest ORDER BY live_on NULLS LAST, service_id LIMIT 1'
    );
    const ids = {
      id: first.service_id,
      report: notebookNames().includes('steering-committee-monthly') ? 'steering-committee-monthly' : notebookNames()[0]
    };
    const once = async () => {
      inDuckDb = 0;
      calls = [];
      const start = performance.now();
      const layout = await warehouse.instance.connect();
      const filters = await resolveFilters(layout, parseFilters(new URLSearchParams()), await filterOptions(layout));
      layout.closeSync();
      const connection = await warehouse.instance.connect();
      const result = await LOADS[page](connection, filters, ids);
      connection.closeSync();
      return { ms: performance.now() - start, duckDbMs: inDuckDb, resultChars: JSON.stringify(result).length, calls };
    };
    await once();
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const runs: Awaited<ReturnType<typeof once>>[] = [];
    for (let i = 0; i < repeats; i++) runs.push(await once());
    const { profile } = (await session.post('Profiler.stop')) as unknown as {
      profile: { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
    };
    session.disconnect();
    warehouse.close();

    const perSample = (profile.endTime - profile.startTime) / 1000 / profile.samples.length;
    const byCategory = new Map<string, number>();
    const hits = new Map<number, number>();
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
    for (const node of profile.nodes) {
      const n = hits.get(node.id) ?? 0;
      if (n) byCategory.set(category(node), (byCategory.get(category(node)) ?? 0) + n * perSample);
    }
    const total = median(runs.map((r) => r.ms));
    const duck = median(runs.map((r) => r.duckDbMs));
    console.log(
      `${dataset} ${page} (service ${ids.id}, report ${ids.report}): the page's load, median of ${repeats}, in-process`
    );
    console.log(
      `  load total ${total.toFixed(1)} ms = DuckDB ${duck.toFixed(1)} ms + JavaScript ${(total - duck).toFixed(1)} ms; data returned ${(runs[0].resultChars / 1024).toFixed(0)} KB as JSON`
    );
    // The slowest DuckDB calls: the median over the runs of each call, by position (every run makes the same calls).
    const slowest = runs[0].calls
      .map((c, i) => ({ sql: c.sql, ms: median(runs.map((r) => r.calls[i]?.ms ?? 0)) }))
      .sort((a, b) => b.ms - a.ms);
    console.log(`  ${runs[0].calls.length} DuckDB calls per load; the slowest (median ms):`);
    for (const c of slowest.slice(0, 8)) console.log(`    ${c.ms.toFixed(1).padStart(8)}  ${c.sql.slice(0, 150)}`);
    console.log(`  CPU profile of the main thread, ms per load:`);
    for (const [name, ms] of [...byCategory].sort((a, b) => b[1] - a[1]))
      console.log(`    ${(ms / repeats).toFixed(1).padStart(8)}  ${name}`);

    const build = copyBuild();
    let server: Awaited<ReturnType<typeof startDashboard>> | undefined;
    try {
      server = await startDashboard(dbPath, build);
      const path = page.replace('[id]', ids.id).replace('[name]', ids.report);
      const times: number[] = [];
      let html = '';
      for (let i = 0; i < Math.min(repeats, 10) + 1; i++) {
        const start = performance.now();
        html = await (await fetch(server.url + path)).text();
        if (i > 0) times.push(performance.now() - start);
      }
      const serverMs = median(times);
      console.log(
        `  built server: ${serverMs.toFixed(1)} ms median for ${(Buffer.byteLength(html) / 1024).toFixed(0)} KB of HTML; server − load ≈ ${(serverMs - total).toFixed(1)} ms (layout, Svelte render, sending)`
      );
      console.log('  the HTML is made of:');
      for (const [part, { count, kb }] of Object.entries(composition(html)))
        console.log(`    ${part.padEnd(20)} ${String(count).padStart(6)}  ${kb ? `${kb} KB` : ''}`);
    } finally {
      await server?.stop();
      build.remove();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
