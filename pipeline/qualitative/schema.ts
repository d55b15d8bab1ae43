/**
 * The qualitative workbench's tables: everything here is written by people, never derived from data/raw/, so every
 * table is listed in USER_AUTHORED_TABLES (pipeline/warehouse/schema.ts) and `rebuild` copies it across untouched.
 *
 * Rules the tables keep:
 *  - Offsets (start_cp, end_cp) are Unicode code points, 0-based, half-open [start, end), counted over transcript.text
 *    exactly as stored (REFI-QDA §10.2 counts code points; DuckDB's length()/substring() count them too).
 *  - transcript.text is immutable: a corrected transcript is a new row whose `supersedes` names the old one.
 *  - The anonymisation key (pseudonym → real name) is never stored here (pipeline/qualitative/anonymise.ts).
 *  - No FOREIGN KEY clauses: rebuild copies tables in list order, and codebook edits re-point rows inside one
 *    transaction; the integrity rules live in the modules that write (codebook.ts, coding.ts, matrix.ts).
 */

export const QUALITATIVE_DDL = `
CREATE TABLE IF NOT EXISTS participant (
  participant_id       VARCHAR PRIMARY KEY,   -- the study's own id, e.g. P01
  pseudonym            VARCHAR NOT NULL,      -- what every page shows
  stakeholder_group    VARCHAR,
  organisation_setting VARCHAR,
  role                 VARCHAR,
  interview_date       DATE,
  created_at           TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS transcript (
  transcript_id    VARCHAR PRIMARY KEY,       -- a GUID (the REFI TextSource guid)
  participant_id   VARCHAR,                   -- NULL when no participant was matched
  title            VARCHAR NOT NULL,
  source_file      VARCHAR,                   -- the imported file's name (not its path)
  source_format    VARCHAR NOT NULL,          -- txt | docx | vtt | srt | refi
  source_sha256    VARCHAR,                   -- of the file as read, before anonymisation
  text             VARCHAR NOT NULL,          -- the stored (anonymised) text; never updated
  length_cp        INTEGER NOT NULL,
  line_count       INTEGER NOT NULL,
  supersedes       VARCHAR,                   -- the transcript this one replaces, if any
  anonymised       BOOLEAN NOT NULL,          -- true when replacements were applied on import
  imported_at      TIMESTAMP NOT NULL,
  imported_by      VARCHAR
);

-- Speaker turns, as parsed on import: the turn covers its label too ("INTERVIEWER: ...").
CREATE TABLE IF NOT EXISTS transcript_turn (
  transcript_id VARCHAR NOT NULL,
  turn_index    INTEGER NOT NULL,
  speaker       VARCHAR,                      -- NULL for text before the first labelled turn
  start_cp      INTEGER NOT NULL,
  end_cp        INTEGER NOT NULL,
  line_start    INTEGER NOT NULL,             -- 1-based line numbers of the stored text
  line_end      INTEGER NOT NULL,
  start_ms      INTEGER,                      -- subtitle timings (vtt/srt), else NULL
  end_ms        INTEGER,
  PRIMARY KEY (transcript_id, turn_index)
);

CREATE TABLE IF NOT EXISTS code_category (
  category_id VARCHAR PRIMARY KEY,            -- a GUID (exported as a non-codable parent Code)
  name        VARCHAR NOT NULL,
  description VARCHAR,
  framework   VARCHAR,                        -- the starter framework it came from, if any
  sort_order  INTEGER NOT NULL,
  created_at  TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS code (
  code_id        VARCHAR PRIMARY KEY,         -- a GUID (the REFI Code guid)
  category_id    VARCHAR NOT NULL,
  parent_code_id VARCHAR,                     -- NULL for a code directly under its category
  name           VARCHAR NOT NULL,
  definition     VARCHAR,                     -- what the code means
  include_rule   VARCHAR,                     -- when to apply it
  exclude_rule   VARCHAR,                     -- when not to (and which code to use instead)
  example        VARCHAR,                     -- an example quote
  citation       VARCHAR,                     -- the source of a framework's definition
  color          VARCHAR,                     -- #RRGGBB
  is_other       BOOLEAN NOT NULL,            -- the category's "other" bucket (one per category)
  sort_order     INTEGER NOT NULL,
  created_at     TIMESTAMP NOT NULL
);

-- The codebook's audit trail: one row per edit, with what it was before and after (JSON).
CREATE TABLE IF NOT EXISTS codebook_change (
  change_id   VARCHAR PRIMARY KEY,
  changed_at  TIMESTAMP NOT NULL,
  changed_by  VARCHAR,
  action      VARCHAR NOT NULL,               -- add-category | add-code | rename | redefine | move | merge | split | delete-code | load-framework | import
  code_id     VARCHAR,
  category_id VARCHAR,
  detail      VARCHAR NOT NULL                -- JSON: before / after / moved codings
);

CREATE TABLE IF NOT EXISTS coding (
  coding_id     VARCHAR PRIMARY KEY,          -- a GUID (the REFI Coding guid)
  transcript_id VARCHAR NOT NULL,
  start_cp      INTEGER NOT NULL,
  end_cp        INTEGER NOT NULL,
  code_id       VARCHAR NOT NULL,
  coder         VARCHAR NOT NULL,
  created_at    TIMESTAMP NOT NULL
);

-- A memo is on exactly one target: the whole project, a transcript, a passage (transcript + span), a code or a cell.
CREATE TABLE IF NOT EXISTS memo (
  memo_id       VARCHAR PRIMARY KEY,          -- a GUID (the REFI Note guid)
  target_kind   VARCHAR NOT NULL,             -- project | transcript | passage | code | cell
  transcript_id VARCHAR,
  start_cp      INTEGER,
  end_cp        INTEGER,
  code_id       VARCHAR,
  cell_id       VARCHAR,
  title         VARCHAR,
  body          VARCHAR NOT NULL,
  author        VARCHAR,
  created_at    TIMESTAMP NOT NULL,
  updated_at    TIMESTAMP NOT NULL
);

-- The framework matrix: one cell per participant × code, created when first written.
CREATE TABLE IF NOT EXISTS matrix_cell (
  cell_id        VARCHAR PRIMARY KEY,
  participant_id VARCHAR NOT NULL,
  code_id        VARCHAR NOT NULL,
  summary        VARCHAR NOT NULL,
  status         VARCHAR NOT NULL,            -- empty | drafted | reviewed
  version        INTEGER NOT NULL,            -- the latest matrix_cell_version.version
  updated_at     TIMESTAMP NOT NULL,
  updated_by     VARCHAR,
  UNIQUE (participant_id, code_id)
);

-- Every saved version of a cell (autosaves coalesce: see matrix.ts).
CREATE TABLE IF NOT EXISTS matrix_cell_version (
  cell_id  VARCHAR NOT NULL,
  version  INTEGER NOT NULL,
  summary  VARCHAR NOT NULL,
  status   VARCHAR NOT NULL,
  saved_at TIMESTAMP NOT NULL,
  saved_by VARCHAR,
  autosave BOOLEAN NOT NULL,
  PRIMARY KEY (cell_id, version)
);

-- A quote a summary cites: always the exact transcript span, and the coding it was taken from when there was one
-- (the span is kept even if that coding is later removed, so the provenance survives).
CREATE TABLE IF NOT EXISTS cell_quote (
  quote_id      VARCHAR PRIMARY KEY,
  cell_id       VARCHAR NOT NULL,
  ordinal       INTEGER NOT NULL,             -- [Q1], [Q2] … in the summary text
  coding_id     VARCHAR,
  transcript_id VARCHAR NOT NULL,
  start_cp      INTEGER NOT NULL,
  end_cp        INTEGER NOT NULL,
  created_at    TIMESTAMP NOT NULL,
  created_by    VARCHAR
);

-- A top-level code from another tool is a category; these keep what a category has no column for, so the codebook
-- goes back out as it came in: whether the top-level code could itself be applied (its codings then use the code row
-- whose code_id equals the category_id) and its colour.
CREATE TABLE IF NOT EXISTS category_code (
  category_id VARCHAR PRIMARY KEY,
  codable     BOOLEAN NOT NULL,
  color       VARCHAR                         -- #RRGGBB
);

-- A transcript whose text was absent when its project was imported (a bare .qde, ATLAS.ti's reference project): the
-- transcript row holds '' and its codings keep their positions, so a later import of the text restores them.
CREATE TABLE IF NOT EXISTS transcript_missing_text (
  transcript_id VARCHAR PRIMARY KEY,
  source_path   VARCHAR,                      -- where the project said the text was
  noted_at      TIMESTAMP NOT NULL
);

-- Code groups (REFI Sets of codes; ATLAS.ti's code groups).
CREATE TABLE IF NOT EXISTS code_group (
  group_id    VARCHAR PRIMARY KEY,            -- a GUID (the REFI Set guid)
  name        VARCHAR NOT NULL,
  description VARCHAR,
  created_at  TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS code_group_member (
  group_id VARCHAR NOT NULL,
  code_id  VARCHAR NOT NULL,
  ordinal  INTEGER NOT NULL,                  -- the order the set listed its members in
  PRIMARY KEY (group_id, code_id)
);

-- Case attributes beyond the fixed participant columns ("gender: female", "age: 67"): from a REFI document Set
-- (set_id keeps the Set's GUID and its name is "name: value", or just the name when value is NULL), from a Case
-- variable (set_id NULL), or typed in the workbench.
CREATE TABLE IF NOT EXISTS participant_attribute (
  participant_id VARCHAR NOT NULL,
  name           VARCHAR NOT NULL,
  value          VARCHAR,
  value_type     VARCHAR NOT NULL,            -- Text | Integer | Float | Boolean | Date | DateTime (REFI typeOfVariable)
  set_id         VARCHAR,
  updated_at     TIMESTAMP NOT NULL,
  updated_by     VARCHAR,
  PRIMARY KEY (participant_id, name)
);
`;

/** In dependency order, so a copy table by table (rebuild) never sees a row before the row it refers to. */
export const QUALITATIVE_TABLES = [
  'participant',
  'transcript',
  'transcript_turn',
  'code_category',
  'code',
  'codebook_change',
  'coding',
  'memo',
  'matrix_cell',
  'matrix_cell_version',
  'cell_quote',
  'category_code',
  'transcript_missing_text',
  'code_group',
  'code_group_member',
  'participant_attribute'
] as const;

export type QualitativeTable = (typeof QUALITATIVE_TABLES)[number];
