/**
 * The rows the charts take: the columns of the metric views (pipeline/metrics/, /tmp contract "Metric views") that
 * each chart reads. A view's full row satisfies these types; extra columns are ignored.
 *
 * Dates may be ISO strings (queryRows / DuckDB JSON getters) or Dates. Counts are numbers; the charts also accept
 * the strings DuckDB's JSON getters give for BIGINT, so an uncast count(*) does not break a chart.
 */
import type { DateLike } from '../format/dates.ts';

export type Count = number | string | null;

/** Where a service stands at an as-of date, as the `service_status` view judges it. */
export type SetupStatus = 'live' | 'in setup' | 'not approached';

/**
 * A row of `setup_duration`: one service's set-up at one as-of date. The status and the day counts are the view's
 * (the charts never judge "live" or "late" again from the dates); the charts turn days into months themselves
 * (days / 30.4375) because the view's month columns are rounded to one decimal for display.
 */
export interface SetupDurationRow {
  as_of?: DateLike;
  service_id: string;
  service_name: string;
  /** The programme's launch date (the same on every row); null without a programme file. */
  launched_on: DateLike | null;
  planned_live_on: DateLike | null;
  live_on: DateLike | null;
  status: SetupStatus;
  /** Launch to go-live, for services live at the as-of date. */
  days_launch_to_live: Count;
  /** Approach to go-live, for services live at the as-of date. */
  days_approach_to_live: Count;
  /** Launch to the planned go-live. */
  planned_days_launch_to_live: Count;
  /** Go-live after the planned date (negative when early), for services live at the as-of date. */
  slippage_days: Count;
  /** Approach to the as-of date, for services in set-up. */
  days_in_setup: Count;
  /** Past the planned go-live and not live: the as-of date less the planned date. */
  days_overdue: Count;
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
