/**
 * Adoption by setting: how many services of each kind the programme approached and got live, at each as-of date —
 * the report's question "in what kind of clinical settings is the CIE more readily adopted?".
 */
import { SETTINGS } from '../warehouse/schema.ts';

/** Every setting gets a row even with no services, so "no primary care service is live" shows as a 0, not a gap. */
const SETTING_ROWS = SETTINGS.map((setting, position) => `('${setting}', ${position + 1})`).join(', ');

export const ADOPTION_VIEWS_SQL = `
CREATE OR REPLACE VIEW adoption_by_setting AS
  WITH setting_list(setting, position) AS (VALUES ${SETTING_ROWS})
  SELECT
    d.as_of,
    l.setting,
    count(st.service_id)::INTEGER AS services_total,
    count(st.service_id) FILTER (WHERE st.is_approached)::INTEGER AS services_approached,
    count(st.service_id) FILTER (WHERE st.is_live)::INTEGER AS services_live
  FROM as_of_date d
  CROSS JOIN setting_list l
  LEFT JOIN service_status st ON st.as_of = d.as_of AND st.setting = l.setting
  GROUP BY d.as_of, l.setting, l.position;
`;
