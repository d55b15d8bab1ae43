/**
 * Disclosure-control profiles: the named rule sets a caller chooses between (README.md in this folder has the sources).
 *
 * A profile is data, not code, so that a new rule set (say a "threshold 6" legacy HES profile) is one new entry here.
 * Every controlled output carries its profile's name and footnote, so a reader can always tell which rules were
 * applied.
 */

export const PROFILE_NAMES = ['nhs-digital', 'threshold-10', 'none'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** The product default (docs/architecture.md "Disclosure control"): NHS Digital's secondary-care rules. */
export const DEFAULT_PROFILE: ProfileName = 'nhs-digital';

export interface DisclosureProfile {
  name: ProfileName;
  /** A short title for headings and captions. */
  title: string;
  /** Patient counts in this inclusive range are replaced by `*`; null = never. */
  suppressRange: readonly [number, number] | null;
  /** Shown patient counts other than 0 are rounded to the nearest multiple of this; null = exact. */
  roundTo: number | null;
  /**
   * Hide further cells until no hidden cell can be worked out by subtraction from the totals (threshold rules only).
   */
  secondarySuppression: boolean;
  /** Plain English for funders: what `*` means and how figures were rounded. Names the profile. */
  footnote: string;
}

export const PROFILES: Record<ProfileName, DisclosureProfile> = {
  'nhs-digital': {
    name: 'nhs-digital',
    title: 'NHS Digital secondary care rules',
    suppressRange: [1, 7],
    roundTo: 5,
    secondarySuppression: false,
    footnote:
      'Small numbers are controlled to protect patient confidentiality (profile: nhs-digital, based on the rules NHS ' +
      'Digital uses for hospital data). * means a count of between 1 and 7 patients. Other counts of patients are rounded to ' +
      'the nearest 5; 0 means none. Totals are worked out from the exact figures and then rounded, so they may not ' +
      'equal the sum of the rounded figures shown. Percentages are worked out from the rounded figures, and are not ' +
      'shown (*) when either figure behind them is *. Percentages have one decimal place only when they are out of ' +
      '4,000 or more. Counts of services are exact.'
  },
  'threshold-10': {
    name: 'threshold-10',
    title: 'Threshold of 10, with secondary suppression',
    suppressRange: [0, 9],
    roundTo: null,
    secondarySuppression: true,
    footnote:
      'Small numbers are controlled to protect patient confidentiality (profile: threshold-10). * means a count of ' +
      'fewer than 10 patients, including none. Some larger counts are also shown as * so that a hidden count cannot ' +
      'be worked out by subtracting the figures shown from a total. Figures that are shown are exact. Percentages ' +
      'are not shown (*) when either figure behind them is *. Counts of services are exact.'
  },
  none: {
    name: 'none',
    title: 'Exact figures',
    suppressRange: null,
    roundTo: null,
    secondarySuppression: false,
    footnote:
      'Exact figures (profile: none): no disclosure control has been applied. For the steering committee and ' +
      'researchers only; do not publish or pass to funders.'
  }
};

/** Raised when something would leave without the control it needs; callers show nothing rather than guess. */
export class DisclosureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DisclosureError';
  }
}

/** Look a profile up by name; no name means the default. An unknown name fails closed rather than falling back. */
export function getProfile(name: string | undefined = DEFAULT_PROFILE): DisclosureProfile {
  if ((PROFILE_NAMES as readonly string[]).includes(name)) return PROFILES[name as ProfileName];
  throw new DisclosureError(`Unknown disclosure profile "${name}". Use one of: ${PROFILE_NAMES.join(', ')}.`);
}

/** The footnote to print under any output controlled with this profile. */
export function footnote(profile: string | undefined = DEFAULT_PROFILE): string {
  return getProfile(profile).footnote;
}
