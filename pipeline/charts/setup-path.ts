/**
 * Where each service stands on the way from approached to live at an as-of date, in months since the programme
 * launched. Shared by the adoption curve, the setup timeline and their many-unit forms. Nothing is judged here: the
 * status and every duration are the `setup_duration` view's (status from `service_status`), turned from days into
 * months, so a chart can never disagree with the tables built on the same view.
 */
import { DAYS_PER_MONTH, daysBetween, toIsoDate, type DateLike } from '../format/dates.ts';
import { toCount, type SetupDurationRow, type SetupStatus } from './rows.ts';

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

/** Rows for other as-of dates are left out (callers may pass a whole view); a service twice at one date is an error. */
export function setupPaths(rows: readonly SetupDurationRow[], asOfDate: DateLike): SetupPaths | null {
  const asOf = toIsoDate(asOfDate);
  const atAsOf = rows.filter((row) => row.as_of == null || toIsoDate(row.as_of) === asOf);
  if (atAsOf.length === 0) return null;
  const launchedOn = toIsoDate(atAsOf[0].launched_on!);
  const asOfDays = daysBetween(launchedOn, asOf);
  const seen = new Set<string>();
  const paths = atAsOf.map((row): SetupPath => {
    if (seen.has(row.service_id)) throw new Error(`Service ${row.service_id} appears twice at ${asOf}`);
    seen.add(row.service_id);
    const live = row.status === 'live';
    const inSetup = row.status === 'in setup';
    // Where the bar ends (go-live, or the as-of date while in set-up) and how long it took from approach to there,
    // both in days; the approach itself is the difference (a service live with no approach date has none).
    const reachedDays = live ? toCount(row.days_launch_to_live) : inSetup ? asOfDays : null;
    const setupDays = live ? toCount(row.days_approach_to_live) : inSetup ? toCount(row.days_in_setup) : null;
    const lateDays = live ? toCount(row.slippage_days) : inSetup ? toCount(row.days_overdue) : null;
    return {
      serviceId: row.service_id,
      serviceName: row.service_name,
      status: row.status,
      liveOn: live && row.live_on != null ? toIsoDate(row.live_on) : null,
      approachedMonth: reachedDays != null && setupDays != null ? months(reachedDays - setupDays) : null,
      liveMonth: live ? months(toCount(row.days_launch_to_live)) : null,
      plannedMonth: months(toCount(row.planned_days_launch_to_live)),
      endMonth: months(reachedDays),
      monthsInSetup: months(setupDays),
      monthsLate: lateDays != null && lateDays > 0 ? lateDays / DAYS_PER_MONTH : null
    };
  });
  return { launchedOn, asOf, asOfMonth: asOfDays / DAYS_PER_MONTH, paths };
}

function months(days: number | null): number | null {
  return days == null ? null : days / DAYS_PER_MONTH;
}
