/**
 * Every downloadable figure by id, so that the CSV download re-runs the very function the page ran, with the same URL
 * parameters: the CSV holds exactly what the page showed.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ResolvedFilters } from './filters.ts';
import type { Figure, TableOrder } from './table.ts';
import { adoptionFigure } from './adoption.ts';
import { reaimFigure } from './overview.ts';
import { parseServicesQuery, servicesTable } from './services.ts';
import { servicePage } from './service.ts';
import { goLives, setupDurationsByBin, setupTimeline } from './timeline.ts';
import { registrationTrend, uptakeFunnel } from './uptake.ts';
import { featureCounts, featureCoverage, functionality, functionOffering } from './functionality.ts';
import { parseUsageLevel, usageByLevel, usageTrend } from './usage.ts';
import { settings } from './settings.ts';
import { equityPage } from './equity.ts';
import { FilterError } from './filters.ts';
import { isAudience, profileForAudience, type ProfileName } from '../disclosure/index.ts';

/**
 * The disclosure profile a request's rows leave under (`?audience=`), so figures that choose rows can choose fairly.
 */
function audienceProfile(params: URLSearchParams): ProfileName {
  const audience = params.get('audience');
  return isAudience(audience) ? profileForAudience(audience) : 'none';
}

export class UnknownFigureError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'UnknownFigureError';
  }
}

type FigureSource = (
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  params: URLSearchParams
) => Promise<Figure>;

/**
 * How each figure's rows are ordered, for the figures whose builders do not say (table.ts TableOrder): 'fixed' when the
 * order follows labels, dates or a fixed list; a column when it follows a count, so that a controlled copy is
 * re-sorted by the controlled value of that column.
 */
const ORDERS: Record<string, TableOrder> = {
  'adoption-curve': 'fixed', // by go-live date, then name
  reaim: 'fixed', // the five RE-AIM dimensions in their order
  'service-history': 'fixed', // by as-of date
  'setup-timeline': 'fixed', // by approach date, then name
  'go-lives': 'fixed', // by quarter
  'setup-durations': 'fixed', // by duration bin
  'uptake-funnel': { by: 'approached', dir: 'desc' },
  'registration-trend': 'fixed', // by service name, then as-of date
  'feature-matrix': 'fixed', // by service name
  'adoption-by-setting': 'fixed', // the five settings in their order
  'function-offering': 'fixed', // by function, then as-of date
  'usage-trend': 'fixed', // by function, then as-of date
  'usage-by-level': 'fixed' // by region, sub-region or organisation name, then function
};

const FIGURES: Record<string, FigureSource> = {
  'adoption-curve': (c, f) => adoptionFigure(c, f),
  reaim: (c, f) => reaimFigure(c, f),
  services: async (c, f, p) => (await servicesTable(c, f, parseServicesQuery(p), { all: true })).figure,
  'service-history': async (c, f, p) => {
    const id = p.get('service') ?? '';
    const page = await servicePage(c, id, f);
    if (!page) throw new UnknownFigureError(`There is no service with the id "${id.slice(0, 60)}".`);
    return page.history;
  },
  'setup-timeline': (c, f) => setupTimeline(c, f),
  'go-lives': (c, f) => goLives(c, f),
  'setup-durations': (c, f) => setupDurationsByBin(c, f),
  'uptake-funnel': (c, f, p) => uptakeFunnel(c, f, audienceProfile(p)),
  'registration-trend': (c, f) => registrationTrend(c, f),
  'feature-matrix': (c, f) => functionality(c, f),
  'feature-coverage': (c, f) => featureCoverage(c, f),
  'core-fidelity': (c, f) => featureCounts(c, f, 'core'),
  'additional-features': (c, f) => featureCounts(c, f, 'additional'),
  'function-offering': (c, f) => functionOffering(c, f),
  'usage-trend': (c, f) => usageTrend(c, f),
  'usage-by-level': (c, f, p) => usageByLevel(c, f, parseUsageLevel(p)),
  'adoption-by-setting': async (c, f) => (await settings(c, f)).figure,
  'equity-quintiles': async (c, f, p) => (await equity(c, f, p)).quintiles,
  'equity-gap': async (c, f, p) => (await equity(c, f, p)).gap,
  'equity-organisations': async (c, f, p) => (await equity(c, f, p)).organisations
};

/** The Equity page's figures need its characteristic; an unknown one is a missing figure, not a server error. */
async function equity(c: DuckDBConnection, f: ResolvedFilters, p: URLSearchParams) {
  try {
    return await equityPage(c, f, p);
  } catch (e) {
    if (e instanceof FilterError) throw new UnknownFigureError(e.message);
    throw e;
  }
}

export const FIGURE_IDS = Object.keys(FIGURES);

export async function figureById(
  connection: DuckDBConnection,
  id: string,
  filters: ResolvedFilters,
  params: URLSearchParams
): Promise<Figure> {
  const source = Object.hasOwn(FIGURES, id) ? FIGURES[id] : undefined;
  if (!source) throw new UnknownFigureError(`There is no figure called "${id.slice(0, 60)}".`);
  const figure = await source(connection, filters, params);
  const order = figure.table.order ?? ORDERS[id];
  return order ? { ...figure, table: { ...figure.table, order } } : figure;
}
