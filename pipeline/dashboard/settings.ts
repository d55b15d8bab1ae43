/**
 * Settings: services approached and live in each of the five settings (acute, mental health, community, primary care,
 * social care). Every setting is listed even when it has no services, so "primary care: none live" is visible.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filterParams, type ResolvedFilters } from './filters.ts';
import { formatDate } from '../format/format.ts';
import { select } from './sql.ts';
import { SETTINGS } from '../warehouse/schema.ts';
import { type Figure, type Row, drawn } from './table.ts';
import { serviceCount } from './columns.ts';
import { adoptionBySettingChart } from './charts.ts';
import { sqlLiteral } from '../warehouse/quote.ts';

export interface SettingsPage {
  figure: Figure;
  /** Settings with no service live at the as-of date, in the order of SETTINGS. */
  noneLive: string[];
}

export async function settings(connection: DuckDBConnection, filters: ResolvedFilters): Promise<SettingsPage> {
  // Counted from service_status (not adoption_by_setting) so that the organisation filter applies; the five settings
  // come from the schema's own list, a constant, so listing them in SQL is safe.
  const settingList = SETTINGS.map((s) => `(${sqlLiteral(s)}, ${SETTINGS.indexOf(s)})`).join(', ');
  const rows = filters.asOf
    ? await select<
        Row & {
          as_of: string;
          setting: string;
          services_total: number;
          services_approached: number;
          services_live: number;
        }
      >(
        connection,
        `WITH settings(setting, position) AS (VALUES ${settingList})
         SELECT CAST($asOf AS VARCHAR) AS as_of, settings.setting,
                CAST(count(s.service_id) AS INTEGER) AS services_total,
                CAST(count(s.service_id) FILTER (WHERE s.is_approached) AS INTEGER) AS services_approached,
                CAST(count(s.service_id) FILTER (WHERE s.is_live) AS INTEGER) AS services_live
           FROM settings
           LEFT JOIN service_status s
             ON s.setting = settings.setting AND s.as_of = CAST($asOf AS DATE)
            AND ($organisation IS NULL OR s.organisation = $organisation)
          WHERE ($setting IS NULL OR settings.setting = $setting)
          GROUP BY settings.setting, settings.position
          ORDER BY settings.position`,
        filterParams(filters)
      )
    : [];
  const noneLive = rows.filter((r) => r.services_live === 0).map((r) => r.setting);
  const liveSettings = rows.filter((r) => r.services_live > 0);
  const chart = filters.asOf && rows.length ? adoptionBySettingChart(rows, filters.asOf) : null;
  const where = filters.organisation ? ` at ${filters.organisation}` : '';
  return {
    noneLive,
    figure: {
      id: 'adoption-by-setting',
      title: noneLive.length
        ? `No service is live in ${orList(noneLive)}${where}`
        : `Services are live in every setting${where}`,
      subtitle: `Services approached and live by setting${where}, ${formatDate(filters.asOf, 'long')}`,
      ...drawn(
        chart,
        liveSettings
          .map((r) => `${r.setting}: ${r.services_live} live of ${r.services_approached} approached`)
          .join('; ') || 'No service is live.'
      ),
      table: {
        caption: `Services by setting, ${formatDate(filters.asOf, 'long')}`,
        columns: [
          { key: 'setting', label: 'Setting', kind: 'text', rowHeader: true },
          serviceCount('services_total', 'Services'),
          serviceCount('services_approached', 'Approached'),
          serviceCount('services_live', 'Live')
        ],
        rows
      }
    }
  };
}

/** ['a', 'b', 'c'] → "a, b or c". */
function orList(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
