/** Metric views over the landed tables (domain/evaluation-metrics.md). Filled in by the metrics work. */
export const METRIC_VIEWS_SQL = `
CREATE OR REPLACE VIEW service_latest AS
  SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY service_id ORDER BY loaded_at DESC) AS rn FROM service
  ) WHERE rn = 1;
`;
