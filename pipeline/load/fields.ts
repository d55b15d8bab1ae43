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

const f = (
  name: string,
  type: FieldType,
  column: FieldSpec['column'],
  valueRequired: boolean,
  extra: Partial<FieldSpec> = {}
): FieldSpec => ({
  name,
  type,
  column,
  valueRequired,
  ...extra
});

export const FIELDS: Record<Kind, FieldSpec[]> = {
  programme: [
    f('programme', 'text', 'required', true),
    f('launched_on', 'date', 'required', true, { actualDate: true })
  ],
  services: [
    f('service_id', 'text', 'required', true),
    f('service_name', 'text', 'required', true),
    f('organisation', 'text', 'required', true),
    f('setting', 'setting', 'required', true),
    f('specialty', 'text', 'optional', false),
    f('sensitive', 'flag', 'required', true),
    f('in_original_bid', 'flag', 'required', true),
    f('approached_on', 'date', 'required', false, { actualDate: true }),
    f('planned_live_on', 'date', 'optional', false),
    f('live_on', 'date', 'required', false, { actualDate: true }),
    f('parent_unit', 'text', 'optional', false)
  ],
  features: [
    f('service_id', 'text', 'required', true),
    f('feature', 'text', 'required', true),
    f('category', 'category', 'required', true),
    f('enabled', 'flag', 'required', false, { blankFlag: false }),
    f('enabled_on', 'date', 'optional', false, { actualDate: true })
  ],
  uptake: [
    f('as_of', 'date', 'required', true),
    f('service_id', 'text', 'required', true),
    f('approached', 'count', 'required', false),
    f('consented', 'count', 'required', false),
    f('registered', 'count', 'required', false),
    f('shared_with_carer', 'count', 'required', false),
    f('shared_with_professional', 'count', 'required', false),
    f('eligible', 'count', 'optional', false),
    f('activated', 'count', 'optional', false),
    f('active_90d', 'count', 'optional', false)
  ],
  // A reference list of units (the national practice list): names units, places them in the hierarchy and marks the
  // closed ones. It never creates services: units in uptake data but not in the list are warnings (reference.ts).
  'unit-reference': [
    f('unit_id', 'text', 'required', true),
    f('unit_name', 'text', 'optional', false),
    f('organisation', 'text', 'optional', false),
    f('subregion', 'text', 'optional', false),
    f('region', 'text', 'optional', false),
    f('opened_on', 'date', 'optional', false),
    f('closed_on', 'date', 'optional', false),
    f('status', 'text', 'optional', false)
  ],
  // Characteristics of units (a deprivation score, rurality, an age profile): one value per unit, characteristic and
  // period. A blank value is allowed (a suppressed or unpublished figure): it is loaded as NULL and counted.
  characteristics: [
    f('service_id', 'text', 'required', true),
    f('characteristic', 'text', 'required', true),
    f('period', 'text', 'required', true),
    f('period_sort', 'text', 'optional', false),
    f('value', 'decimal', 'required', false)
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

/** Header matching ignores case, spacing and punctuation: "Service ID", "service_id" and "SERVICE-ID" are one column. */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}
