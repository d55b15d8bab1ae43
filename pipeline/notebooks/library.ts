/**
 * Finding notebooks: the shipped ones live in notebooks/ at the project root (UPTAKE_NOTEBOOKS overrides the folder).
 * The site takes names only (`loadNotebook`): a name from a URL must never reach the file system as a path, or a
 * report page would render (or reveal the existence of) any file the server can read. The command line also takes a
 * path to any notebook file (`loadNotebookFromCommandLine`): whoever runs it can read those files anyway.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseNotebook, type Notebook } from './parse.ts';

/** The notebooks folder: $UPTAKE_NOTEBOOKS, or notebooks/ under the working directory (the project root). */
export function notebooksDir(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.UPTAKE_NOTEBOOKS ?? 'notebooks');
}

/** A notebook's name is its file stem: lower case letters, digits and hyphens (it is used in URLs). */
export const NOTEBOOK_NAME = /^[a-z0-9][a-z0-9-]*$/;

export class UnknownNotebookError extends Error {
  constructor(
    readonly asked: string,
    readonly available: string[]
  ) {
    super(
      `There is no notebook "${asked}". ` +
        (available.length
          ? `Notebooks: ${available.join(', ')} (or give the path to a .md file).`
          : 'No notebooks were found.')
    );
    this.name = 'UnknownNotebookError';
  }
}

/** The names of the notebooks in a folder, sorted (README.md is the folder's guide, not a notebook). */
export function notebookNames(dir: string = notebooksDir()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.md') && file !== 'README.md')
    .map((file) => file.slice(0, -3))
    .filter((name) => NOTEBOOK_NAME.test(name))
    .sort();
}

/** Every notebook in the folder, parsed (for the /reports list). */
export function listNotebooks(dir: string = notebooksDir()): Notebook[] {
  return notebookNames(dir).map((name) => loadNotebook(name, dir));
}

/**
 * A notebook by name, from the folder only: the name must be one `notebookNames` lists (the rule the /reports list
 * uses), checked before any file is opened, so nothing else (a path, `..`, a file name with `.md`) is ever read.
 */
export function loadNotebook(name: string, dir: string = notebooksDir()): Notebook {
  const names = notebookNames(dir);
  if (!names.includes(name)) throw new UnknownNotebookError(name, names);
  return parseNotebook(readFileSync(join(dir, `${name}.md`), 'utf8'), name);
}

/**
 * For `uptake report` only: a name from the folder, or a path to any notebook file (anything with a slash or ending
 * in .md). Never call this with text from a web request.
 */
export function loadNotebookFromCommandLine(nameOrPath: string, dir: string = notebooksDir()): Notebook {
  const isPath = nameOrPath.includes('/') || nameOrPath.endsWith('.md');
  if (!isPath) return loadNotebook(nameOrPath, dir);
  const path = resolve(nameOrPath);
  if (!existsSync(path) || !statSync(path).isFile()) throw new UnknownNotebookError(nameOrPath, notebookNames(dir));
  return parseNotebook(readFileSync(path, 'utf8'), basename(path).replace(/\.md$/, ''));
}
