/**
 * The warehouse's tables: what an export lands as (docs/architecture.md "The model").
 *
 * Two kinds of table live here:
 *  - landed (derived from data/raw/ by `rebuild`): programme, service, feature, snapshot, unit_function,
 *    unit_place, unit_reference, source_measure, load_file, load_problem;
 *  - user-authored (never derived, never touched by `rebuild`): the qualitative workbench's, accounts' and the audit
 *    log's tables live with their layers; open.ts lists them in USER_AUTHORED_TABLES so that rebuild carries them
 *    across.
 *
 * Every landed row keeps the SHA-256 of the file it came from (`source_sha256`), so any figure traces back to bytes in
 * data/raw/; `snapshot`, the one table with a row per unit and date, keeps the file's `load_file.file_id` instead
 * (`source_file`), which the manifest maps to the SHA-256: a 64-character text on each of millions of rows cost a
 * quarter of a large load's write. Snapshots are never overwritten: a later export of the same service and as-of date
 * is a duplicate key and is rejected by the checks, and a later as-of date supersedes in the metric views only.
 */

/** Bump when the DDL changes; `rebuild` recreates the landed tables from data/raw/ under the new version. */
export const SCHEMA_VERSION = 2;

/** Settings allowed for a service (the `services` template). */
export const SETTINGS = ['acute', 'mental health', 'community', 'primary care', 'social care'] as const;
export type Setting = (typeof SETTINGS)[number];

/**
 * The measure catalogue: every count a snapshot can carry, and whether it counts patients (and so is
 * disclosure-controlled wherever a funder or the public sees it). Rates are computed from these, never stored.
 */
export const MEASURES = [
  { measure: 'eligible', label: 'Eligible patients', patient_count: true, required: false },
  { measure: 'approached', label: 'Patients approached', patient_count: true, required: true },
  { measure: 'consented', label: 'Patients consented', patient_count: true, required: true },
  { measure: 'registered', label: 'Patients registered', patient_count: true, required: true },
  { measure: 'activated', label: 'Patients activated', patient_count: true, required: false },
  { measure: 'active_90d', label: 'Patients active in the last 90 days', patient_count: true, required: false },
  { measure: 'shared_with_carer', label: 'Patients sharing with a carer', patient_count: true, required: true },
  {
    measure: 'shared_with_professional',
    label: 'Patients sharing with an external professional',
    patient_count: true,
    required: true
  }
] as const;
export type Measure = (typeof MEASURES)[number]['measure'];

export const LANDED_DDL = `
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);

-- One row per file landed (or rejected) — the manifest. batch_id groups the files of one \`uptake load\`.
CREATE SEQUENCE IF NOT EXISTS load_file_id;
CREATE TABLE IF NOT EXISTS load_file (
  batch_id      VARCHAR NOT NULL,
  file_name     VARCHAR NOT NULL,
  sha256        VARCHAR NOT NULL,
  kind          VARCHAR,            -- programme | services | features | uptake
  profile       VARCHAR NOT NULL,
  loaded_at     TIMESTAMP NOT NULL,
  rows          INTEGER NOT NULL,
  as_of         DATE,               -- latest as-of date in the file (uptake files)
  outcome       VARCHAR NOT NULL,   -- loaded | rejected
  bytes         BIGINT NOT NULL,
  file_id       INTEGER DEFAULT nextval('load_file_id')   -- what snapshot.source_file names
);

-- One row per loaded batch, with the record data/raw/batches/<batch_id>.json holds (so a record lost to a crash
-- between commit and write can be written again from here).
CREATE TABLE IF NOT EXISTS load_batch (
  batch_id  VARCHAR PRIMARY KEY,
  loaded_at TIMESTAMP NOT NULL,
  record    VARCHAR NOT NULL
);

-- Problems found by the checks, kept for rejected loads too, so the Data page can show them.
CREATE TABLE IF NOT EXISTS load_problem (
  batch_id   VARCHAR NOT NULL,
  file_name  VARCHAR NOT NULL,
  row_number INTEGER,               -- 1-based data row as a spreadsheet user counts it (header = row 1)
  column_name VARCHAR,
  value      VARCHAR,
  rule       VARCHAR NOT NULL,
  message    VARCHAR NOT NULL,
  severity   VARCHAR NOT NULL       -- error | warning (warnings, such as back-fills, do not block the load)
);

CREATE TABLE IF NOT EXISTS programme (
  programme     VARCHAR NOT NULL,
  launched_on   DATE NOT NULL,
  source_sha256 VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS service (
  service_id      VARCHAR NOT NULL,
  service_name    VARCHAR NOT NULL,
  organisation    VARCHAR NOT NULL,
  setting         VARCHAR NOT NULL,
  specialty       VARCHAR,
  sensitive       BOOLEAN NOT NULL,
  in_original_bid BOOLEAN NOT NULL,
  approached_on   DATE,
  planned_live_on DATE,
  live_on         DATE,
  parent_unit     VARCHAR,          -- from a profile's unit hierarchy (e.g. practice → organisation code), else NULL
  source_sha256   VARCHAR NOT NULL,
  loaded_at       TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS feature (
  service_id    VARCHAR NOT NULL,
  feature       VARCHAR NOT NULL,
  category      VARCHAR NOT NULL,   -- core | additional
  enabled       BOOLEAN NOT NULL,
  enabled_on    DATE,
  source_sha256 VARCHAR NOT NULL,
  loaded_at     TIMESTAMP NOT NULL
);

-- One row per service per as-of date: the counts an export reported. NULL = not reported.
CREATE TABLE IF NOT EXISTS snapshot (
  as_of                    DATE NOT NULL,
  service_id               VARCHAR NOT NULL,
  eligible                 INTEGER,
  approached               INTEGER,
  consented                INTEGER,
  registered               INTEGER,
  activated                INTEGER,
  active_90d               INTEGER,
  shared_with_carer        INTEGER,
  shared_with_professional INTEGER,
  source_file              INTEGER NOT NULL,   -- load_file.file_id of the file it came from (load_file.sha256)
  loaded_at                TIMESTAMP NOT NULL
);

-- Which measures each loaded file's source reports (its profile's declaration, or the columns a template file has):
-- eligible, approached, … and usage:<function>, offered:<function>, enabled:<function>. A measure a source does not
-- report is NULL in the model, and views say "not reported" rather than 0.
CREATE TABLE IF NOT EXISTS source_measure (
  source_sha256 VARCHAR NOT NULL,
  file_name     VARCHAR NOT NULL,
  measure       VARCHAR NOT NULL,
  reported      BOOLEAN NOT NULL
);

-- Per unit, as-of date and function (appointments, repeat prescriptions, …): whether the unit's system offers it,
-- patients enabled for it, and transactions in the period. NULL = not reported.
CREATE TABLE IF NOT EXISTS unit_function (
  as_of            DATE NOT NULL,
  service_id       VARCHAR NOT NULL,
  function         VARCHAR NOT NULL,
  offered          BOOLEAN,
  enabled_patients INTEGER,
  transactions     INTEGER,
  source_sha256    VARCHAR NOT NULL,
  loaded_at        TIMESTAMP NOT NULL
);

-- Where a unit sat in the hierarchy (region → sub-region → commissioner → unit) at an as-of date, as the uptake rows
-- said (practices move between commissioners, so it is kept per date).
CREATE TABLE IF NOT EXISTS unit_place (
  as_of             DATE NOT NULL,
  service_id        VARCHAR NOT NULL,
  unit_name         VARCHAR,
  organisation      VARCHAR,
  organisation_name VARCHAR,
  subregion         VARCHAR,
  subregion_name    VARCHAR,
  region            VARCHAR,
  region_name       VARCHAR,
  supplier          VARCHAR,
  source_sha256     VARCHAR NOT NULL,
  loaded_at         TIMESTAMP NOT NULL
);

-- A reference list of units (the national practice list): names, parents, open and close dates, status.
CREATE TABLE IF NOT EXISTS unit_reference (
  unit_id       VARCHAR NOT NULL,
  unit_name     VARCHAR,
  organisation  VARCHAR,
  subregion     VARCHAR,
  region        VARCHAR,
  opened_on     DATE,
  closed_on     DATE,
  status        VARCHAR,
  source_sha256 VARCHAR NOT NULL,
  loaded_at     TIMESTAMP NOT NULL
);

-- Characteristics of units (a deprivation score per practice, rurality, an age profile), for equity of reach: one row
-- per unit, characteristic and period as an export gave it. value NULL = the export had no value (suppressed or not
-- published); such rows are kept so that units without a value can be counted and listed.
CREATE TABLE IF NOT EXISTS unit_characteristic (
  service_id     VARCHAR NOT NULL,
  characteristic VARCHAR NOT NULL,
  period         VARCHAR NOT NULL,
  period_sort    VARCHAR,          -- a sortable form of the period when the export has one (e.g. 20190000)
  value          DOUBLE,
  source_sha256  VARCHAR NOT NULL,
  loaded_at      TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS measure_catalogue (
  measure VARCHAR PRIMARY KEY, label VARCHAR NOT NULL, patient_count BOOLEAN NOT NULL, required BOOLEAN NOT NULL
);
`;

/** Tables rebuilt from data/raw/ by `rebuild`. */
export const LANDED_TABLES = [
  'load_batch',
  'load_file',
  'load_problem',
  'programme',
  'service',
  'feature',
  'snapshot',
  'source_measure',
  'unit_function',
  'unit_place',
  'unit_reference',
  'unit_characteristic'
] as const;
