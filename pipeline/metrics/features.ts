/**
 * Functionality per service (seed report Tables 2 and 3) and RE-AIM implementation fidelity.
 * Core features are the five tabs every service was meant to offer; additional ones are chosen per service.
 */
import { rate } from './arithmetic.ts';

/** The five core tabs (docs/domain/evaluation-metrics.md): core_fidelity = core tabs enabled / 5. */
export const CORE_FEATURES = ['general library', 'discussions', 'laboratory', 'imaging', 'calendar'] as const;
export const CORE_TOTAL = CORE_FEATURES.length;

export const FEATURE_VIEWS_SQL = `
-- One row per (service, feature) as last loaded: the service × feature matrix of Tables 2 and 3.
CREATE OR REPLACE VIEW feature_matrix AS
  SELECT f.service_id, s.service_name, f.feature, f.category, f.enabled, f.enabled_on
  FROM feature_latest f
  JOIN service_latest s USING (service_id);

-- One row per service (every service, including those with no features loaded, which score 0).
CREATE OR REPLACE VIEW feature_fidelity AS
  WITH counts AS (
    SELECT
      s.service_id, s.service_name,
      count(DISTINCT m.feature) FILTER (WHERE m.category = 'core' AND m.enabled)::INTEGER AS core_enabled,
      count(DISTINCT m.feature) FILTER (WHERE m.category = 'additional' AND m.enabled)::INTEGER AS additional_enabled
    FROM service_latest s
    LEFT JOIN feature_matrix m USING (service_id)
    GROUP BY s.service_id, s.service_name
  )
  SELECT
    service_id, service_name, core_enabled,
    ${CORE_TOTAL}::INTEGER AS core_total,
    ${rate('core_enabled', `${CORE_TOTAL}`)} AS core_fidelity,
    additional_enabled
  FROM counts;
`;
