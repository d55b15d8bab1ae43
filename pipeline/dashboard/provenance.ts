/**
 * Which loads a figure rests on, so a committee member can trace any number on the dashboard to the raw file it came
 * from: the file name, its as-of date and its SHA-256 (the name of its copy in data/raw/), linking to that load's row
 * on the Data page. Kept small: a few loads are listed; many are summarised ("36 uptake loads, 6 Mar 2014 –
 * 6 Feb 2017"), with the files that describe the programme and its services listed beside them.
 *
 * A figure of one snapshot (the services table, the uptake funnel, adoption by setting) rests on the loads of its
 * as-of date; any other figure may reach back through history (trends, the adoption curve, change since the previous
 * snapshot), so it is traced to every load up to its as-of date. Files without an as-of date (programme, services,
 * features) underlie every figure.
 *
 * Pure (no DuckDB), so that components can import it; the query is `provenance` in data-loads.ts.
 */
import { formatDate } from '../format/format.ts';

export interface LoadRef {
  file_name: string;
  sha256: string;
  as_of: string | null;
}

/** The loaded files behind the figures at one as-of date. */
export interface Provenance {
  asOf: string | null;
  /** Loads dated on the as-of date. */
  snapshot: LoadRef[];
  /** Loads dated on or before the as-of date, oldest first. */
  history: LoadRef[];
  /** Loads with no as-of date (programme, services, features), by file name. */
  reference: LoadRef[];
}

/** Figures that show one snapshot only; every other figure is traced to the loads up to its as-of date. */
export const SNAPSHOT_FIGURES: readonly string[] = ['services', 'uptake-funnel', 'adoption-by-setting'];

/** How many loads a footer lists before it summarises them. */
export const LISTED_LOADS = 4;

/** The Data page anchor of a load: its row in the table of files. */
export function loadAnchor(sha256: string): string {
  return `load-${sha256.slice(0, 12)}`;
}

/** What a figure's footer shows: the loads it lists, and a sentence for those it summarises. */
export interface FigureSources {
  listed: LoadRef[];
  summary: string | null;
}

export function figureSources(figureId: string, sources: Provenance): FigureSources {
  const dated = SNAPSHOT_FIGURES.includes(figureId) ? sources.snapshot : sources.history;
  const listed: LoadRef[] = [];
  const parts: string[] = [];
  if (dated.length <= LISTED_LOADS) listed.push(...dated);
  else {
    parts.push(
      `${dated.length} dated loads, ${formatDate(dated[0].as_of)} – ${formatDate(dated[dated.length - 1].as_of)}`
    );
  }
  if (sources.reference.length <= LISTED_LOADS) listed.push(...sources.reference);
  else parts.push(`${sources.reference.length} files without an as-of date`);
  return { listed, summary: parts.length ? parts.join(' and ') : null };
}
