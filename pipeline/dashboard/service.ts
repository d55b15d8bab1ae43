/**
 * One service's page: its milestones (approached, planned live, live, with months from launch), its features, and its
 * history across every loaded snapshot up to the as-of date.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ResolvedFilters } from './filters.ts';
import { formatDate } from '../format/format.ts';
import { select } from './sql.ts';
import { type Figure, drawn } from './table.ts';
import { serviceHistoryChart, type ViewRow } from './charts.ts';
import { REGISTERED_OF_CONSENTED, patientCount } from './columns.ts';
import { CORE_TOTAL } from '../metrics/features.ts';
import { periodAdjective, thinDates, type UptakeFunnelRow } from '../charts/index.ts';

export interface ServiceDetails {
  service_id: string;
  service_name: string;
  organisation: string;
  setting: string;
  specialty: string | null;
  sensitive: boolean;
  in_original_bid: boolean;
  approached_on: string | null;
  planned_live_on: string | null;
  live_on: string | null;
}

export interface ServiceSetup {
  status: string;
  launched_on: string | null;
  months_launch_to_live: number | null;
  months_approach_to_live: number | null;
  slippage_months: number | null;
  slippage_days: number | null;
  days_in_setup: number | null;
}

export interface ServiceFeature {
  feature: string;
  category: string;
  /** Enabled at the as-of date. */
  enabled: boolean;
  enabled_on: string | null;
}

export interface ServicePage {
  service: ServiceDetails;
  setup: ServiceSetup | null;
  features: ServiceFeature[];
  fidelity: { core_enabled: number; core_total: number; additional_enabled: number } | null;
  history: Figure;
}

/** Null when no service has that id (the site answers 404). */
export async function servicePage(
  connection: DuckDBConnection,
  serviceId: string,
  filters: ResolvedFilters
): Promise<ServicePage | null> {
  const [service] = await select<ServiceDetails>(
    connection,
    `SELECT service_id, service_name, organisation, setting, specialty, sensitive, in_original_bid,
            CAST(approached_on AS VARCHAR) AS approached_on, CAST(planned_live_on AS VARCHAR) AS planned_live_on,
            CAST(live_on AS VARCHAR) AS live_on
       FROM service_latest WHERE service_id = $id`,
    { id: serviceId }
  );
  if (!service) return null;
  const [setup] = filters.asOf
    ? await select<ServiceSetup>(
        connection,
        `SELECT s.status, CAST(d.launched_on AS VARCHAR) AS launched_on,
                CAST(d.months_launch_to_live AS DOUBLE) AS months_launch_to_live,
                CAST(d.months_approach_to_live AS DOUBLE) AS months_approach_to_live,
                CAST(d.slippage_months AS DOUBLE) AS slippage_months, CAST(d.slippage_days AS INTEGER) AS slippage_days,
                CAST(d.days_in_setup AS INTEGER) AS days_in_setup
           FROM service_status s
           LEFT JOIN setup_duration d ON d.as_of = s.as_of AND d.service_id = s.service_id
          WHERE s.as_of = CAST($asOf AS DATE) AND s.service_id = $id`,
        { id: serviceId, asOf: filters.asOf }
      )
    : [];
  // Features as at the as-of date: one switched on later counts as not enabled yet (as on the Functionality page).
  const features = await select<ServiceFeature>(
    connection,
    `SELECT feature, category, CAST(enabled_on AS VARCHAR) AS enabled_on,
            coalesce(enabled AND ($asOf IS NULL OR enabled_on IS NULL OR enabled_on <= CAST($asOf AS DATE)), false) AS enabled
       FROM feature_matrix WHERE service_id = $id ORDER BY category = 'additional', feature`,
    { id: serviceId, asOf: filters.asOf }
  );
  const fidelity = features.length
    ? {
        core_enabled: features.filter((f) => f.category === 'core' && f.enabled).length,
        core_total: CORE_TOTAL,
        additional_enabled: features.filter((f) => f.category === 'additional' && f.enabled).length
      }
    : null;
  const history = await select<ViewRow<UptakeFunnelRow>>(
    connection,
    `SELECT CAST(as_of AS VARCHAR) AS as_of, service_id, service_name, approached, consented, registered,
            CAST(registration_rate AS DOUBLE) AS registration_rate, shared_with_carer, shared_with_professional
       FROM uptake_funnel
      WHERE service_id = $id AND ($asOf IS NULL OR as_of <= CAST($asOf AS DATE))
      ORDER BY as_of`,
    { id: serviceId, asOf: filters.asOf }
  );
  // Years of daily snapshots would make thousands of rows: keep the last snapshot in each month, quarter or year.
  const thinned = thinDates(history.map((r) => String(r.as_of)));
  const keep = new Set(thinned.dates);
  const shown = thinned.period === 'date' ? history : history.filter((r) => keep.has(String(r.as_of)));
  return {
    service,
    setup: setup ?? null,
    features,
    fidelity,
    history: historyFigure(service, shown, filters, periodAdjective(thinned.period))
  };
}

function historyFigure(
  service: ServiceDetails,
  rows: ViewRow<UptakeFunnelRow>[],
  filters: ResolvedFilters,
  thinnedTo = ''
): Figure {
  const first = rows[0];
  const last = rows.at(-1);
  const chart = filters.asOf && rows.length ? serviceHistoryChart(rows, filters.asOf) : null;
  let title = `No snapshots loaded for ${service.service_name}`;
  if (first && last) {
    title =
      rows.length === 1
        ? `${last.registered ?? 0} patients registered with ${service.service_name}`
        : `Registered patients went from ${first.registered ?? 0} to ${last.registered ?? 0} between ${formatDate(String(first.as_of), 'long')} and ${formatDate(String(last.as_of), 'long')}`;
  }
  return {
    id: 'service-history',
    title,
    subtitle: `Patients approached, consented, registered and sharing, ${service.service_name}, ${thinnedTo ? `${thinnedTo} (the last snapshot in each period)` : 'every snapshot'} up to ${formatDate(filters.asOf, 'long')}`,
    ...drawn(chart),
    table: {
      caption: `History of ${service.service_name} across snapshots`,
      columns: [
        { key: 'as_of', label: 'As of', kind: 'date', rowHeader: true },
        patientCount('approached', 'Approached'),
        patientCount('consented', 'Consented'),
        patientCount('registered', 'Registered'),
        REGISTERED_OF_CONSENTED,
        patientCount('shared_with_carer', 'Sharing with a carer'),
        patientCount('shared_with_professional', 'Sharing with a professional')
      ],
      rows
    }
  };
}
