/**
 * The unit hierarchy, region → sub-region → commissioner (organisation) → unit, for the dashboard to aggregate at each
 * level. It is carried on the uptake rows (unit_place: a practice's region, sub-region and CCG each month) and by a
 * unit reference list (unit_reference: the national practice list). The rows win for the hierarchy, being the
 * publication's own attribution at that date; the reference wins for names and says which units are closed.
 */

export const HIERARCHY_VIEWS_SQL = `
-- Where each unit sat at its latest as-of date (the latest load wins for that date).
CREATE OR REPLACE VIEW unit_place_latest AS
  SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY service_id ORDER BY as_of DESC, loaded_at DESC) AS rn FROM unit_place
  ) WHERE rn = 1;

CREATE OR REPLACE VIEW unit_reference_latest AS
  SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY unit_id ORDER BY loaded_at DESC) AS rn FROM unit_reference
  ) WHERE rn = 1;

-- One row per unit (every service known), with its place at every level. A level nobody reported is NULL.
CREATE OR REPLACE VIEW unit_hierarchy AS
  SELECT
    coalesce(p.region, r.region) AS region,
    p.region_name,
    coalesce(p.subregion, r.subregion) AS subregion,
    p.subregion_name,
    coalesce(p.organisation, r.organisation, s.organisation) AS organisation,
    coalesce(p.organisation_name, p.organisation, r.organisation, s.organisation) AS organisation_name,
    s.service_id AS unit,
    coalesce(r.unit_name, p.unit_name, s.service_name) AS unit_name,
    p.supplier,
    r.opened_on,
    r.closed_on,
    r.status,
    coalesce(r.closed_on IS NOT NULL OR upper(trim(r.status)) IN ('C', 'CLOSED'), false) AS closed,
    r.unit_id IS NOT NULL AS in_reference
  FROM service_latest s
  LEFT JOIN unit_place_latest p ON p.service_id = s.service_id
  LEFT JOIN unit_reference_latest r ON r.unit_id = s.service_id;
`;
