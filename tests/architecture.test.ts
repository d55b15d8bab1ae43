/**
 * The layers of docs/architecture.md, checked on the source: no file imports in a circle, the engine never imports
 * the site or Svelte, and each pipeline folder imports only folders below it. A new import that breaks a rule fails
 * here with the file and the import named, rather than surfacing later as a tangle.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/** Bottom to top: a folder may import from its own folder and those before it in this list. */
const LAYERS = [
  'warehouse',
  'files',
  'format',
  'audit',
  'load',
  'access',
  'metrics',
  'disclosure',
  'charts',
  'dashboard',
  'qualitative',
  'refi-qda',
  'notebooks',
  'cli'
];

/**
 * Opening the warehouse creates every layer's tables, so open.ts sits at the top even though it lives with the ground
 * floor; only entry points import it (checked below).
 */
const ENTRY_ONLY = 'pipeline/warehouse/open.ts';

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, folder))) {
    const path = join(folder, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

interface Import {
  specifier: string;
  /** The imported file relative to the root, when it is one of ours. */
  target: string | null;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: Import[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?\bfrom\s+['"]([^'"]+)['"]/g)) {
    const specifier = match[1];
    let target: string | null = null;
    if (specifier.startsWith('$pipeline/')) target = join('pipeline', specifier.slice('$pipeline/'.length));
    else if (specifier.startsWith('$lib/')) target = join('site/lib', specifier.slice('$lib/'.length));
    else if (specifier.startsWith('.')) target = relative(ROOT, resolve(ROOT, dirname(file), specifier));
    found.push({ specifier, target: target?.split(sep).join('/') ?? null });
  }
  return found;
}

const files = [...sourceFiles('pipeline'), ...sourceFiles('site')];
const graph = new Map(files.map((file) => [file, importsOf(file)]));

describe('architecture', () => {
  it('no file imports in a circle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, stack: string[]) => {
      state.set(file, 'open');
      stack.push(file);
      for (const { target } of graph.get(file) ?? []) {
        if (!target || !graph.has(target)) continue;
        if (state.get(target) === 'open') cycles.push([...stack.slice(stack.indexOf(target)), target].join(' → '));
        else if (!state.has(target)) visit(target, stack);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('the engine never imports the site, SvelteKit or Svelte', () => {
    const wrong = files
      .filter((file) => file.startsWith('pipeline/'))
      .flatMap((file) =>
        importsOf(file)
          .filter(
            ({ specifier, target }) => /^(svelte|\$app|\$lib|@sveltejs)/.test(specifier) || target?.startsWith('site/')
          )
          .map(({ specifier }) => `${file} imports ${specifier}`)
      );
    expect(wrong).toEqual([]);
  });

  it('each pipeline folder imports only its own folder and the folders below it', () => {
    const layerOf = (path: string) => LAYERS.indexOf(path.split('/')[1]);
    const wrong: string[] = [];
    for (const file of files.filter((f) => f.startsWith('pipeline/') && f !== ENTRY_ONLY)) {
      const own = layerOf(file);
      expect(own, `${file} is in a folder the layer list does not name`).toBeGreaterThanOrEqual(0);
      for (const { specifier, target } of importsOf(file)) {
        if (!target?.startsWith('pipeline/')) continue;
        if (target === ENTRY_ONLY) {
          if (!file.startsWith('pipeline/cli/') && file !== 'pipeline/load/rebuild.ts')
            wrong.push(`${file} imports ${specifier}`);
        } else if (layerOf(target) > own) wrong.push(`${file} imports ${specifier}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
