/**
 * Who a figure is for, and the disclosure profile that decides what they may see. The one home of this rule: the
 * dashboard's CSV downloads and the notebooks' reports both ask here, so a funder never gets exact figures from one
 * and controlled figures from the other.
 *
 *   committee        exact figures (profile `none`, which still goes through the same functions)
 *   funder, public   controlled figures: nhs-digital, unless a report names another controlling profile
 */
import { DEFAULT_PROFILE, type ProfileName } from './profiles.ts';

export const AUDIENCES = ['committee', 'funder', 'public'] as const;
export type Audience = (typeof AUDIENCES)[number];

export class UnknownAudienceError extends Error {
  constructor(readonly audience: string) {
    super(`Unknown audience "${audience}". Use one of: ${AUDIENCES.join(', ')}.`);
    this.name = 'UnknownAudienceError';
  }
}

export function isAudience(value: string | null | undefined): value is Audience {
  return (AUDIENCES as readonly (string | null | undefined)[]).includes(value);
}

/** The audience named, or UnknownAudienceError listing the audiences there are. */
export function checkAudience(audience: string): Audience {
  if (!isAudience(audience)) throw new UnknownAudienceError(audience);
  return audience;
}

/**
 * The profile an audience's figures leave under: the committee sees exact figures, everyone else controlled ones,
 * under `controlling` (a report's own `profile:`) or the product default.
 */
export function profileForAudience(audience: Audience): ProfileName;
/**
 * A report's `profile:` is checked when the profile is fetched (getProfile), and only for the audiences it applies to.
 */
export function profileForAudience(audience: Audience, controlling: string | null): string;
export function profileForAudience(audience: Audience, controlling: string | null = DEFAULT_PROFILE): string {
  return audience === 'committee' ? 'none' : (controlling ?? DEFAULT_PROFILE);
}

/** How a report names its audience at the top. */
export function audienceLabel(audience: Audience): string {
  return { committee: 'Steering committee (exact figures)', funder: 'Funder', public: 'Public' }[audience];
}
