/**
 * Uptake & trends: the funnel per service at the as-of date (approached → consented → registered → sharing) and the
 * registration trend across the snapshots up to the as-of date.
 *
 * Sizes stay bounded whatever the number of services and snapshots: with more than MANY_UNITS services the funnel
 * shows the top and bottom ten by patients registered and the mean of the others, and the trend shows percentile
 * bands per snapshot (quantiles computed in SQL); a run of more than MAX_TREND_POINTS snapshots is thinned to the last
 * one in each month, quarter or year. The data table and CSV hold exactly those rows.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filterParams, populationText, type ResolvedFilters } from './filters.ts';
import { formatDate, formatNumber } from '../format/format.ts';
import { select, serviceFilter } from './sql.ts';
import { controlCount, type ProfileName } from '../disclosure/index.ts';
import { type Figure, type Row, drawn } from './table.ts';
import { NOT_REPORTED, REGISTERED_OF_CONSENTED, patientCount, percentOf, serviceCount } from './columns.ts';
import { registrationBandsChart, registrationTrendChart, uptakeFunnelChart, type ViewRow } from './charts.ts';
import {
  funnelExtremes,
  MANY_UNITS,
  periodAdjective,
  thinDates,
  toCount,
  type DatePeriod,
  type TrendBandRow,
  type UptakeFunnelRow
} from '../charts/index.ts';

export interface UptakeTrends {
  funnel: Figure;
  trend: Figure;
}

export async function uptakeTrends(connection: DuckDBConnection, filters: ResolvedFilters): Promise<UptakeTrends> {
  return { funnel: await uptakeFunnel(connection, filters), trend: await registrationTrend(connection, filters) };
}

/**
 * `profile`: the disclosure profile the table leaves under. For a controlled audience the services drawn one by one
 * are chosen by their counts as that audience sees them (a hidden count just above 0, ties by name): chosen by the
 * exact counts, which of two services showing the same rounded figure made the top 10 would rank them exactly.
 */
export async function uptakeFunnel(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  profile: ProfileName = 'none'
): Promise<Figure> {
  const rows = filters.asOf
    ? await select<ViewRow<UptakeFunnelRow>>(
        connection,
        `SELECT CAST(u.as_of AS VARCHAR) AS as_of, u.service_id, u.service_name, u.organisation, u.setting, u.approached, u.consented, u.registered,
                u.shared_with_carer, u.shared_with_professional,
                CAST(u.consent_rate AS DOUBLE) AS consent_rate, CAST(u.registration_rate AS DOUBLE) AS registration_rate
           FROM uptake_funnel u
          WHERE u.as_of = CAST($asOf AS DATE) AND ${serviceFilter('u')}
          ORDER BY u.approached DESC NULLS LAST, u.service_name`,
        filterParams(filters)
      )
    : [];
  const chart = filters.asOf && rows.length ? uptakeFunnelChart(rows, filters.asOf) : null;
  const top = rows[0];
  // A source that does not report a stage (NHS Digital's practice figures have no approached or consented patients)
  // is said to lack it, rather than shown as a funnel of zeros.
  const lacking = (
    [
      ['approached', 'patients approached'],
      ['consented', 'patients consented'],
      ['registered', 'patients registered'],
      ['shared_with_carer', 'patients sharing with a carer'],
      ['shared_with_professional', 'patients sharing with a professional']
    ] as const
  )
    .filter(([key]) => rows.length && rows.every((r) => r[key] === null || r[key] === undefined))
    .map(([, label]) => label);
  const lacks = lacking.length
    ? ` Not reported by the loaded exports: ${lacking.join(', ')}; those stages of the funnel cannot be shown.`
    : '';
  const many = rows.length > MANY_UNITS;
  // The chart draws these rows (it picks them the same way from all of them), so the table and CSV match it.
  const shown: Row[] = many
    ? funnelExtremes(rows, filters.asOf!, shownRank(profile)).map((r) => ({
        service_id: r.service_id,
        service_name: r.service_name,
        approached: toCount(r.approached),
        consented: toCount(r.consented),
        registered: toCount(r.registered),
        shared_with_carer: toCount(r.shared_with_carer),
        shared_with_professional: toCount(r.shared_with_professional),
        group:
          r.group === 'rest'
            ? `Mean of the other ${formatNumber(r.services)}`
            : r.group === 'top'
              ? 'Most registered'
              : 'Fewest registered',
        consent_rate: ratio(r.consented, r.approached),
        registration_rate: ratio(r.registered, r.consented)
      }))
    : rows;
  return {
    id: 'uptake-funnel',
    // With many services the chart ranks by patients registered, so the title names the top one by that measure.
    title: !top
      ? 'No uptake reported yet'
      : many
        ? `${shown[0].service_name} registered the most patients (${formatNumber(Number(shown[0].registered ?? 0))}) of ${formatNumber(rows.length)} services`
        : lacking.includes('patients approached')
          ? 'Patients approached are not reported by this source'
          : `${top.service_name} approached the most patients (${formatNumber(Number(top.approached ?? 0))})`,
    subtitle: many
      ? `Patients approached, consented, registered and sharing: the 10 services with the most and the 10 with the fewest patients registered, and the mean of the other ${formatNumber(rows.length - 20)}, ${populationText(filters)}, ${formatDate(filters.asOf, 'long')}`
      : `Patients approached, consented, registered and sharing, per service, ${populationText(filters)}, ${formatDate(filters.asOf, 'long')}`,
    ...drawn(chart),
    summary: drawn(chart).summary + lacks,
    table: {
      caption: many
        ? `Uptake funnel: the 10 services with the most and the 10 with the fewest registered, and the mean of the others, ${formatDate(filters.asOf, 'long')}`
        : `Uptake funnel per service, ${formatDate(filters.asOf, 'long')}`,
      columns: [
        { key: 'service_name', label: 'Service', kind: 'text', rowHeader: true },
        ...(many ? [{ key: 'group', label: 'Group', kind: 'text' as const }] : []),
        patientCount('approached', 'Approached', { missing: NOT_REPORTED }),
        patientCount('consented', 'Consented', { missing: NOT_REPORTED }),
        patientCount('registered', 'Registered', { missing: NOT_REPORTED }),
        patientCount('shared_with_carer', 'Sharing with a carer', { missing: NOT_REPORTED }),
        patientCount('shared_with_professional', 'Sharing with a professional', { missing: NOT_REPORTED }),
        percentOf('consent_rate', 'Consented of approached', 'consented', 'approached'),
        REGISTERED_OF_CONSENTED
      ],
      rows: shown
    }
  };
}

function ratio(numerator: unknown, denominator: unknown): number | null {
  const [n, d] = [numerator == null ? null : Number(numerator), denominator == null ? null : Number(denominator)];
  return n === null || !d ? null : n / d;
}

export async function registrationTrend(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Figure> {
  if (!filters.asOf) return trendFigure(filters, [], 'date', null, 0);
  const params = filterParams(filters);
  const [about] = await select<{ services: number; dates: string | null }>(
    connection,
    `SELECT CAST(count(DISTINCT u.service_id) AS INTEGER) AS services,
            string_agg(DISTINCT CAST(u.as_of AS VARCHAR), ',') AS dates
       FROM uptake_funnel u
      WHERE u.as_of <= CAST($asOf AS DATE) AND ${serviceFilter('u')}`,
    params
  );
  const thinned = thinDates(about?.dates ? about.dates.split(',') : []);
  const dates = thinned.dates.join(',');
  if (about && about.services > MANY_UNITS) {
    // Quantiles over the services reporting at each date: quantile_cont interpolates as the chart's own fallback does.
    const bands = await select<ViewRow<TrendBandRow>>(
      connection,
      `SELECT CAST(u.as_of AS VARCHAR) AS as_of, CAST(count(u.registered) AS INTEGER) AS units,
              CAST(sum(u.registered) AS BIGINT) AS total,
              CAST(quantile_cont(u.registered, 0.1) AS DOUBLE) AS p10, CAST(quantile_cont(u.registered, 0.25) AS DOUBLE) AS p25,
              CAST(quantile_cont(u.registered, 0.5) AS DOUBLE) AS median, CAST(quantile_cont(u.registered, 0.75) AS DOUBLE) AS p75,
              CAST(quantile_cont(u.registered, 0.9) AS DOUBLE) AS p90
         FROM uptake_funnel u
        WHERE list_contains(string_split($dates, ','), CAST(u.as_of AS VARCHAR)) AND ${serviceFilter('u')}
        GROUP BY u.as_of ORDER BY u.as_of`,
      { ...params, dates }
    );
    const rows = bands.map((r) => ({ ...r, total: Number(r.total) }));
    return trendFigure(filters, rows, thinned.period, registrationBandsChart(rows, filters.asOf), about.services);
  }
  const rows = await select<ViewRow<UptakeFunnelRow>>(
    connection,
    `SELECT CAST(u.as_of AS VARCHAR) AS as_of, u.service_id, u.service_name, u.approached, u.consented, u.registered,
            u.shared_with_carer, u.shared_with_professional, CAST(u.registration_rate AS DOUBLE) AS registration_rate
       FROM uptake_funnel u
      WHERE list_contains(string_split($dates, ','), CAST(u.as_of AS VARCHAR)) AND ${serviceFilter('u')}
      ORDER BY u.service_name, u.as_of`,
    { ...params, dates }
  );
  const chart = rows.length ? registrationTrendChart(rows, filters.asOf) : null;
  return trendFigure(filters, rows, thinned.period, chart, about?.services ?? 0);
}

/** Per-service rows (few services) or one band row per date (many: `units` and `total` present). */
function trendFigure(
  filters: ResolvedFilters,
  rows: Row[],
  period: DatePeriod,
  chart: { svg: string; summary: string } | null,
  services: number
): Figure {
  const banded = services > MANY_UNITS;
  const dates = [...new Set(rows.map((r) => String(r.as_of)))].sort();
  const total = (date: string | undefined) =>
    rows.filter((r) => r.as_of === date).reduce((n, r) => n + Number((banded ? r.total : r.registered) ?? 0), 0);
  const first = dates[0];
  const last = dates.at(-1);
  const which = period === 'date' ? '' : ` (the last in each ${period}, ${periodAdjective(period)})`;
  const snapshots = `${dates.length} ${dates.length === 1 ? 'snapshot' : 'snapshots'}${which} to ${formatDate(filters.asOf, 'long')}`;
  return {
    id: 'registration-trend',
    title:
      first && last && first !== last
        ? `Registered patients rose from ${formatNumber(total(first))} to ${formatNumber(total(last))} between ${formatDate(first, 'long')} and ${formatDate(last, 'long')}`
        : `${formatNumber(total(last))} patients registered`,
    subtitle: banded
      ? `Patients registered per service: median, middle half and 10th to 90th percentile across ${formatNumber(services)} services, ${populationText(filters)}, ${snapshots}`
      : `Patients registered per service at each snapshot, ${populationText(filters)}, ${snapshots}`,
    ...drawn(chart),
    table: banded
      ? {
          caption: `Patients registered per service at each snapshot: spread across services, up to ${formatDate(filters.asOf, 'long')}`,
          columns: [
            { key: 'as_of', label: 'As of', kind: 'date', rowHeader: true },
            serviceCount('units', 'Services reporting'),
            patientCount('total', 'Registered in total'),
            { key: 'p10', label: '10th percentile', kind: 'decimal', counts: 'patients' },
            { key: 'p25', label: '25th percentile', kind: 'decimal', counts: 'patients' },
            { key: 'median', label: 'Median', kind: 'decimal', counts: 'patients' },
            { key: 'p75', label: '75th percentile', kind: 'decimal', counts: 'patients' },
            { key: 'p90', label: '90th percentile', kind: 'decimal', counts: 'patients' }
          ],
          rows
        }
      : {
          caption: `Registrations per service at each snapshot up to ${formatDate(filters.asOf, 'long')}`,
          columns: [
            { key: 'service_name', label: 'Service', kind: 'text', rowHeader: true },
            { key: 'as_of', label: 'As of', kind: 'date' },
            patientCount('consented', 'Consented'),
            patientCount('registered', 'Registered'),
            REGISTERED_OF_CONSENTED
          ],
          rows
        }
  };
}

/** Counts ranked as the audience of `profile` sees them; exact for the committee. */
function shownRank(profile: ProfileName): (count: number | null) => number | null {
  if (profile === 'none') return (count) => count;
  return (count) => {
    if (count === null) return null;
    const shown = controlCount(count, profile);
    return shown.suppressed ? 0.5 : shown.value;
  };
}
