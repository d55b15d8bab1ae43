/**
 * NHS colours for charts, in the order the NHS identity guidelines give for categorical data (NHSBSA digital
 * playbook; docs/domain/nhs-design-and-accessibility.md §3.2): six colours, then the same six at 50% tint.
 *
 * Four of the twelve fall below the 3:1 contrast against white that WCAG 1.4.11 asks of graphical objects
 * (orange 2.5:1, light blue 2.3:1, every tint). Charts give such marks a dark outline (`outlineFor`), and never
 * let colour alone carry meaning: each series also has a direct label, a pattern or a symbol.
 */

export const NHS_BLUE = '#005EB8';
export const NHS_AQUA_GREEN = '#00A499';
export const NHS_PINK = '#AE2573';
export const NHS_ORANGE = '#ED8B00';
export const NHS_GREEN = '#009639';
export const NHS_LIGHT_BLUE = '#41B6E6';

/** Neutrals from the NHS palette, for text, axes, outlines and "not enabled" cells. */
export const NHS_BLACK = '#212B32';
export const NHS_DARK_GREY = '#425563';
export const NHS_MID_GREY = '#768692';
export const NHS_PALE_GREY = '#E8EDEE';
export const NHS_WHITE = '#FFFFFF';

export const NHS_COLOURS = [NHS_BLUE, NHS_AQUA_GREEN, NHS_PINK, NHS_ORANGE, NHS_GREEN, NHS_LIGHT_BLUE] as const;
export const NHS_TINTS = ['#80AFDC', '#80D2CC', '#D792B9', '#F6C580', '#80CB9C', '#A0DBF3'] as const;

/** The twelve categorical colours in order; the charts use at most four per chart where they can. */
export const CATEGORICAL: readonly string[] = [...NHS_COLOURS, ...NHS_TINTS];

/** The i-th categorical colour, wrapping round after twelve. */
export function categoricalColour(index: number): string {
  return CATEGORICAL[((index % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length];
}

function channel(hex: string, offset: number): number {
  const c = parseInt(hex.slice(offset, offset + 2), 16) / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a #RRGGBB colour. */
export function relativeLuminance(hex: string): number {
  return 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
}

/** WCAG contrast ratio of two #RRGGBB colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** WCAG 1.4.11: graphical objects need 3:1 against their background. */
export const NON_TEXT_CONTRAST = 3;

/**
 * The outline a filled mark of this colour needs on white to meet 1.4.11: dark grey, or 'none' when it already does.
 */
export function outlineFor(fill: string): string {
  return contrastRatio(fill, NHS_WHITE) < NON_TEXT_CONTRAST ? NHS_DARK_GREY : 'none';
}
