/**
 * Equity of reach: uptake by quintile of a characteristic of the units (a deprivation score per practice), and the
 * slope and relative indices of inequality (SII, RII) with 95% confidence intervals, as public health analysts report
 * them. The method, and why its interval is the one used, is in docs/equity.md.
 *
 * The SQL is built here once and used twice: by the views `equity_quintile` and `equity_gap` (every unit, for the
 * notebooks and `uptake query`), and by the Equity page, which restricts the units in view (organisation, setting)
 * with bound parameters and may rank within each organisation. Quintiles are always computed over the units in view.
 */

import { sqlLiteral } from '../warehouse/quote.ts';

/** z for a two-sided 95% interval (the 97.5th percentile of the standard normal). */
export const Z95 = 1.959963984540054;

/**
 * A measure of uptake a quintile is scored on: a numerator over a denominator summed over the quintile's units. Any
 * per-unit relation can feed it (transactions per registered patient for one function, units offering a function
 * of the units reporting the flag), so a new measure is one entry here.
 */
export interface EquityMeasure {
  /** As the URL gives it (`?measure=`): `registration`, `usage:<function>`, `offering:<function>`. */
  id: string;
  label: string;
  /**
   * SQL: one row per unit and snapshot that reports the measure, with columns as_of, service_id, numerator and
   * denominator (a unit that does not report is left out of both, never counted as zero).
   */
  units: string;
  /**
   * How the quintile's figure varies by chance: a proportion of the denominator (binomial, p(1 − p)/n), a rate per
   * unit of the denominator (Poisson, count/n²), or a proportion of a few units (binomial with the Agresti–Coull
   * adjustment, p̃(1 − p̃)/ñ with ñ = n + z², p̃ = (x + z²/2)/ñ: a fifth of a small organisation's units is often all
   * or none offering, where p(1 − p)/n is 0 and the interval would have no width).
   */
  variance: 'proportion' | 'rate' | 'proportion of units';
  /** Column names for the two parts, e.g. "Registered" and "List size". */
  numerator: string;
  denominator: string;
  /**
   * What the parts count, for disclosure control: patients (and transactions, controlled like them) or units, which
   * are exact. The SII weights quintiles by their share of the denominator, so this is also what they are weighted by.
   */
  counts: 'patients' | 'services';
  /** A percentage (shown as %, its SII in percentage points) or a rate per patient (shown to 2 decimals). */
  format: 'percent' | 'per patient';
  /** Keys of the two parts in the page's tables (and so in its CSV downloads). */
  numeratorKey: string;
  denominatorKey: string;
  /** The page's words: "registration against list size was 22.6 percentage points higher at …". */
  subject: string;
  /** After a quintile's figure in a headline: "30.0% registered in the least deprived fifth". */
  headline: string;
  /** For the relative index: "the least deprived end registered 3.11 times the rate of …". */
  ratioVerb: string;
  /** The function the measure is about (usage and offering). */
  function?: string;
}

/** Registration against list size: RE-AIM reach. */
export const REGISTRATION: EquityMeasure = {
  id: 'registration',
  label: 'Registered of list size',
  units: `SELECT as_of, service_id, registered AS numerator, eligible AS denominator
            FROM snapshot_latest WHERE registered IS NOT NULL AND eligible > 0`,
  variance: 'proportion',
  numerator: 'Registered',
  denominator: 'List size',
  counts: 'patients',
  format: 'percent',
  numeratorKey: 'registered',
  denominatorKey: 'eligible',
  subject: 'registration against list size',
  headline: 'registered',
  ratioVerb: 'registered'
};

/** The measures that need no function: registration. Usage and offering are one per function (equityMeasureList). */
export const EQUITY_MEASURES: readonly EquityMeasure[] = [REGISTRATION];

/**
 * Use of one function (or "all functions", the export's total) per registered patient: transactions over the unit's
 * registered patients at the same snapshot, over the units that report both. A rate, not a share (it can exceed 1).
 */
export function usageMeasure(fn: string): EquityMeasure {
  return {
    id: `usage:${fn}`,
    label: `Transactions per registered patient (${fn})`,
    units: `SELECT as_of, service_id, transactions AS numerator, registered AS denominator
              FROM usage_by_unit WHERE function = ${sqlLiteral(fn)} AND transactions IS NOT NULL AND registered > 0`,
    variance: 'rate',
    numerator: 'Transactions',
    denominator: 'Registered patients',
    counts: 'patients',
    format: 'per patient',
    numeratorKey: 'transactions',
    denominatorKey: 'registered',
    subject: `use of ${fn} per registered patient`,
    headline: `transactions per registered patient (${fn})`,
    ratioVerb: 'used it at',
    function: fn
  };
}

/**
 * The share of units whose system offers a function, of the units that report the flag: each unit counts 1 in the
 * denominator and 1 or 0 in the numerator, so quintiles (and the SII's ridits) are weighted by units, not patients
 * (docs/equity.md says why).
 */
export function offeringMeasure(fn: string): EquityMeasure {
  return {
    id: `offering:${fn}`,
    label: `Share of units offering ${fn}`,
    units: `SELECT as_of, service_id, CASE WHEN offered THEN 1 ELSE 0 END AS numerator, 1 AS denominator
              FROM unit_function_latest WHERE function = ${sqlLiteral(fn)} AND offered IS NOT NULL`,
    variance: 'proportion of units',
    numerator: 'Units offering',
    denominator: 'Units reporting the flag',
    counts: 'services',
    format: 'percent',
    numeratorKey: 'units_offering',
    denominatorKey: 'units_flagged',
    subject: `the share of units offering ${fn}`,
    headline: `of units offering ${fn}`,
    ratioVerb: 'offered it at',
    function: fn
  };
}

/**
 * SQL listing the functions that can be measured: (kind, function) with kind `usage` where any unit reported
 * transactions, `offering` where any unit reported the flag. The list of measures is registration, then these.
 */
export const MEASURABLE_FUNCTIONS_SQL = `
  SELECT 'usage' AS kind, function FROM unit_function_latest GROUP BY function HAVING count(transactions) > 0
  UNION ALL
  SELECT 'offering' AS kind, function FROM unit_function_latest GROUP BY function HAVING count(offered) > 0
  ORDER BY kind DESC, function`;

export function measuresFor(functions: readonly { kind: string; function: string }[]): EquityMeasure[] {
  return [
    ...EQUITY_MEASURES,
    ...functions.map((f) => (f.kind === 'usage' ? usageMeasure(f.function) : offeringMeasure(f.function)))
  ];
}

/**
 * SQL for a quintile figure's variance from its numerator and denominator (DOUBLE expressions), as `measure.variance`
 * says; `centre` is the point its interval is centred on (the rate itself, except for the Agresti–Coull p̃).
 */
export function varianceSql(measure: EquityMeasure, num: string, den: string): { variance: string; centre: string } {
  const y = `(${num} / ${den})`;
  if (measure.variance === 'rate') return { variance: `${num} / (${den} * ${den})`, centre: y };
  if (measure.variance === 'proportion') return { variance: `greatest(${y} * (1 - ${y}), 0) / ${den}`, centre: y };
  const z2 = Z95 * Z95;
  const p = `((${num} + ${z2 / 2}) / (${den} + ${z2}))`;
  return { variance: `${p} * (1 - ${p}) / (${den} + ${z2})`, centre: p };
}

export interface QuintileSqlOptions {
  /** A SQL predicate over service_latest `s`: which units are in view. */
  units: string;
  /** A SQL predicate over characteristic_current `c`: which characteristics. */
  characteristic: string;
  /** A SQL predicate over `as_of`: which snapshots. */
  asOf: string;
  /** Rank within each organisation (quintiles of that organisation's units) instead of over all units in view. */
  byOrganisation: boolean;
  measure?: EquityMeasure;
  /** The measure's relation has a `function` column: one set of rows per function (the views over every function). */
  byFunction?: boolean;
}

/**
 * One row per (characteristic[, organisation], as_of, quintile): units, the characteristic's range, units reporting
 * the measure's parts at that snapshot, numerator, denominator, rate. Quintile 1 holds the units with the highest
 * values (the most deprived, for a deprivation score), quintile 5 the lowest; ntile splits ties by unit id, so each
 * quintile holds a fifth of the units (the first ones one more when the count is not a multiple of five).
 */
export function quintileSql(o: QuintileSqlOptions): string {
  const m = o.measure ?? EQUITY_MEASURES[0];
  const fn = (sql: string) => (o.byFunction ? sql : '');
  const part = o.byOrganisation ? ['characteristic', 'organisation'] : ['characteristic'];
  const cols = part.join(', ');
  return `WITH unit AS (
    SELECT s.service_id, s.organisation, c.characteristic, c.period, c.value
      FROM service_latest s JOIN characteristic_current c USING (service_id)
     WHERE c.value IS NOT NULL AND (${o.units}) AND (${o.characteristic})
  ), ranked AS (
    SELECT *, (ntile(5) OVER (PARTITION BY ${cols} ORDER BY value DESC, service_id))::INTEGER AS quintile FROM unit
  ), band AS (
    SELECT ${cols}, any_value(period) AS period, quintile, count(*)::INTEGER AS units,
           min(value) AS lowest, max(value) AS highest
      FROM ranked GROUP BY ${cols}, quintile
  ), reported AS (
    SELECT ${part.map((p) => `r.${p}`).join(', ')}, r.quintile, u.as_of, ${fn('u.function, ')}count(*)::INTEGER AS units_reporting,
           sum(u.numerator)::BIGINT AS numerator, sum(u.denominator)::BIGINT AS denominator
      FROM ranked r JOIN (${m.units}) u USING (service_id)
     WHERE ${o.asOf}
     GROUP BY ${part.map((p) => `r.${p}`).join(', ')}, r.quintile, u.as_of${fn(', u.function')}
  )
  SELECT ${part.map((p) => `b.${p}`).join(', ')}, b.period, d.as_of, ${fn('f.function, ')}b.quintile, b.units, b.lowest, b.highest,
         coalesce(p.units_reporting, 0) AS units_reporting, p.numerator, p.denominator,
         p.numerator / nullif(p.denominator, 0) AS rate
    FROM band b CROSS JOIN (SELECT as_of FROM as_of_date WHERE ${o.asOf}) d
    ${fn(`CROSS JOIN (SELECT DISTINCT function FROM (${m.units})) f`)}
    LEFT JOIN reported p ON ${part.map((c) => `p.${c} = b.${c}`).join(' AND ')} AND p.quintile = b.quintile AND p.as_of = d.as_of${fn(' AND p.function = f.function')}`;
}

/**
 * SII and RII per group of quintile rows (columns quintile, numerator, denominator), the PHE/OHID way: each quintile's
 * rate is regressed on the midpoint of its cumulative share of the denominator (its ridit, 0..1, from quintile 1),
 * weighted by that share. SII = the slope = fitted rate at 1 − fitted rate at 0; RII = fitted at 1 / fitted at 0.
 *
 * The fit is linear in the quintile rates y: slope = Σ c·y, intercept = Σ d·y with c = a(x − x̄)/Σa(x − x̄)² and
 * d = a − x̄·c. So Var(SII) = Σ c²·Var(y) exactly, which is what PHE's simulation (y drawn from N(y, se²), refitted)
 * converges to; log RII gets the delta method. Both need all five quintiles to have a denominator.
 */
export function gapSql(quintiles: string, groups: string[], measure: EquityMeasure = EQUITY_MEASURES[0]): string {
  const g = groups.join(', ');
  const by = `PARTITION BY ${g}`;
  const { variance } = varianceSql(measure, 'num', 'den');
  return `WITH q AS (
    SELECT ${g}, quintile, numerator::DOUBLE AS num, denominator::DOUBLE AS den FROM (${quintiles}) WHERE denominator > 0
  ), s AS (
    SELECT *, den / sum(den) OVER (${by}) AS a,
           (sum(den) OVER (${by} ORDER BY quintile) - den / 2) / sum(den) OVER (${by}) AS x,
           num / den AS y, count(*) OVER (${by}) AS k
      FROM q
  ), sv AS (
    SELECT *, ${variance} AS v, sum(a * x) OVER (${by}) AS xbar FROM s
  ), sc AS (
    SELECT *, a * (x - xbar) / nullif(sum(a * (x - xbar) * (x - xbar)) OVER (${by}), 0) AS c FROM sv
  ), sd AS (
    SELECT *, a - xbar * c AS d FROM sc
  ), fit AS (
    SELECT ${g}, min(k)::INTEGER AS quintiles, sum(c * y) AS b1, sum(d * y) AS b0, sum(c * c * v) AS var_b1
      FROM sd GROUP BY ${g}
  ), rel AS (
    SELECT ${groups.map((x) => `sd.${x}`).join(', ')},
           sum(power((sd.d + sd.c) / (f.b0 + f.b1) - sd.d / f.b0, 2) * sd.v) AS var_log_rii
      FROM sd JOIN fit f USING (${g}) WHERE f.b0 > 0 AND f.b0 + f.b1 > 0 GROUP BY ${groups.map((x) => `sd.${x}`).join(', ')}
  )
  SELECT ${groups.map((x) => `f.${x}`).join(', ')}, ${sqlLiteral(measure.id)} AS measure, f.quintiles,
         CASE WHEN f.quintiles = 5 THEN f.b1 END AS sii,
         CASE WHEN f.quintiles = 5 THEN sqrt(f.var_b1) END AS sii_se,
         CASE WHEN f.quintiles = 5 THEN f.b1 - ${Z95} * sqrt(f.var_b1) END AS sii_lower,
         CASE WHEN f.quintiles = 5 THEN f.b1 + ${Z95} * sqrt(f.var_b1) END AS sii_upper,
         CASE WHEN f.quintiles = 5 AND r.var_log_rii IS NOT NULL THEN (f.b0 + f.b1) / f.b0 END AS rii,
         CASE WHEN f.quintiles = 5 THEN sqrt(r.var_log_rii) END AS log_rii_se,
         CASE WHEN f.quintiles = 5 THEN (f.b0 + f.b1) / f.b0 * exp(-${Z95} * sqrt(r.var_log_rii)) END AS rii_lower,
         CASE WHEN f.quintiles = 5 THEN (f.b0 + f.b1) / f.b0 * exp(${Z95} * sqrt(r.var_log_rii)) END AS rii_upper
    FROM fit f LEFT JOIN rel r USING (${g})`;
}

/**
 * Is the gap widening or narrowing? Each snapshot's SII is compared with the first snapshot's that has one (per
 * group): the change counts when it is more than z × the standard error of the difference, the two estimates taken as
 * independent (snapshots of the same units are not quite, so this is a rough guide: docs/equity.md). `verdict` is
 * widening | narrowing | reversing (the sign changed) | no clear change | one snapshot | not measurable;
 * `relative_verdict` does the same for log RII.
 */
export function verdictSql(gaps: string, groups: string[]): string {
  const w = `(${groups.length ? `PARTITION BY ${groups.join(', ')} ` : ''}ORDER BY as_of ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`;
  const first = (column: string) =>
    `first_value(CASE WHEN sii IS NOT NULL THEN ${column} END IGNORE NULLS) OVER ${w} AS first_${column}`;
  return `SELECT *,
      CASE WHEN sii IS NULL THEN 'not measurable'
           WHEN first_as_of = as_of THEN 'one snapshot'
           WHEN abs(sii - first_sii) < ${Z95} * sqrt(sii_se * sii_se + first_sii_se * first_sii_se) THEN 'no clear change'
           WHEN sign(sii) <> sign(first_sii) THEN 'reversing'
           WHEN abs(sii) > abs(first_sii) THEN 'widening'
           ELSE 'narrowing' END AS verdict,
      CASE WHEN sii IS NULL OR first_as_of = as_of OR rii IS NULL OR first_rii IS NULL THEN NULL
           WHEN abs(ln(rii) - ln(first_rii)) < ${Z95} * sqrt(log_rii_se * log_rii_se + first_log_rii_se * first_log_rii_se) THEN 'no clear change'
           WHEN abs(ln(rii)) > abs(ln(first_rii)) THEN 'widening'
           ELSE 'narrowing' END AS relative_verdict
    FROM (SELECT *, ${['as_of', 'sii', 'sii_se', 'rii', 'log_rii_se'].map(first).join(', ')} FROM (${gaps}))`;
}

/** Every unit, every characteristic, every snapshot: the views notebooks and `uptake query` read. */
const NATIONAL = { units: 'true', characteristic: 'true', asOf: 'true', byOrganisation: false };

export const EQUITY_VIEWS_SQL = `
-- Latest loaded row per (unit, characteristic, period).
CREATE OR REPLACE VIEW unit_characteristic_latest AS
  SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY service_id, characteristic, period ORDER BY loaded_at DESC) AS rn
      FROM unit_characteristic
  ) WHERE rn = 1;

-- Each characteristic at its latest period (by the sortable period when the export gave one): one value per unit,
-- NULL where the export had none.
CREATE OR REPLACE VIEW characteristic_current AS
  WITH latest AS (
    SELECT characteristic, period FROM unit_characteristic_latest GROUP BY characteristic, period
    QUALIFY row_number() OVER (PARTITION BY characteristic ORDER BY max(period_sort) DESC NULLS LAST, period DESC) = 1
  )
  SELECT u.service_id, u.characteristic, u.period, u.value
    FROM unit_characteristic_latest u JOIN latest USING (characteristic, period);

-- Registration against list size by quintile of each characteristic, over every unit, at every snapshot.
CREATE OR REPLACE VIEW equity_quintile AS
  SELECT * RENAME (numerator AS registered, denominator AS eligible, rate AS registration_rate)
    FROM (${quintileSql(NATIONAL)});

-- Transactions per registered patient by quintile, per function ("all functions" is the export's total), and the share
-- of units offering each function (of those reporting the flag), over every unit, at every snapshot.
CREATE OR REPLACE VIEW equity_usage_quintile AS
  SELECT * RENAME (numerator AS transactions, denominator AS registered, rate AS transactions_per_registered)
    FROM (${quintileSql({ ...NATIONAL, byFunction: true, measure: { ...usageMeasure(''), units: `SELECT as_of, service_id, function, transactions AS numerator, registered AS denominator FROM usage_by_unit WHERE transactions IS NOT NULL AND registered > 0` } })});

CREATE OR REPLACE VIEW equity_offering_quintile AS
  SELECT * RENAME (numerator AS units_offering, denominator AS units_flagged, rate AS offering_rate)
    FROM (${quintileSql({ ...NATIONAL, byFunction: true, measure: { ...offeringMeasure(''), units: `SELECT as_of, service_id, function, CASE WHEN offered THEN 1 ELSE 0 END AS numerator, 1 AS denominator FROM unit_function_latest WHERE offered IS NOT NULL` } })});

-- SII and RII of registration against list size, per characteristic and snapshot, with the verdict against the first
-- snapshot: widening, narrowing, reversing, no clear change.
CREATE OR REPLACE VIEW equity_gap AS ${verdictSql(
  gapSql('SELECT *, registered AS numerator, eligible AS denominator FROM equity_quintile', [
    'characteristic',
    'period',
    'as_of'
  ]),
  ['characteristic', 'period']
)};
`;
