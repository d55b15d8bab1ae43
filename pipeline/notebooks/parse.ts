/**
 * Reading a notebook file: front matter, Markdown text, and fenced blocks (README.md "The notebook format").
 *
 *   ```sql name=funnel counts=consented,registered      a query, its result named "funnel"
 *   ```table funnel                                      a table of that result, options one per line
 *   ```chart funnel                                      a chart of it
 *
 * Parsing checks everything that can be checked without the warehouse (names, options, references to results defined
 * further up), so a mistake in a notebook is reported with its line before any query runs.
 */
import { INLINE_VALUE } from './markdown.ts';

import { isAudience, AUDIENCES, type Audience } from '../disclosure/index.ts';

/** A wrong notebook: the message names the notebook and the line. */
export class NotebookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotebookError';
  }
}

/** What the notebook says a numeric column holds. Columns it does not declare must be text, or catalogue measures. */
export type DeclaredKind = 'patient-count' | 'service-count' | 'number';

export interface Declaration {
  kind: DeclaredKind;
  /** For numbers: decimal places to show. */
  decimals?: number;
}

export type Declarations = Map<string, Declaration>;

export interface RateSpec {
  key: string;
  numerator: string;
  denominator: string;
}

/** A change between two count columns of the same row, e.g. registered now minus registered at the last snapshot. */
export interface ChangeSpec {
  key: string;
  from: string;
  minus: string;
}

export interface SqlBlock {
  type: 'sql';
  line: number;
  name: string;
  sql: string;
  /** Run only when this column of an earlier result's first row is true (or a number above 0). */
  when: { result: string; column: string } | null;
  declarations: Declarations;
  /** `keep=a<=b`: the rows kept, chosen by comparing the figures as the audience sees them (render.ts). */
  keep: Keep | null;
}

export const KEEP_OPERATORS = ['<=', '>=', '!=', '<', '>', '='] as const;
export interface Keep {
  left: string;
  op: (typeof KEEP_OPERATORS)[number];
  /** A column, or a whole number. */
  right: string | number;
}

/** What every figure (a table or a chart) has: the result it shows and the options they share. */
export interface FigureOptions {
  line: number;
  result: string;
  caption: string | null;
  /** What to say instead when the result has no rows. */
  empty: string | null;
  note: string | null;
  declarations: Declarations;
}

export interface TableBlock extends FigureOptions {
  type: 'table';
  /** The columns to show, in order, with their headings; null = every column of the result. */
  columns: { key: string; label: string }[] | null;
  rates: RateSpec[];
  changes: ChangeSpec[];
  /** Label of a total row, or null for none. Totals are computed from exact figures by disclosure control. */
  total: string | null;
}

export const CHART_MARKS = ['barX', 'line'] as const;

export interface ChartBlock extends FigureOptions {
  type: 'chart';
  /** A chart from pipeline/charts by name, or null for a small Plot spec (mark, x, y, series). */
  chart: string | null;
  mark: (typeof CHART_MARKS)[number] | null;
  x: string | null;
  y: string | null;
  series: string | null;
  xLabel: string | null;
  yLabel: string | null;
}

export interface TextBlock {
  type: 'text';
  line: number;
  markdown: string;
}

export interface CodeBlock {
  type: 'code';
  line: number;
  language: string;
  code: string;
}

export type Block = TextBlock | SqlBlock | TableBlock | ChartBlock | CodeBlock;

export interface Notebook {
  /** The file's stem, e.g. "funder-impact": the name in `uptake report <name>` and /reports/<name>. */
  name: string;
  title: string;
  description: string;
  /** The audience it renders for when none is asked for. */
  audience: Audience;
  /** The disclosure profile for funder and public audiences (default nhs-digital). */
  profile: string | null;
  blocks: Block[];
}

const NAME = /^[a-z_][a-z0-9_]*$/;

function fail(name: string, line: number, message: string): never {
  throw new NotebookError(`${name}.md:${line}: ${message}`);
}

/** `key: value` lines; blank lines and lines starting with # are ignored. Keys may hold a space ("column name"). */
function optionLines(body: string, name: string, firstLine: number): { key: string; value: string; line: number }[] {
  const out: { key: string; value: string; line: number }[] = [];
  body.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([a-z]+(?: [a-z0-9_]+)?)\s*:\s*(.*)$/i.exec(line);
    if (!m) fail(name, firstLine + i, `expected "option: value", got "${line}"`);
    out.push({ key: m[1].toLowerCase(), value: m[2].trim(), line: firstLine + i });
  });
  return out;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `counts: a, b` / `services: c` / `numbers: d, e:1` into declarations. */
function declare(declarations: Declarations, option: string, value: string, name: string, line: number): boolean {
  const kind: DeclaredKind | undefined = (
    { counts: 'patient-count', services: 'service-count', numbers: 'number' } as Record<string, DeclaredKind>
  )[option];
  if (!kind) return false;
  for (const item of list(value)) {
    const [key, decimals] = item.split(':').map((s) => s.trim());
    if (!NAME.test(key)) fail(name, line, `"${key}" is not a column name`);
    if (decimals !== undefined && (kind !== 'number' || !/^\d$/.test(decimals))) {
      fail(name, line, `"${item}": only numbers take decimal places, as numbers: ${key}:1`);
    }
    const existing = declarations.get(key);
    if (existing && existing.kind !== kind)
      fail(name, line, `"${key}" is declared twice, as ${existing.kind} and ${kind}`);
    declarations.set(key, decimals === undefined ? { kind } : { kind, decimals: Number(decimals) });
  }
  return true;
}

function parseSql(info: string[], code: string, name: string, line: number, results: Set<string>): SqlBlock {
  const attributes = new Map<string, string>();
  for (const pair of info) {
    const m = /^([a-z]+)=(.*)$/.exec(pair);
    if (!m) fail(name, line, `sql block: expected name=value, got "${pair}"`);
    attributes.set(m[1], m[2]);
  }
  const resultName = attributes.get('name');
  if (!resultName || !NAME.test(resultName))
    fail(name, line, 'a sql block needs name=<result name> (letters, digits, _)');
  if (results.has(resultName)) fail(name, line, `the result name "${resultName}" is used twice`);
  const declarations: Declarations = new Map();
  let when: SqlBlock['when'] = null;
  let keep: Keep | null = null;
  for (const [key, value] of attributes) {
    if (key === 'name') continue;
    if (key === 'keep') {
      const m = /^([a-z_][a-z0-9_]*)(<=|>=|!=|<|>|=)([a-z_][a-z0-9_]*|-?\d+)$/.exec(value);
      if (!m)
        fail(
          name,
          line,
          `keep=${value}: give <column> <op> <column or whole number>, with <, <=, =, !=, >= or >, as in keep=registered<=registered_previous`
        );
      keep = { left: m[1], op: m[2] as Keep['op'], right: /^-?\d+$/.test(m[3]) ? Number(m[3]) : m[3] };
      continue;
    }
    if (key === 'when') {
      const m = /^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$/.exec(value);
      if (!m || !results.has(m[1])) fail(name, line, `when=${value}: give <earlier result>.<column>`);
      when = { result: m[1], column: m[2] };
    } else if (!declare(declarations, key, value, name, line)) {
      fail(name, line, `sql block: unknown attribute "${key}" (use name, when, keep, counts, services, numbers)`);
    }
  }
  if (code.trim() === '') fail(name, line, `the sql block "${resultName}" is empty`);
  results.add(resultName);
  return { type: 'sql', line, name: resultName, sql: code, when, declarations, keep };
}

function formula(value: string, operator: '/' | '-', name: string, line: number): [string, string] {
  const parts = value.split(operator).map((s) => s.trim());
  if (parts.length !== 2 || !parts.every((p) => NAME.test(p))) {
    fail(name, line, `expected "<column> ${operator} <column>", got "${value}"`);
  }
  return [parts[0], parts[1]];
}

function figureOptions(result: string, line: number): FigureOptions {
  return { line, result, caption: null, empty: null, note: null, declarations: new Map() };
}

/** Sets an option every figure takes (caption, empty, note, or a declaration); false when `key` is none of them. */
function figureOption(figure: FigureOptions, key: string, value: string, name: string, line: number): boolean {
  if (key === 'caption') figure.caption = value;
  else if (key === 'empty') figure.empty = value;
  else if (key === 'note') figure.note = value;
  else return declare(figure.declarations, key, value, name, line);
  return true;
}

function parseTable(result: string, body: string, name: string, line: number): TableBlock {
  const table: TableBlock = {
    type: 'table',
    ...figureOptions(result, line),
    columns: null,
    rates: [],
    changes: [],
    total: null
  };
  for (const option of optionLines(body, name, line + 1)) {
    const [word, key] = option.key.split(' ');
    if (key !== undefined) {
      if (!NAME.test(key)) fail(name, option.line, `"${key}" is not a column name`);
      if (word === 'column') (table.columns ??= []).push({ key, label: option.value || key });
      else if (word === 'rate') {
        const [numerator, denominator] = formula(option.value, '/', name, option.line);
        table.rates.push({ key, numerator, denominator });
      } else if (word === 'change') {
        const [from, minus] = formula(option.value, '-', name, option.line);
        table.changes.push({ key, from, minus });
      } else fail(name, option.line, `unknown table option "${option.key}"`);
    } else if (word === 'total') table.total = option.value || 'Total';
    else if (!figureOption(table, word, option.value, name, option.line)) {
      fail(
        name,
        option.line,
        `unknown table option "${word}" (caption, column <key>, rate <key>, change <key>, counts, services, numbers, total, empty, note)`
      );
    }
  }
  return table;
}

function parseChart(result: string, body: string, name: string, line: number): ChartBlock {
  const chart: ChartBlock = {
    type: 'chart',
    ...figureOptions(result, line),
    chart: null,
    mark: null,
    x: null,
    y: null,
    series: null,
    xLabel: null,
    yLabel: null
  };
  for (const option of optionLines(body, name, line + 1)) {
    const v = option.value;
    switch (option.key) {
      case 'chart':
        chart.chart = v;
        break;
      case 'mark':
        if (!(CHART_MARKS as readonly string[]).includes(v))
          fail(name, option.line, `mark must be one of ${CHART_MARKS.join(', ')}`);
        chart.mark = v as ChartBlock['mark'];
        break;
      case 'x':
      case 'y':
      case 'series':
        if (!NAME.test(v)) fail(name, option.line, `"${v}" is not a column name`);
        chart[option.key] = v;
        break;
      case 'label x':
        chart.xLabel = v;
        break;
      case 'label y':
        chart.yLabel = v;
        break;
      default:
        if (!figureOption(chart, option.key, v, name, option.line)) {
          fail(
            name,
            option.line,
            `unknown chart option "${option.key}" (caption, chart, mark, x, y, series, label x, label y, counts, services, numbers, empty, note)`
          );
        }
    }
  }
  if (chart.chart === null && (chart.mark === null || chart.x === null || chart.y === null)) {
    fail(name, line, 'a chart needs either "chart: <name>" or "mark", "x" and "y"');
  }
  return chart;
}

function frontMatter(text: string, name: string): { fields: Map<string, string>; body: string; bodyLine: number } {
  const fields = new Map<string, string>();
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!m) return { fields, body: text, bodyLine: 1 };
  m[1].split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '' || raw.trim().startsWith('#')) return;
    const field = /^([a-z_]+)\s*:\s*(.*)$/i.exec(raw);
    if (!field) fail(name, i + 2, `front matter: expected "field: value", got "${raw}"`);
    fields.set(field[1].toLowerCase(), field[2].trim().replace(/^(["'])(.*)\1$/, '$2'));
  });
  return { fields, body: text.slice(m[0].length), bodyLine: m[0].split('\n').length };
}

/** Parses a notebook's text. `name` is its file stem, used in messages and links. */
export function parseNotebook(text: string, name: string): Notebook {
  const { fields, body, bodyLine } = frontMatter(text.replace(/^\uFEFF/, ''), name);
  const title = fields.get('title');
  if (!title) fail(name, 1, 'the front matter needs a title');
  const audience = fields.get('audience') ?? 'committee';
  if (!isAudience(audience)) fail(name, 1, `audience must be one of ${AUDIENCES.join(', ')}`);

  const blocks: Block[] = [];
  const results = new Set<string>();
  const lines = body.split(/\r?\n/);
  let pending: string[] = [];
  let textLine = bodyLine;
  const flush = () => {
    if (pending.join('').trim() !== '') blocks.push({ type: 'text', line: textLine, markdown: pending.join('\n') });
    pending = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = bodyLine + i;
    const fence = /^(`{3,})\s*([a-z]+)?\s*(.*)$/.exec(lines[i]);
    if (!fence) {
      if (pending.length === 0) textLine = line;
      pending.push(lines[i]);
      continue;
    }
    flush();
    const end = lines.findIndex((l, j) => j > i && l.trim() === fence[1]);
    if (end < 0) fail(name, line, 'this fenced block is never closed');
    const code = lines.slice(i + 1, end).join('\n');
    const language = fence[2] ?? '';
    const info = fence[3].trim().split(/\s+/).filter(Boolean);
    if (language === 'sql') blocks.push(parseSql(info, code, name, line, results));
    else if (language === 'table' || language === 'chart') {
      const result = info[0];
      if (!result || !results.has(result))
        fail(name, line, `${language} ${result ?? ''}: no sql block above is named "${result ?? ''}"`);
      blocks.push(language === 'table' ? parseTable(result, code, name, line) : parseChart(result, code, name, line));
    } else blocks.push({ type: 'code', line, language, code });
    i = end;
  }
  flush();

  // Inline values may only name results defined above them (a reader reads top to bottom; so does the renderer).
  const seen = new Set<string>(['as_of', 'previous_as_of']);
  for (const block of blocks) {
    if (block.type === 'sql') seen.add(block.name);
    const texts =
      block.type === 'text'
        ? [block.markdown]
        : block.type === 'table' || block.type === 'chart'
          ? [block.caption ?? '', block.note ?? '', block.empty ?? '']
          : [];
    for (const t of texts) {
      for (const m of t.replace(/`[^`]+`/g, '').matchAll(INLINE_VALUE)) {
        const result = m[1].split(/[.|]/)[0];
        if (!seen.has(result)) fail(name, block.line, `{${m[1]}}: no sql block above is named "${result}"`);
      }
    }
  }
  return {
    name,
    title,
    description: fields.get('description') ?? '',
    audience: audience as Audience,
    profile: fields.get('profile') ?? null,
    blocks
  };
}
