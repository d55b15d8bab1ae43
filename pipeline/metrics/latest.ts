/**
 * The "latest" views: which landed rows count. Landed tables keep every file ever loaded (history), so each key may
 * have several rows; the most recently loaded row wins. Everything else in pipeline/metrics reads these, never the raw
 * tables.
 */

export const LATEST_VIEWS_SQL = `
-- Latest loaded row per service.
CREATE OR REPLACE VIEW service_latest AS
  SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY service_id ORDER BY loaded_at DESC) AS rn FROM service
  ) WHERE rn = 1;

-- Latest loaded row per (as_of, service_id): a re-sent export of the same month replaces the earlier one here,
-- while the earlier rows stay in \`snapshot\` for the record.
CREATE OR REPLACE VIEW snapshot_latest AS
  SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY as_of, service_id ORDER BY loaded_at DESC) AS rn FROM snapshot
  ) WHERE rn = 1;

-- Latest loaded row per (service_id, feature). A feature is switched off by loading it again with enabled = no.
CREATE OR REPLACE VIEW feature_latest AS
  SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY service_id, feature ORDER BY loaded_at DESC) AS rn FROM feature
  ) WHERE rn = 1;

-- The programme: the first row of the most recently loaded programme file. The programme table has no loaded_at of
-- its own, so the load manifest supplies it; a row without a manifest entry sorts last.
CREATE OR REPLACE VIEW programme_latest AS
  SELECT p.programme, p.launched_on
  FROM programme p
  LEFT JOIN (SELECT sha256, max(loaded_at) AS loaded_at FROM load_file WHERE outcome = 'loaded' GROUP BY sha256) f
    ON f.sha256 = p.source_sha256
  ORDER BY f.loaded_at DESC NULLS LAST, p.launched_on
  LIMIT 1;

-- Every as-of date an uptake export has reported: the dates the dashboard can be viewed "as of".
CREATE OR REPLACE VIEW as_of_date AS
  SELECT DISTINCT as_of FROM snapshot_latest;
`;
