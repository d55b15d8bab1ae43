/**
 * The model's fields, per kind of export ("Uptake's own export templates"). A source profile maps an export's
 * columns onto these; the checks and the writers read them. One list, so a new field is one line here.
 */
export type Kind = 'programme' | 'services' | 'features' | 'uptake' | 'unit-reference' | 'characteristics';
export const KINDS: Kind[] = ['programme', 'services', 'features', 'uptake', 'unit-reference', 'characteristics'];

export type FieldType = 'text' | 'date' | 'flag' | 'count' | 'setting' | 'category' | 'decimal';

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** The column must be present in the file. */
  column: 'required' | 'optional';
  /** A blank cell is a problem (otherwise blank means "not known / not reported"). */
  valueRequired: boolean;
  /** For flags: what a blank cell means when it is allowed (a ✓-or-blank feature matrix). */
  blankFlag?: boolean;
  /** Actual (not planned) dates: they cannot lie after the file's as-of date. */
  actualDate?: boolean;
}

/** One field, or several consecutive ones alike but for their names. */
function fields(
  names: string | string[],
  type: FieldType,
  column: FieldSpec['column'],
  valueRequired: boolean,
  extra: Partial<FieldSpec> = {}
): FieldSpec[] {
  return [names].flat().map((name) => ({ name, type, column, valueRequired, ...extra }));
}

export const FIELDS: Record<Kind, FieldSpec[]> = {
  programme: [
    ...fields('programme', 'text', 'required', true),
    ...fields('launched_on', 'date', 'required', true, { actualDate: true })
  ],
  services: [
    ...fields(['service_id', 'service_name', 'organisation'], 'text', 'required', true),
    ...fields('setting', 'setting', 'required', true),
    ...fields('specialty', 'text', 'optional', false),
    ...fields(['sensitive', 'in_original_bid'], 'flag', 'required', true),
    ...fields('approached_on', 'date', 'required', false, { actualDate: true }),
    ...fields('planned_live_on', 'date', 'optional', false),
    ...fields('live_on', 'date', 'required', false, { actualDate: true }),
    ...fields('parent_unit', 'text', 'optional', false)
  ],
  features: [
    ...fields(['service_id', 'feature'], 'text', 'required', true),
    ...fields('category', 'category', 'required', true),
    ...fields('enabled', 'flag', 'required', false, { blankFlag: false }),
    ...fields('enabled_on', 'date', 'optional', false, { actualDate: true })
  ],
  uptake: [
    ...fields('as_of', 'date', 'required', true),
    ...fields('service_id', 'text', 'required', true),
    ...fields(
      ['approached', 'consented', 'registered', 'shared_with_carer', 'shared_with_professional'],
      'count',
      'required',
      false
    ),
    ...fields(['eligible', 'activated', 'active_90d'], 'count', 'optional', false)
  ],
  // A reference list of units (the national practice list): names units, places them in the hierarchy and marks the
  // closed ones. It never creates services: units in uptake data but not in the list are warnings (reference.ts).
  'unit-reference': [
    ...fields('unit_id', 'text', 'required', true),
    ...fields(['unit_name', 'organisation', 'subregion', 'region'], 'text', 'optional', false),
    ...fields(['opened_on', 'closed_on'], 'date', 'optional', false),
    ...fields('status', 'text', 'optional', false)
  ],
  // Characteristics of units (a deprivation score, rurality, an age profile): one value per unit, characteristic and
  // period. A blank value is allowed (a suppressed or unpublished figure): it is loaded as NULL and counted.
  characteristics: [
    ...fields(['service_id', 'characteristic', 'period'], 'text', 'required', true),
    ...fields('period_sort', 'text', 'optional', false),
    ...fields('value', 'decimal', 'required', false)
  ]
};

/** The counts an uptake source can report (a profile's `reports` names some of them; the rest are not reported). */
export const UPTAKE_COUNTS = FIELDS.uptake.filter((field) => field.type === 'count').map((field) => field.name);

/** The key that must be unique within a file and a batch, per kind. */
export const KEYS: Record<Kind, string[]> = {
  programme: ['programme'],
  services: ['service_id'],
  features: ['service_id', 'feature'],
  uptake: ['as_of', 'service_id'],
  'unit-reference': ['unit_id'],
  characteristics: ['service_id', 'characteristic', 'period']
};

/** Pairs that must be ordered: [smaller, larger, rule]. Checked per row where both are present. */
export const COUNT_ORDER: [string, string][] = [
  ['consented', 'approached'],
  ['registered', 'consented'],
  ['shared_with_carer', 'registered'],
  ['shared_with_professional', 'registered'],
  ['activated', 'registered'],
  ['active_90d', 'registered']
];

/**
 * Header matching ignores case, spacing and punctuation: "Service ID", "service_id" and "SERVICE-ID" are one column.
 */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}
