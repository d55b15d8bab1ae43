/**
 * RE-AIM (Glasgow, Vogt & Boles 1999) from uptake exports, per as-of date: one row per measure, always with its
 * numerator and denominator, and a note saying what the figure covers or why it cannot be measured
 * (docs/domain/evaluation-metrics.md §1.1).
 */
import { SIX_MONTHS_DAYS, rate } from './arithmetic.ts';
import { CORE_FEATURES, CORE_TOTAL } from './features.ts';

const CORE_LIST = CORE_FEATURES.join(', ');

/**
 * A measure's note: "not reported: <why>" when `unreported` (SQL over the group) holds, else what the figure covers.
 * The texts are constants in this file, never data, so they are written into the SQL as they are.
 */
function note(unreported: string, why: string, covers: string): string {
  return `CASE WHEN ${unreported} THEN 'not reported: ${why}' ELSE '${covers}' END`;
}

/** Adoption needs approach or go-live dates; NHS Digital's practice figures have neither. */
const NO_DATES = [
  'count(st.approached_on) = 0 AND count(st.live_on) = 0',
  'no service has an approach or go-live date (the source reports neither).'
] as const;

/**
 * Reach: individuals. Registered / eligible where services report an eligible population, registered / consented
 * always.
 */
const REACH = `
  SELECT
    n.as_of, 'reach' AS dimension, 'registered / eligible' AS measure,
    sum(n.registered) FILTER (WHERE n.eligible > 0 AND n.registered IS NOT NULL) AS numerator,
    sum(n.eligible) FILTER (WHERE n.eligible > 0 AND n.registered IS NOT NULL) AS denominator,
    CASE WHEN count(*) FILTER (WHERE n.eligible > 0) = 0
      THEN 'No service reports an eligible population, so reach is shown as registered / consented instead.'
      WHEN count(*) FILTER (WHERE n.eligible > 0 AND n.registered IS NOT NULL) = 0
      THEN 'not reported: no service that reports its eligible population (list size) reports registered patients.'
      WHEN count(*) FILTER (WHERE n.eligible > 0 AND n.registered IS NULL) > 0
      THEN format('Covers the {} services that report both an eligible population (list size) and registered patients; registered patients are not reported for {} more.',
                  count(*) FILTER (WHERE n.eligible > 0 AND n.registered IS NOT NULL), count(*) FILTER (WHERE n.eligible > 0 AND n.registered IS NULL))
      WHEN count(*) FILTER (WHERE n.eligible > 0) = count(*)
      THEN format('All {} services report an eligible population (list size) and registered patients.', count(*))
      ELSE format('Covers only the {} services that report an eligible population; the others are in registered / consented.',
                  count(*) FILTER (WHERE n.eligible > 0 AND n.registered IS NOT NULL))
    END AS note
  FROM snapshot_latest n GROUP BY n.as_of
  UNION ALL
  SELECT
    n.as_of, 'reach', 'registered / consented', sum(n.registered), sum(n.consented),
    ${note(
      'count(n.consented) = 0',
      'the source does not report consented patients, so this proxy for reach cannot be worked out.',
      'All services. A proxy for reach where the eligible population is unknown: the share of patients who consented that went on to register.'
    )}
  FROM snapshot_latest n GROUP BY n.as_of
  UNION ALL
  SELECT
    n.as_of, 'reach', 'sharing with a carer or professional / registered',
    sum(n.shared_with_carer + n.shared_with_professional), sum(n.registered),
    ${note(
      'count(n.shared_with_carer) = 0 AND count(n.shared_with_professional) = 0',
      'the source does not report patients sharing their record.',
      'Sharing grants per registered patient: a patient sharing with both a carer and a professional counts twice, so this is an upper bound.'
    )}
  FROM snapshot_latest n GROUP BY n.as_of`;

/** Effectiveness: outcomes are not in uptake data; say so rather than leave a blank. */
const EFFECTIVENESS = `
  SELECT
    d.as_of, 'effectiveness', 'outcomes', NULL, NULL,
    'not measured: uptake exports carry no outcome data (for example PROMs, missed appointments, patient experience).'
  FROM as_of_date d`;

/** Adoption: settings. Services (and organisations) live out of those approached by the as-of date. */
const ADOPTION = `
  SELECT
    st.as_of, 'adoption', 'services live / services approached',
    count(*) FILTER (WHERE st.is_live), count(*) FILTER (WHERE st.is_approached),
    ${note(...NO_DATES, 'Services live at the as-of date out of every service approached by then.')}
  FROM service_status st GROUP BY st.as_of
  UNION ALL
  SELECT
    st.as_of, 'adoption', 'organisations with a live service / organisations approached',
    count(DISTINCT st.organisation) FILTER (WHERE st.is_live), count(DISTINCT st.organisation) FILTER (WHERE st.is_approached),
    ${note(...NO_DATES, 'An organisation counts as adopting once any of its services is live.')}
  FROM service_status st GROUP BY st.as_of`;

/**
 * Implementation: fidelity to the core set and breadth of additional features, over services live at the as-of date.
 * A feature counts from its enabled_on date (or always, if it has none), so earlier as-of dates see what was on then.
 */
const IMPLEMENTATION = `
  SELECT
    st.as_of, 'implementation', 'core features enabled / core features expected (live services)',
    coalesce(sum(f.core_enabled), 0), ${CORE_TOTAL} * count(*),
    'Expected: the ${CORE_TOTAL} core tabs (${CORE_LIST}) in every live service.'
  FROM service_status st
  LEFT JOIN live_features f USING (as_of, service_id)
  WHERE st.is_live GROUP BY st.as_of
  UNION ALL
  SELECT
    st.as_of, 'implementation', 'additional features per live service',
    coalesce(sum(f.additional_enabled), 0), count(*),
    'Mean number of additional features (messaging, service-specific library content, ...) enabled per live service.'
  FROM service_status st
  LEFT JOIN live_features f USING (as_of, service_id)
  WHERE st.is_live GROUP BY st.as_of`;

/**
 * Maintenance: settings. Of the services live for at least 6 months, how many still had registrations growing since
 * the previous as-of date. A service missing from either snapshot counts as not growing.
 */
const MAINTENANCE = `
  SELECT
    p.as_of, 'maintenance', 'services live 6+ months with registrations growing / services live 6+ months',
    CASE WHEN p.previous_as_of IS NOT NULL AND count(g.service_id) > 0 THEN count(*) FILTER (WHERE g.growing) END,
    CASE WHEN p.previous_as_of IS NOT NULL AND count(g.service_id) > 0 THEN count(g.service_id) END,
    CASE
      WHEN p.previous_as_of IS NULL THEN 'not measurable: needs an earlier snapshot to compare registrations with.'
      WHEN count(g.service_id) = 0 THEN 'not measurable: no service had been live for 6 months.'
      ELSE format('Registrations compared with the snapshot of {}; 6 months = 183 days live.', strftime(p.previous_as_of, '%Y-%m-%d'))
    END
  FROM previous_as_of p
  LEFT JOIN long_live_growth g USING (as_of)
  GROUP BY p.as_of, p.previous_as_of`;

export const REAIM_VIEWS_SQL = `
CREATE OR REPLACE VIEW reaim AS
  WITH
  live_features AS (
    SELECT
      st.as_of, st.service_id,
      count(DISTINCT m.feature) FILTER (WHERE m.category = 'core')::INTEGER AS core_enabled,
      count(DISTINCT m.feature) FILTER (WHERE m.category = 'additional')::INTEGER AS additional_enabled
    FROM service_status st
    JOIN feature_matrix m ON m.service_id = st.service_id AND m.enabled AND (m.enabled_on IS NULL OR m.enabled_on <= st.as_of)
    WHERE st.is_live
    GROUP BY st.as_of, st.service_id
  ),
  previous_as_of AS (
    SELECT as_of, lag(as_of) OVER (ORDER BY as_of) AS previous_as_of FROM as_of_date
  ),
  long_live_growth AS (
    SELECT st.as_of, st.service_id, coalesce(latest.registered > earlier.registered, false) AS growing
    FROM service_status st
    JOIN previous_as_of p USING (as_of)
    LEFT JOIN snapshot_latest latest ON latest.as_of = st.as_of AND latest.service_id = st.service_id
    LEFT JOIN snapshot_latest earlier ON earlier.as_of = p.previous_as_of AND earlier.service_id = st.service_id
    WHERE st.is_live AND (st.as_of - st.live_on) >= ${SIX_MONTHS_DAYS}
  ),
  measures AS (${REACH}
    UNION ALL ${EFFECTIVENESS}
    UNION ALL ${ADOPTION}
    UNION ALL ${IMPLEMENTATION}
    UNION ALL ${MAINTENANCE}
  )
  SELECT
    as_of, dimension, measure,
    numerator::INTEGER AS numerator,
    denominator::INTEGER AS denominator,
    ${rate('numerator', 'denominator')} AS value,
    note,
    -- Whether the inputs were reported: false where the note says "not reported" or "not measured".
    (numerator IS NOT NULL AND denominator IS NOT NULL AND NOT starts_with(note, 'not ')) AS reported
  FROM measures;
`;
