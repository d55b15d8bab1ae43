/** The dashboard's charts: pure functions from metric-view rows to { svg, summary }. See README.md. */
export type { Chart, ChartOptions } from './render.ts';
export type { SetupDurationRow, SetupStatus, UptakeFunnelRow, FeatureMatrixRow, AdoptionBySettingRow } from './rows.ts';
export { toCount } from './rows.ts';
export { adoptionCurve, ADOPTION_CURVE_DEFAULTS } from './adoption-curve.ts';
export { setupTimeline, SETUP_TIMELINE_DEFAULTS, SETUP_TIMELINE_CLASSES } from './setup-timeline.ts';
export {
  uptakeFunnel,
  funnelExtremes,
  UPTAKE_FUNNEL_DEFAULTS,
  UPTAKE_FUNNEL_STAGES,
  type FunnelExtremeRow
} from './uptake-funnel.ts';
export { registrationTrend, REGISTRATION_TREND_DEFAULTS } from './registration-trend.ts';
export { registrationBands, trendBands, REGISTRATION_BANDS_DEFAULTS, type TrendBandRow } from './registration-bands.ts';
export {
  goLivesByPeriod,
  goLivePeriods,
  setupDurations,
  setupDurationBins,
  SETUP_DISTRIBUTION_DEFAULTS,
  type GoLivePeriodRow,
  type SetupDurationBinRow
} from './setup-distribution.ts';
export { MANY_UNITS, EXTREMES, MAX_TREND_POINTS, thinDates, periodAdjective, type DatePeriod } from './many-units.ts';
export { featureMatrix, FEATURE_MATRIX_DEFAULTS } from './feature-matrix.ts';
export { adoptionBySetting, ADOPTION_BY_SETTING_DEFAULTS } from './adoption-by-setting.ts';
export { themePrevalence, THEME_PREVALENCE_DEFAULTS, type ThemePrevalenceRow } from './theme-prevalence.ts';
export { functionTrend, FUNCTION_TREND_DEFAULTS, type FunctionTrendRow } from './function-trend.ts';
export { equityQuintiles, EQUITY_QUINTILES_DEFAULTS, type EquityQuintileRow } from './equity-quintiles.ts';
export {
  featureCoverage,
  unitsByFeatureCount,
  FEATURE_COVERAGE_DEFAULTS,
  type FeatureCoverageRow,
  type FeatureCountRow
} from './feature-coverage.ts';
