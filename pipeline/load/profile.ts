/**
 * Source profiles: how an export's columns map onto the model (docs/architecture.md "Loading exports").
 *
 * A profile is a JSON file. Each entry in `tables` says which files or sheets it takes (`match`: name prefixes, or
 * "*"), which kind of model table they fill, and how columns are named (aliases, matched after normaliseHeader). A
 * `long` layout has one row per measure (`measure,value`) and is pivoted to one row per key. `units` declares the unit
 * hierarchy (region → organisation → service/practice) carried on the rows themselves, so units need no services file.
 * Uptake's own templates are the built-in profile `uptake-templates`; users write others without touching code.
 */
import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { FIELDS, KINDS, normaliseHeader, UPTAKE_COUNTS, type Kind } from './fields.ts';
import nhsPomiPractice from './profiles/nhs-pomi-practice.json' with { type: 'json' };
import publicHealthIndicators from './profiles/public-health-indicators.json' with { type: 'json' };
import uptakeTemplates from './profiles/uptake-templates.json' with { type: 'json' };

const aliases = z.union([z.string(), z.array(z.string()).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

/**
 * Where each field of a long export goes (its `measure` column's values, matched case-insensitively): an uptake count
 * (`measures`: registered, eligible, …), transactions per function (`usage`), whether the unit's system offers a
 * function (`offered`), patients enabled for a function (`enabled`), or nowhere (`ignore`). Keys of `measures` are
 * model fields; keys of the other three are function names in the users' words ("appointments").
 */
const longSchema = z.object({
  measureColumn: aliases,
  valueColumn: aliases,
  measures: z.record(z.string(), aliases).default({}),
  usage: z.record(z.string(), aliases).default({}),
  offered: z.record(z.string(), aliases).default({}),
  enabled: z.record(z.string(), aliases).default({}),
  ignore: z.array(z.string()).default([]),
  ignoreOtherMeasures: z.boolean().default(false)
});

/** Unit hierarchy columns an uptake table may carry on its rows: practice → commissioner → sub-region → region. */
export const UNIT_FIELDS = [
  'service_name',
  'organisation',
  'organisation_name',
  'subregion',
  'subregion_name',
  'region',
  'region_name',
  'parent_unit',
  'supplier'
] as const;

// Kept an object with optional sections (not a union per kind) so another kind of table adds its own section here.
const tableSchema = z
  .object({
    kind: z.enum(KINDS as [Kind, ...Kind[]]),
    match: z.array(z.string()).min(1),
    layout: z.enum(['wide', 'long']).default('wide'),
    /** False for a file with no header row (the national practice list): columns are then named by `positions`. */
    header: z.boolean().default(true),
    /** field → 1-based column position, for files without a header row. */
    positions: z.record(z.string(), z.number().int().min(1)).default({}),
    /** strptime formats tried after ISO and dd/mm/yyyy (Excel serials are always accepted). */
    dateFormats: z.array(z.string()).default([]),
    columns: z.record(z.string(), aliases).default({}),
    /**
     * The uptake counts this source reports. The others are "not reported" (NULL, never 0) and their columns are not
     * required. Absent: every count of the templates, with the templates' required columns; a long layout reports the
     * counts its `measures` route to.
     */
    reports: z.array(z.string()).optional(),
    /**
     * Source value → model value, per field, matched case-insensitively (e.g. {"setting": {"Acute Trust": "acute"}}).
     */
    valueMaps: z.record(z.string(), z.record(z.string(), z.string())).default({}),
    long: longSchema.optional(),
    units: z
      .object({
        columns: z.record(z.string(), aliases),
        defaults: z.record(z.string(), z.string()).default({})
      })
      .optional(),
    /**
     * Characteristics exports that mix area types (England, the parent organisation, then the practices): which
     * column names the area type, and which of its values are units. Other rows are comparators, not loaded.
     */
    areaTypes: z.object({ column: aliases, units: z.array(z.string()).min(1) }).optional()
  })
  .superRefine((t, ctx) => {
    const known = new Set(FIELDS[t.kind].map((f) => f.name));
    for (const field of [...Object.keys(t.columns), ...Object.keys(t.positions)]) {
      if (!known.has(field)) ctx.addIssue({ code: 'custom', message: `"${field}" is not a field of ${t.kind}` });
    }
    if (t.layout === 'long' && !t.long)
      ctx.addIssue({ code: 'custom', message: 'a long layout needs a "long" section' });
    if (t.units && t.kind !== 'uptake') ctx.addIssue({ code: 'custom', message: '"units" is only for uptake tables' });
    for (const u of Object.keys(t.units?.columns ?? {})) {
      if (!(UNIT_FIELDS as readonly string[]).includes(u))
        ctx.addIssue({ code: 'custom', message: `"${u}" is not a unit column (${UNIT_FIELDS.join(', ')})` });
    }
    for (const m of [...(t.reports ?? []), ...Object.keys(t.long?.measures ?? {})]) {
      if (!UPTAKE_COUNTS.includes(m))
        ctx.addIssue({ code: 'custom', message: `"${m}" is not an uptake count (${UPTAKE_COUNTS.join(', ')})` });
    }
    if (t.reports && t.kind !== 'uptake')
      ctx.addIssue({ code: 'custom', message: '"reports" is only for uptake tables' });
    if (!t.header && t.kind !== 'unit-reference')
      ctx.addIssue({ code: 'custom', message: 'only a unit-reference table may have no header row' });
    if (!t.header && !Object.keys(t.positions).length)
      ctx.addIssue({ code: 'custom', message: 'a table without a header row needs "positions"' });
    if (t.long && t.kind !== 'uptake')
      ctx.addIssue({ code: 'custom', message: 'a long layout is only for uptake tables' });
    if (t.long) {
      // One source field, one route: the same name in two sections would be loaded twice or silently lost.
      const seen = new Map<string, string>();
      const sections: [string, string[]][] = [
        ...(['measures', 'usage', 'offered', 'enabled'] as const).flatMap((section) =>
          Object.values(t.long![section]).map((names): [string, string[]] => [section, names])
        ),
        ['ignore', t.long.ignore]
      ];
      for (const [section, names] of sections) {
        for (const name of names) {
          const key = name.trim().toLowerCase();
          if (seen.has(key) && seen.get(key) !== section)
            ctx.addIssue({ code: 'custom', message: `"${name}" is routed both to ${seen.get(key)} and to ${section}` });
          seen.set(key, section);
        }
      }
    }
    if (t.areaTypes && t.kind !== 'characteristics')
      ctx.addIssue({ code: 'custom', message: '"areaTypes" is only for characteristics tables' });
  });

export const profileSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  tables: z.array(tableSchema).min(1)
});

export type Profile = z.infer<typeof profileSchema>;
export type ProfileTable = Profile['tables'][number];

export class ProfileError extends Error {}

// Built-in profiles are imported, not read from disk beside this file: inside the dashboard's bundle (build/) there is
// no pipeline/load/profiles/ folder to read.
const BUILT_IN: Record<string, unknown> = {
  'uptake-templates': uptakeTemplates,
  'nhs-pomi-practice': nhsPomiPractice,
  'public-health-indicators': publicHealthIndicators
};
export const DEFAULT_PROFILE = 'uptake-templates';

export function builtInProfiles(): string[] {
  return Object.keys(BUILT_IN);
}

/** A profile by built-in name or by path to a JSON file. */
export function resolveProfile(nameOrFile: string = DEFAULT_PROFILE): Profile {
  if (Object.hasOwn(BUILT_IN, nameOrFile)) return parseProfile(BUILT_IN[nameOrFile], nameOrFile);
  const path = nameOrFile;
  if (!existsSync(path)) {
    throw new ProfileError(
      `Profile "${nameOrFile}" is neither a built-in profile (${builtInProfiles().join(', ')}) nor a file that exists.`
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ProfileError(`Profile ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseProfile(json, path);
}

export function parseProfile(json: unknown, where = 'profile'): Profile {
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new ProfileError(`Profile ${where} is not valid: ${issues}`);
  }
  return parsed.data;
}

/** The profile table that takes a file or sheet, by name prefix ("uptake-2017-02-06" → uptake). */
export function tableFor(profile: Profile, name: string): ProfileTable | undefined {
  const n = normaliseHeader(name);
  return profile.tables.find((t) => t.match.some((m) => m === '*' || n.startsWith(normaliseHeader(m))));
}

/**
 * Finds each field's source column among the file's headers: the field's own name, then its aliases, all compared
 * after normaliseHeader. Returns field → the header as written in the file.
 */
export function matchColumns(
  headers: string[],
  columns: Record<string, string[]>,
  fieldNames: string[]
): Map<string, string> {
  const byNormal = new Map(headers.map((h) => [normaliseHeader(h), h] as const));
  const found = new Map<string, string>();
  for (const field of fieldNames) {
    for (const candidate of [field, ...(columns[field] ?? [])]) {
      const header = byNormal.get(normaliseHeader(candidate));
      if (header !== undefined) {
        found.set(field, header);
        break;
      }
    }
  }
  return found;
}

/**
 * The uptake counts a table's source reports, or null for "as the templates say" (every count, the required columns
 * required). A long layout reports what its `measures` route to, unless `reports` says otherwise.
 */
export function reportedCounts(spec: ProfileTable): string[] | null {
  if (spec.kind !== 'uptake') return null;
  if (spec.reports) return spec.reports;
  if (spec.layout === 'long' && spec.long) return Object.keys(spec.long.measures);
  return null;
}

/**
 * A table's `positions` as column aliases: a header-less file's columns are named column1, column2, … by its reader.
 */
export function columnsOf(spec: ProfileTable): Record<string, string[]> {
  const columns: Record<string, string[]> = { ...spec.columns };
  for (const [field, position] of Object.entries(spec.positions)) {
    columns[field] = [...(columns[field] ?? []), `column${position}`];
  }
  return columns;
}
