/**
 * Which measures were reported: per as-of date and uptake count, how many units have a value, and how many come from
 * a source that reports the measure at all (source_measure, written at load). A measure with no unit reporting is
 * "not reported" on every page, never 0.
 */
import { MEASURES } from '../warehouse/schema.ts';

const NAMES = MEASURES.map((m) => m.measure);
const VALUES = NAMES.map((m) => `('${m}')`).join(', ');
const VALUE_OF = `CASE m.measure ${NAMES.map((m) => `WHEN '${m}' THEN n.${m}`).join(' ')} END`;

export const REPORTING_VIEWS_SQL = `
CREATE OR REPLACE VIEW measure_reporting AS
  WITH long AS (
    SELECT n.as_of, f.sha256 AS source_sha256, m.measure, ${VALUE_OF} AS value
    FROM snapshot_latest n LEFT JOIN load_file f ON f.file_id = n.source_file CROSS JOIN (VALUES ${VALUES}) m(measure)
  ),
  declared AS (
    SELECT source_sha256, measure, bool_or(reported) AS reported FROM source_measure GROUP BY ALL
  )
  SELECT
    l.as_of, l.measure,
    count(*)::INTEGER AS units,
    count(l.value)::INTEGER AS units_reporting,
    -- Loads from before sources declared their measures count as declaring whatever they gave a value for.
    count(*) FILTER (WHERE coalesce(d.reported, l.value IS NOT NULL))::INTEGER AS units_declaring,
    count(l.value) > 0 AS reported
  FROM long l
  LEFT JOIN declared d ON d.source_sha256 = l.source_sha256 AND d.measure = l.measure
  GROUP BY l.as_of, l.measure;
`;
