/** A problem found by the checks: it names the file, row, column, value and rule. */
export interface Problem {
  file: string;
  row: number | null;
  column: string | null;
  value: string | null;
  rule: string;
  message: string;
  severity: 'error' | 'warning';
}

export const problem = (
  file: string,
  rule: string,
  message: string,
  extra: Partial<Pick<Problem, 'row' | 'column' | 'value' | 'severity'>> = {}
): Problem => ({ file, row: null, column: null, value: null, severity: 'error', ...extra, rule, message });

/** `file:row:column: value — message (rule)`: the form people read in a terminal and in the Data page. */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.row ?? '', p.column ?? ''].join(':').replace(/:+$/, '');
  const value = p.value === null ? '' : ` ${JSON.stringify(p.value)}`;
  const tag = p.severity === 'warning' ? 'warning: ' : '';
  return `${where}:${value} — ${tag}${p.message} (${p.rule})`;
}

/**
 * Most problems of one rule listed for one file before the rest are summarised, so a broken million-row file stays
 * readable.
 */
export const PROBLEMS_PER_RULE = 100;
