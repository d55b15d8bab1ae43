/**
 * Secondary (complementary) suppression for threshold profiles (domain note disclosure-control.md §2.3).
 *
 * A table publishes additive relations: a row total is the sum of its cells, a column total likewise, the grand total
 * is the sum of either. If a relation has exactly one hidden figure, subtraction gives it away. So:
 *  1. the domain rule: for every relation with exactly one hidden figure, hide the smallest other non-zero part
 *     (the total itself only when no part is left), and repeat until nothing changes;
 *  2. then a stronger audit, because step 1 alone is not enough: two hidden blocks joined by a single hidden cell
 *     (each relation with two hidden figures) still pin that cell when the relations are added up. A hidden figure is
 *     pinned exactly when every solution of the published relations gives it the same value, which linear algebra
 *     decides (pinnedCells). While any is pinned, hide the smallest shown figure in a relation that contains it.
 * Hiding only ever grows, and with every figure hidden nothing is pinned, so the loop ends.
 *
 * This protects against exact recovery by adding and subtracting published figures. It does not stop a reader
 * bounding a hidden cell (a hidden count is at least 0), nor differencing across other tables, filters or dates:
 * those are the caller's to avoid (README.md).
 */

/** A figure that may be hidden. `value` is exact; `hidden` says whether the reader sees it. */
export interface GuardedFigure {
  value: number;
  hidden: boolean;
}

/** One published relation: figures[total] = sum of figures[parts]. Indices into the figures array. */
export interface Relation {
  total: number;
  parts: number[];
}

/**
 * Hide more figures until no hidden figure can be worked out from the shown ones. Returns the indices newly hidden,
 * in the order they were hidden; `figures` is updated in place.
 */
export function suppressSecondary(figures: GuardedFigure[], relations: Relation[]): number[] {
  const added: number[] = [];
  const hide = (index: number) => {
    figures[index].hidden = true;
    added.push(index);
  };
  for (;;) {
    let changed = false;
    for (const relation of relations) {
      const members = [relation.total, ...relation.parts];
      if (members.filter((i) => figures[i].hidden).length !== 1) continue;
      const choice = smallestShown(figures, relation.parts) ?? smallestShown(figures, [relation.total]);
      if (choice !== null) {
        hide(choice);
        changed = true;
      }
    }
    if (changed) continue;
    const pinned = pinnedCells(figures, relations);
    if (pinned.length === 0) return added;
    const target = pinned[0];
    const around = relations
      .filter((r) => r.total === target || r.parts.includes(target))
      .flatMap((r) => [r.total, ...r.parts]);
    // Normally a relation around the pinned figure still has a shown member. If not, widen to any relation that has
    // a hidden figure; if nothing at all is shown there, nothing more can be hidden (and nothing is published).
    const choice =
      smallestShown(figures, around) ??
      smallestShown(
        figures,
        relations
          .filter((r) => [r.total, ...r.parts].some((i) => figures[i].hidden))
          .flatMap((r) => [r.total, ...r.parts])
      );
    if (choice === null) return added;
    hide(choice);
  }
}

/** The shown figure with the smallest value, preferring non-zero ones (hiding a 0 protects little); ties → first. */
function smallestShown(figures: GuardedFigure[], indices: number[]): number | null {
  let best: number | null = null;
  const rank = (i: number) => (figures[i].value === 0 ? Number.POSITIVE_INFINITY : figures[i].value);
  for (const i of indices) {
    if (figures[i].hidden) continue;
    if (best === null || rank(i) < rank(best)) best = i;
  }
  return best;
}

const EPSILON = 1e-9;

/**
 * Hidden figures whose value is fixed by the shown figures and the relations. Each relation is a linear equation
 * (total − Σ parts = 0) in the hidden figures, with the shown ones moved to the right-hand side. A hidden figure is
 * pinned when its column is a pivot of the reduced row echelon form whose row has no entry under a free column, i.e.
 * no solution of the homogeneous system can move it.
 */
export function pinnedCells(figures: GuardedFigure[], relations: Relation[]): number[] {
  const hidden = figures.map((f, i) => (f.hidden ? i : -1)).filter((i) => i >= 0);
  if (hidden.length === 0) return [];
  const column = new Map(hidden.map((figure, c) => [figure, c]));
  const matrix: number[][] = [];
  for (const relation of relations) {
    const row = new Array<number>(hidden.length).fill(0);
    const total = column.get(relation.total);
    if (total !== undefined) row[total] += 1;
    for (const part of relation.parts) {
      const c = column.get(part);
      if (c !== undefined) row[c] -= 1;
    }
    if (row.some((x) => x !== 0)) matrix.push(row);
  }
  const pivots = reduceRowEchelon(matrix, hidden.length);
  const pivotColumns = new Set(pivots.map((p) => p.column));
  const pinned: number[] = [];
  for (const { row, column: c } of pivots) {
    const free = matrix[row].some((x, j) => j !== c && !pivotColumns.has(j) && Math.abs(x) > EPSILON);
    if (!free) pinned.push(hidden[c]);
  }
  return pinned.sort((a, b) => a - b);
}

/** Gauss–Jordan elimination in place with partial pivoting; returns (row, column) of each pivot. */
function reduceRowEchelon(matrix: number[][], columns: number): { row: number; column: number }[] {
  const pivots: { row: number; column: number }[] = [];
  let row = 0;
  for (let c = 0; c < columns && row < matrix.length; c++) {
    let best = row;
    for (let r = row + 1; r < matrix.length; r++) if (Math.abs(matrix[r][c]) > Math.abs(matrix[best][c])) best = r;
    if (Math.abs(matrix[best][c]) < EPSILON) continue;
    [matrix[row], matrix[best]] = [matrix[best], matrix[row]];
    const pivot = matrix[row][c];
    matrix[row] = matrix[row].map((x) => x / pivot);
    for (let r = 0; r < matrix.length; r++) {
      if (r === row || Math.abs(matrix[r][c]) < EPSILON) continue;
      const factor = matrix[r][c];
      matrix[r] = matrix[r].map((x, j) => x - factor * matrix[row][j]);
    }
    pivots.push({ row, column: c });
    row++;
  }
  return pivots;
}
