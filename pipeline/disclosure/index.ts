/**
 * Disclosure control: the one place where figures are made safe to leave for a funder view, a public export or a
 * report (README.md in this folder). Import from here, not from the files behind it.
 */
export {
  DEFAULT_PROFILE,
  DisclosureError,
  PROFILES,
  PROFILE_NAMES,
  footnote,
  getProfile,
  type DisclosureProfile,
  type ProfileName
} from './profiles.ts';
export {
  AUDIENCES,
  UnknownAudienceError,
  audienceLabel,
  checkAudience,
  isAudience,
  profileForAudience,
  type Audience
} from './audience.ts';
export {
  SUPPRESSED_MARK,
  controlCount,
  controlRate,
  roundToNearest,
  type ControlReason,
  type ControlledValue
} from './count.ts';
export {
  controlTable,
  measureColumn,
  type ColumnKind,
  type ColumnSpec,
  type ControlledRow,
  type ControlledTable,
  type TableInput
} from './table.ts';
export { pinnedCells, suppressSecondary, type GuardedFigure, type Relation } from './secondary.ts';
export {
  FORMULA_STARTS,
  csvField,
  csvHeading,
  csvNotes,
  csvRows,
  csvText,
  neutraliseFormula,
  toCsv,
  type CsvValue
} from './csv.ts';
