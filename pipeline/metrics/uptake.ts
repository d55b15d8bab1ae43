/**
 * The uptake funnel (seed report Tables 4 and 5): per service and as-of date, patients eligible → approached →
 * consented → registered, and how many share their record. Counts are INTEGER; rates are DOUBLE fractions computed
 * here from their numerator and denominator, never stored.
 */
import { rate } from './arithmetic.ts';

export const UPTAKE_VIEWS_SQL = `
CREATE OR REPLACE VIEW uptake_funnel AS
  SELECT
    n.as_of, n.service_id, s.service_name, s.organisation, s.setting,
    n.eligible::INTEGER AS eligible,
    n.approached::INTEGER AS approached,
    n.consented::INTEGER AS consented,
    n.registered::INTEGER AS registered,
    n.activated::INTEGER AS activated,
    n.active_90d::INTEGER AS active_90d,
    n.shared_with_carer::INTEGER AS shared_with_carer,
    n.shared_with_professional::INTEGER AS shared_with_professional,
    -- Exports count carer and professional sharing separately and a patient may do both, so the number sharing with
    -- anyone is unknown; the larger of the two is the fewest it can be (a lower bound; headline sharing_rate adds them).
    greatest(n.shared_with_carer, n.shared_with_professional)::INTEGER AS shared_with_anyone_max,
    ${rate('n.consented', 'n.approached')} AS consent_rate,
    ${rate('n.registered', 'n.consented')} AS registration_rate,
    ${rate('n.shared_with_carer', 'n.registered')} AS carer_sharing_rate,
    ${rate('n.shared_with_professional', 'n.registered')} AS professional_sharing_rate,
    -- RE-AIM reach for a service that reports its eligible population.
    ${rate('n.registered', 'n.eligible')} AS reach_rate,
    -- Whether each input was reported: NULL counts are "not reported" (the source lacks them), never 0.
    n.eligible IS NOT NULL AS eligible_reported,
    n.approached IS NOT NULL AS approached_reported,
    n.consented IS NOT NULL AS consented_reported,
    n.registered IS NOT NULL AS registered_reported,
    (n.shared_with_carer IS NOT NULL OR n.shared_with_professional IS NOT NULL) AS sharing_reported
  FROM snapshot_latest n
  JOIN service_latest s USING (service_id);
`;
