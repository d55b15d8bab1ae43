/** Direct end labels that would overlap are moved apart: shared by the registration trend and its percentile bands. */

/** Moves label centres (px, top to bottom) apart by at least their half-heights, staying within [top, bottom]. */
export function dodge(centres: number[], heights: number[], top: number, bottom: number): number[] {
  const order = centres.map((_, i) => i).sort((a, b) => centres[a] - centres[b]);
  const placed = [...centres];
  for (let k = 1; k < order.length; k++) {
    const [above, here] = [order[k - 1], order[k]];
    placed[here] = Math.max(placed[here], placed[above] + (heights[above] + heights[here]) / 2);
  }
  const lastIndex = order[order.length - 1];
  if (order.length > 0 && placed[lastIndex] + heights[lastIndex] / 2 > bottom) {
    placed[lastIndex] = bottom - heights[lastIndex] / 2;
    for (let k = order.length - 2; k >= 0; k--) {
      const [here, below] = [order[k], order[k + 1]];
      placed[here] = Math.min(placed[here], placed[below] - (heights[below] + heights[here]) / 2);
    }
  }
  return placed.map((p, i) => Math.max(p, top + heights[i] / 2));
}
