/**
 * Uptake & trends: the funnel per service at the as-of date (approached → consented → registered → sharing) and the
 * registration trend across every snapshot up to the as-of date.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filterParams, populationText, type ResolvedFilters } from './filters.ts';
import { formatDate } from './format.ts';
import { select, serviceFilter } from './sql.ts';
import type { Figure, Row } from './table.ts';
import { registrationTrendChart, uptakeFunnelChart } from './charts.ts';

export interface UptakeTrends {
  funnel: Figure;
  trend: Figure;
}

export async function uptakeTrends(connection: DuckDBConnection, filters: ResolvedFilters): Promise<UptakeTrends> {
  return { funnel: await uptakeFunnel(connection, filters), trend: await registrationTrend(connection, filters) };
}

export async function uptakeFunnel(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Figure> {
  const rows = filters.asOf
    ? await select<Row>(
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
  return {
    id: 'uptake-funnel',
    title:
      top && !lacking.includes('patients approached')
        ? `${top.service_name} approached the most patients (${Number(top.approached ?? 0).toLocaleString('en-GB')})`
        : top
          ? 'Patients approached are not reported by this source'
          : 'No uptake reported yet',
    subtitle: `Patients approached, consented, registered and sharing, per service, ${populationText(filters)}, ${formatDate(filters.asOf)}`,
    svg: chart?.svg ?? null,
    summary: (chart?.summary ?? 'There is nothing to chart yet.') + lacks,
    table: {
      caption: `Uptake funnel per service, ${formatDate(filters.asOf)}`,
      columns: [
        { key: 'service_name', label: 'Service', kind: 'text', rowHeader: true },
        { key: 'approached', label: 'Approached', kind: 'integer', counts: 'patients', missing: 'not reported' },
        { key: 'consented', label: 'Consented', kind: 'integer', counts: 'patients', missing: 'not reported' },
        { key: 'registered', label: 'Registered', kind: 'integer', counts: 'patients', missing: 'not reported' },
        {
          key: 'shared_with_carer',
          label: 'Sharing with a carer',
          kind: 'integer',
          counts: 'patients',
          missing: 'not reported'
        },
        {
          key: 'shared_with_professional',
          label: 'Sharing with a professional',
          kind: 'integer',
          counts: 'patients',
          missing: 'not reported'
        },
        {
          key: 'consent_rate',
          label: 'Consented of approached',
          kind: 'percent',
          rate: { numerator: 'consented', denominator: 'approached' }
        },
        {
          key: 'registration_rate',
          label: 'Registered of consented',
          kind: 'percent',
          rate: { numerator: 'registered', denominator: 'consented' }
        }
      ],
      rows
    }
  };
}

export async function registrationTrend(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Figure> {
  const rows = filters.asOf
    ? await select<Row>(
        connection,
        `SELECT CAST(u.as_of AS VARCHAR) AS as_of, u.service_id, u.service_name, u.approached, u.consented, u.registered,
                u.shared_with_carer, u.shared_with_professional, CAST(u.registration_rate AS DOUBLE) AS registration_rate
           FROM uptake_funnel u
          WHERE u.as_of <= CAST($asOf AS DATE) AND ${serviceFilter('u')}
          ORDER BY u.service_name, u.as_of`,
        filterParams(filters)
      )
    : [];
  const dates = [...new Set(rows.map((r) => String(r.as_of)))].sort();
  const total = (date: string | undefined) =>
    rows.filter((r) => r.as_of === date).reduce((n, r) => n + Number(r.registered ?? 0), 0);
  const first = dates[0];
  const last = dates.at(-1);
  const chart = filters.asOf && rows.length ? registrationTrendChart(rows, filters.asOf) : null;
  return {
    id: 'registration-trend',
    title:
      first && last && first !== last
        ? `Registered patients rose from ${total(first).toLocaleString('en-GB')} to ${total(last).toLocaleString('en-GB')} between ${formatDate(first)} and ${formatDate(last)}`
        : `${total(last).toLocaleString('en-GB')} patients registered`,
    subtitle: `Patients registered per service at each snapshot, ${populationText(filters)}, ${dates.length} ${dates.length === 1 ? 'snapshot' : 'snapshots'} to ${formatDate(filters.asOf)}`,
    svg: chart?.svg ?? null,
    summary: chart?.summary ?? 'There is nothing to chart yet.',
    table: {
      caption: `Registrations per service at each snapshot up to ${formatDate(filters.asOf)}`,
      columns: [
        { key: 'service_name', label: 'Service', kind: 'text', rowHeader: true },
        { key: 'as_of', label: 'As of', kind: 'date' },
        { key: 'consented', label: 'Consented', kind: 'integer', counts: 'patients' },
        { key: 'registered', label: 'Registered', kind: 'integer', counts: 'patients' },
        {
          key: 'registration_rate',
          label: 'Registered of consented',
          kind: 'percent',
          rate: { numerator: 'registered', denominator: 'consented' }
        }
      ],
      rows
    }
  };
}
