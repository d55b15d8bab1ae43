/**
 * The rows the charts take: the columns of the metric views (pipeline/metrics/, /tmp contract "Metric views") that
 * each chart reads. A view's full row satisfies these types; extra columns are ignored.
 *
 * Dates may be ISO strings (queryRows / DuckDB JSON getters) or Dates. Counts are numbers; the charts also accept
 * the strings DuckDB's JSON getters give for BIGINT, so an uncast count(*) does not break a chart.
 */
import type { DateLike } from '../format/dates.ts';

export type Count = number | string | null;

/** A row of `setup_duration` (or `service_status` joined to `programme_latest`): one service's set-up dates. */
export interface ServiceSetupRow {
  as_of?: DateLike;
  service_id: string;
  service_name: string;
  /** The programme's launch date (the same on every row). */
  launched_on: DateLike;
  approached_on: DateLike | null;
  planned_live_on: DateLike | null;
  live_on: DateLike | null;
}

/** A row of `uptake_funnel`: one service's patient counts at one as-of date. */
export interface UptakeFunnelRow {
  as_of: DateLike;
  service_id: string;
  service_name: string;
  approached: Count;
  consented: Count;
  registered: Count;
  shared_with_carer: Count;
  shared_with_professional: Count;
  /** The larger of the two sharing counts (a patient may share with both); computed here when absent. */
  shared_with_anyone_max?: Count;
}

/** A row of `feature_matrix`: one feature of one service. */
export interface FeatureMatrixRow {
  service_id: string;
  service_name: string;
  feature: string;
  /** 'core' | 'additional' (other categories are shown after these, in the order they appear). */
  category: string;
  enabled: boolean;
  enabled_on: DateLike | null;
}

/** A row of `adoption_by_setting`: services in one setting at one as-of date. */
export interface AdoptionBySettingRow {
  as_of: DateLike;
  setting: string;
  services_total: Count;
  services_approached: Count;
  services_live: Count;
}

/** A count as a number; null stays null (not reported), and a non-numeric value fails loudly. */
export function toCount(value: Count | undefined): number | null {
  if (value == null || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new Error(`Expected a count, got ${JSON.stringify(value)}`);
  return n;
}
