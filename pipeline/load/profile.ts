/**
 * Source profiles: how an export's columns map onto the model (docs/architecture.md "Loading exports").
 *
 * A profile is a JSON file. Each entry in `tables` says which files or sheets it takes (`match`: name prefixes, or "*"),
 * which kind of model table they fill, and how columns are named (aliases, matched after normaliseHeader). A `long`
 * layout has one row per measure (`measure,value`) and is pivoted to one row per key. `units` declares the unit
 * hierarchy (region → organisation → service/practice) carried on the rows themselves, so units need no services file.
 * Uptake's own templates are the built-in profile `uptake-templates`; users write others without touching code.
 */
import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { FIELDS, KINDS, normaliseHeader, type Kind } from './fields.ts';
import practiceMonthlyLong from './profiles/practice-monthly-long.json' with { type: 'json' };
import uptakeTemplates from './profiles/uptake-templates.json' with { type: 'json' };

const aliases = z.union([z.string(), z.array(z.string()).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

const tableSchema = z
  .object({
    kind: z.enum(KINDS as [Kind, ...Kind[]]),
    match: z.array(z.string()).min(1),
    layout: z.enum(['wide', 'long']).default('wide'),
    /** strptime formats tried after ISO and dd/mm/yyyy (Excel serials are always accepted). */
    dateFormats: z.array(z.string()).default([]),
    columns: z.record(z.string(), aliases),
    /** Source value → model value, per field, matched case-insensitively (e.g. {"setting": {"Acute Trust": "acute"}}). */
    valueMaps: z.record(z.string(), z.record(z.string(), z.string())).default({}),
    long: z
      .object({
        measureColumn: aliases,
        valueColumn: aliases,
        measures: z.record(z.string(), aliases),
        ignoreOtherMeasures: z.boolean().default(false)
      })
      .optional(),
    units: z
      .object({
        columns: z.record(z.string(), aliases),
        defaults: z.record(z.string(), z.string()).default({})
      })
      .optional()
  })
  .superRefine((t, ctx) => {
    const known = new Set(FIELDS[t.kind].map((f) => f.name));
    for (const field of Object.keys(t.columns)) {
      if (!known.has(field)) ctx.addIssue({ code: 'custom', message: `"${field}" is not a field of ${t.kind}` });
    }
    if (t.layout === 'long' && !t.long)
      ctx.addIssue({ code: 'custom', message: 'a long layout needs a "long" section' });
    if (t.units && t.kind !== 'uptake') ctx.addIssue({ code: 'custom', message: '"units" is only for uptake tables' });
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
  'practice-monthly-long': practiceMonthlyLong
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
