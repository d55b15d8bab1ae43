/**
 * Each figure's footer names the loads it rests on. The demo programme (data/demo/): five uptake exports (as of
 * 31 Oct 2016 to 6 Feb 2017) and three files without an as-of date (programme, services, features).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_DIR, openDemoWarehouse } from '../helpers/demo-fixture.ts';
import { figureSources, loadAnchor } from '../../pipeline/dashboard/provenance.ts';
import { provenance } from '../../pipeline/dashboard/data-loads.ts';

let demo: Awaited<ReturnType<typeof openDemoWarehouse>>;
beforeAll(async () => {
  demo = await openDemoWarehouse();
});
afterAll(() => demo?.dispose());

const sha = (file: string) =>
  createHash('sha256')
    .update(readFileSync(join(DEMO_DIR, file)))
    .digest('hex');

describe('the loads behind a figure', () => {
  test('a snapshot figure lists its as-of date’s load and the three reference files, with their SHA-256', async () => {
    const sources = await provenance(demo.warehouse.connection, '2017-02-06');
    const shown = figureSources('services', sources);
    expect(shown.summary).toBeNull();
    expect(shown.listed).toEqual([
      { file_name: 'uptake-2017-02-06.csv', sha256: sha('uptake-2017-02-06.csv'), as_of: '2017-02-06' },
      { file_name: 'features.csv', sha256: sha('features.csv'), as_of: null },
      { file_name: 'programme.csv', sha256: sha('programme.csv'), as_of: null },
      { file_name: 'services.csv', sha256: sha('services.csv'), as_of: null }
    ]);
    expect(loadAnchor(sha('services.csv'))).toBe(`load-${sha('services.csv').slice(0, 12)}`);
  });

  test('a figure over history summarises the five dated loads up to its as-of date', async () => {
    const sources = await provenance(demo.warehouse.connection, '2017-02-06');
    const shown = figureSources('registration-trend', sources);
    expect(shown.summary).toBe('5 dated loads, 31 Oct 2016 – 6 Feb 2017');
    expect(shown.listed.map((l) => l.file_name)).toEqual(['features.csv', 'programme.csv', 'services.csv']);
  });

  test('at an earlier as-of date, later loads are not among the sources', async () => {
    const sources = await provenance(demo.warehouse.connection, '2016-11-30');
    expect(sources.history.map((l) => l.file_name)).toEqual(['uptake-2016-10-31.csv', 'uptake-2016-11-30.csv']);
    expect(figureSources('adoption-curve', sources).listed.map((l) => l.file_name)).toEqual([
      'uptake-2016-10-31.csv',
      'uptake-2016-11-30.csv',
      'features.csv',
      'programme.csv',
      'services.csv'
    ]);
  });
});
