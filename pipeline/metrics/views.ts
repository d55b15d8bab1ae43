/**
 * Metric views over the landed tables (docs/domain/evaluation-metrics.md), run by ensureSchema on every read-write
 * open. Order matters: each family reads the views created before it. Definitions: pipeline/metrics/README.md.
 */
import { LATEST_VIEWS_SQL } from './latest.ts';
import { SETUP_VIEWS_SQL } from './setup.ts';
import { UPTAKE_VIEWS_SQL } from './uptake.ts';
import { FEATURE_VIEWS_SQL } from './features.ts';
import { ADOPTION_VIEWS_SQL } from './adoption.ts';
import { HEADLINE_VIEWS_SQL } from './headline.ts';
import { REAIM_VIEWS_SQL } from './reaim.ts';
import { HIERARCHY_VIEWS_SQL } from './hierarchy.ts';
import { USAGE_VIEWS_SQL } from './usage.ts';
import { REPORTING_VIEWS_SQL } from './reporting.ts';
import { EQUITY_VIEWS_SQL } from './equity.ts';

export const METRIC_VIEWS_SQL = [
  LATEST_VIEWS_SQL,
  SETUP_VIEWS_SQL,
  UPTAKE_VIEWS_SQL,
  FEATURE_VIEWS_SQL,
  ADOPTION_VIEWS_SQL,
  HEADLINE_VIEWS_SQL,
  REAIM_VIEWS_SQL,
  HIERARCHY_VIEWS_SQL,
  USAGE_VIEWS_SQL,
  REPORTING_VIEWS_SQL,
  EQUITY_VIEWS_SQL
].join('\n');
