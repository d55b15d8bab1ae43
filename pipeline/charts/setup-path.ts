/**
 * Where each service stands on the way from approached to live at an as-of date, in months since the programme
 * launched. Shared by the adoption curve and the setup timeline so both judge "live" and "late" the same way as
 * the `service_status` / `setup_duration` views: approached when approached_on <= as_of, live when live_on <= as_of.
 */
import { DAYS_PER_MONTH, daysBetween, isOnOrBefore, monthsBetween, toIsoDate, type DateLike } from '../format/dates.ts';
import type { ServiceSetupRow } from './rows.ts';

export type SetupStatus = 'live' | 'in setup' | 'not approached';

export interface SetupPath {
  serviceId: string;
  serviceName: string;
  status: SetupStatus;
  liveOn: string | null;
  /** Months since launch; null when not approached / not live / no plan at the as-of date. */
  approachedMonth: number | null;
  liveMonth: number | null;
  plannedMonth: number | null;
  /** Where the service's bar ends: its go-live, or the as-of date while still in set-up. */
  endMonth: number | null;
  /** Months from approach to live (live), or from approach to the as-of date (in set-up). */
  monthsInSetup: number | null;
  /**
   * Months behind plan: live after the planned date (slippage), or still in set-up past it (overdue so far).
   * Null when on time, early, or there is no plan.
   */
  monthsLate: number | null;
}

export interface SetupPaths {
  launchedOn: string;
  asOf: string;
  asOfMonth: number;
  paths: SetupPath[];
}

/** Rows for other as-of dates are left out, so callers may pass a whole view; a service twice at one date is an error. */
export function setupPaths(rows: readonly ServiceSetupRow[], asOfDate: DateLike): SetupPaths | null {
  const asOf = toIsoDate(asOfDate);
  const atAsOf = rows.filter((row) => row.as_of == null || toIsoDate(row.as_of) === asOf);
  if (atAsOf.length === 0) return null;
  const launchedOn = toIsoDate(atAsOf[0].launched_on);
  const seen = new Set<string>();
  const paths = atAsOf.map((row): SetupPath => {
    if (seen.has(row.service_id)) throw new Error(`Service ${row.service_id} appears twice at ${asOf}`);
    seen.add(row.service_id);
    const since = (date: DateLike) => monthsBetween(launchedOn, date);
    // A service live without an approach date is still 'live'; it just has no approach month (no bar start).
    const approached = isOnOrBefore(row.approached_on, asOf);
    const live = isOnOrBefore(row.live_on, asOf);
    const status: SetupStatus = live ? 'live' : approached ? 'in setup' : 'not approached';
    const planned = row.planned_live_on == null ? null : toIsoDate(row.planned_live_on);
    const reached = live ? toIsoDate(row.live_on!) : approached ? asOf : null;
    const lateDays = planned != null && reached != null ? daysBetween(planned, reached) : null;
    return {
      serviceId: row.service_id,
      serviceName: row.service_name,
      status,
      liveOn: live ? toIsoDate(row.live_on!) : null,
      approachedMonth: approached ? since(row.approached_on!) : null,
      liveMonth: live ? since(row.live_on!) : null,
      plannedMonth: planned == null ? null : since(planned),
      endMonth: reached == null ? null : since(reached),
      monthsInSetup: approached && reached != null ? monthsBetween(row.approached_on!, reached) : null,
      monthsLate: lateDays != null && lateDays > 0 ? lateDays / DAYS_PER_MONTH : null
    };
  });
  return { launchedOn, asOf, asOfMonth: monthsBetween(launchedOn, asOf), paths };
}
