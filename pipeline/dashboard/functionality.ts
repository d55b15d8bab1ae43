/**
 * Functionality: the services × features matrix, core and additional (the seed report's Tables 2 and 3), with each
 * service's core-feature fidelity (core enabled of 5) and count of additional features.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filterParams, populationText, type ResolvedFilters } from './filters.ts';
import { select } from './sql.ts';
import type { Column, Figure, Row } from './table.ts';
import { featureMatrixChart } from './charts.ts';

interface MatrixCell {
  service_id: string;
  service_name: string;
  feature: string;
  category: 'core' | 'additional';
  enabled: boolean;
  enabled_on: string | null;
}

export async function functionality(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Figure> {
  // The feature flags are as last loaded (they carry their own enabled_on date), so only the organisation and
  // setting filters apply here; the as-of date does not.
  const cells = await select<MatrixCell>(
    connection,
    `SELECT m.service_id, m.service_name, m.feature, m.category, m.enabled, CAST(m.enabled_on AS VARCHAR) AS enabled_on
       FROM feature_matrix m JOIN service_latest s USING (service_id)
      WHERE ($organisation IS NULL OR s.organisation = $organisation) AND ($setting IS NULL OR s.setting = $setting)
      ORDER BY m.service_name, m.category, m.feature`,
    filterParams(filters)
  );
  const fidelity = await select<{ service_id: string; core_enabled: number; core_total: number; additional_enabled: number }>(
    connection,
    `SELECT service_id, CAST(core_enabled AS INTEGER) AS core_enabled, CAST(core_total AS INTEGER) AS core_total,
            CAST(additional_enabled AS INTEGER) AS additional_enabled FROM feature_fidelity`
  );
  const features = (category: string) => [...new Set(cells.filter((c) => c.category === category).map((c) => c.feature))].sort();
  const core = features('core');
  const additional = features('additional');
  const columns: Column[] = [
    { key: 'service_name', label: 'Service', kind: 'text', rowHeader: true },
    ...core.map((f): Column => ({ key: `core:${f}`, label: `${f} (core)`, kind: 'flag' })),
    ...additional.map((f): Column => ({ key: `additional:${f}`, label: `${f} (additional)`, kind: 'flag' })),
    { key: 'core_enabled', label: 'Core features enabled', kind: 'integer' },
    { key: 'additional_enabled', label: 'Additional features enabled', kind: 'integer' }
  ];
  const byService = new Map<string, Row>();
  for (const cell of cells) {
    const row = byService.get(cell.service_id) ?? { service_id: cell.service_id, service_name: cell.service_name };
    row[`${cell.category}:${cell.feature}`] = cell.enabled;
    byService.set(cell.service_id, row);
  }
  for (const f of fidelity) {
    const row = byService.get(f.service_id);
    if (row) Object.assign(row, { core_enabled: f.core_enabled, additional_enabled: f.additional_enabled });
  }
  const rows = [...byService.values()];
  const coreTotal = fidelity[0]?.core_total ?? core.length;
  const allCore = rows.filter((r) => r.core_enabled === coreTotal).length;
  const widest = rows.reduce<Row | null>((a, b) => (a === null || Number(b.additional_enabled ?? 0) > Number(a.additional_enabled ?? 0) ? b : a), null);
  const chart = filters.asOf && cells.length ? featureMatrixChart(cells, filters.asOf) : null;
  return {
    id: 'feature-matrix',
    title: rows.length
      ? `${allCore} of ${rows.length} services offer all ${coreTotal} core features` +
        (widest && Number(widest.additional_enabled) > 0 ? `; ${widest.service_name} has the widest range of additional features` : '')
      : 'No features loaded yet',
    subtitle: `Core and additional features enabled per service, ${populationText(filters)}, as last loaded`,
    svg: chart?.svg ?? null,
    summary: chart?.summary ?? 'There is nothing to chart yet.',
    table: { caption: 'Features enabled per service', columns, rows }
  };
}
