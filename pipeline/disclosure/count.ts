/**
 * Controlling single figures: one patient count, or one rate from two counts.
 *
 * Tables (table.ts) use the same functions cell by cell, then add secondary suppression where the profile asks for it,
 * so a figure in a sentence and the same figure in a table always come out alike.
 */
import { DisclosureError, getProfile, type DisclosureProfile } from './profiles.ts';
import { formatNumber, formatPercentOf } from '../format/format.ts';

/** Why a value is shown the way it is; renderers may style on it (e.g. "not reported" in grey). */
export type ControlReason =
  | 'exact' // shown as it is
  | 'rounded' // a rounded figure (or a rate from rounded figures)
  | 'suppressed' // hidden by the profile's small-number rule
  | 'secondary' // hidden so that another hidden cell cannot be worked out from a total
  | 'part suppressed' // a rate hidden because its numerator or denominator is hidden
  | 'not reported' // the source gave no figure
  | 'not applicable' // nothing to show: a rate out of 0, or a total of a column that is not added up
  | 'text'; // a label, passed through

export interface ControlledValue {
  /** What the reader sees: '15', '1,250', '*', '67%', a label, or '' when there is nothing to show. */
  shown: string;
  /** The number behind `shown` (a rate as a fraction 0..1); null when hidden, not reported or a label. */
  value: number | null;
  suppressed: boolean;
  /** True when `value` is not the exact figure (rounded, or computed from rounded parts). */
  rounded: boolean;
  reason: ControlReason;
}

export const SUPPRESSED_MARK = '*';

export function notReported(): ControlledValue {
  return { shown: '', value: null, suppressed: false, rounded: false, reason: 'not reported' };
}

export function notApplicable(): ControlledValue {
  return { shown: '', value: null, suppressed: false, rounded: false, reason: 'not applicable' };
}

export function suppressedValue(reason: 'suppressed' | 'secondary' | 'part suppressed'): ControlledValue {
  return { shown: SUPPRESSED_MARK, value: null, suppressed: true, rounded: false, reason };
}

export function textValue(text: string): ControlledValue {
  return { shown: text, value: null, suppressed: false, rounded: false, reason: 'text' };
}

/**
 * Read a number as the warehouse hands it over: DuckDB's JSON rows give INTEGER as number but BIGINT / HUGEINT
 * (e.g. a SUM) as a string, and the JS getters give bigint. null, undefined and '' mean "not reported".
 * Anything else that is not a finite number is refused: guessing would risk showing a figure uncontrolled.
 */
export function readNumber(raw: unknown, what = 'value'): number | null {
  if (raw === null || raw === undefined || raw === '') return null;
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'bigint') n = Number(raw);
  else if (typeof raw === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(raw)) n = Number(raw);
  else throw new DisclosureError(`${what} is not a number: ${JSON.stringify(String(raw))}`);
  if (!Number.isFinite(n)) throw new DisclosureError(`${what} is not a finite number: ${String(raw)}`);
  return n;
}

/** A count of people or services must be a whole number ≥ 0; anything else is a data error, refused. */
export function readCount(raw: unknown, what = 'count'): number | null {
  const n = readNumber(raw, what);
  if (n === null) return null;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new DisclosureError(`${what} must be a whole number of 0 or more, got ${String(raw)}`);
  }
  return n;
}

/**
 * Round to the nearest multiple of `base`, halves upwards (Math.floor(n / base + 0.5) * base). For the whole numbers
 * this module accepts, a half cannot arise with base 5: 10 → 10, 12 → 10, 13 → 15.
 */
export function roundToNearest(n: number, base: number): number {
  return Math.floor(n / base + 0.5) * base;
}

/** An exact or service count: shown as it is. */
export function exactCount(n: number | null): ControlledValue {
  if (n === null) return notReported();
  return { shown: formatNumber(n), value: n, suppressed: false, rounded: false, reason: 'exact' };
}

/** Apply a profile's primary rule (suppress, round) to a patient count that is already read. */
export function controlPatientCount(n: number | null, profile: DisclosureProfile): ControlledValue {
  if (n === null) return notReported();
  const range = profile.suppressRange;
  if (range && n >= range[0] && n <= range[1]) return suppressedValue('suppressed');
  // Zero stays 0: rounding it would change nothing, and it is exact, not an estimate.
  if (profile.roundTo !== null && n !== 0) {
    const value = roundToNearest(n, profile.roundTo);
    return { shown: formatNumber(value), value, suppressed: false, rounded: true, reason: 'rounded' };
  }
  return exactCount(n);
}

/** Control one patient count under a profile (default nhs-digital): 0 → 0, 1–7 → *, 8 → 10, 12 → 10, 13 → 15. */
export function controlCount(raw: unknown, profileName?: string): ControlledValue {
  return controlPatientCount(readCount(raw, 'patient count'), getProfile(profileName));
}

/**
 * A rate from two already-controlled parts: hidden when either part is hidden, otherwise computed from the parts as
 * shown (so under nhs-digital, from the rounded figures). A rate out of 0 has nothing to show.
 */
export function rateFromControlled(numerator: ControlledValue, denominator: ControlledValue): ControlledValue {
  if (numerator.suppressed || denominator.suppressed) return suppressedValue('part suppressed');
  if (numerator.value === null || denominator.value === null) return notReported();
  if (denominator.value === 0) return notApplicable();
  const rounded = numerator.rounded || denominator.rounded;
  return {
    shown: formatPercentOf(numerator.value, denominator.value),
    value: numerator.value / denominator.value,
    suppressed: false,
    rounded,
    reason: rounded ? 'rounded' : 'exact'
  };
}

/** A rate of patients from two patient counts: psychosis 12 registered of 15 consented → 10 / 15 → '67%'. */
export function controlRate(numerator: unknown, denominator: unknown, profileName?: string): ControlledValue {
  const profile = getProfile(profileName);
  return rateFromControlled(
    controlPatientCount(readCount(numerator, 'rate numerator'), profile),
    controlPatientCount(readCount(denominator, 'rate denominator'), profile)
  );
}
