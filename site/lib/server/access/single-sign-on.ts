/**
 * The server's one SingleSignOn (pipeline/access/oidc.ts), made from UPTAKE_OIDC_* on first use, and the pending
 * sign-ins it is waiting on. A mistake in the settings is reported on the sign-in page rather than crashing the server.
 */
import { env } from '$env/dynamic/private';
import { OidcConfigError, oidcSettingsFromEnv, PendingSignIns, SingleSignOn } from '$pipeline/access/oidc.ts';

export const OIDC_COOKIE = 'uptake_oidc';
export const pendingSignIns = new PendingSignIns();

let singleSignOn: SingleSignOn | null | undefined;
let configProblem: string | null = null;

/** The configured single sign-on, or null (not configured, or configured wrongly: see `singleSignOnProblem`). */
export function getSingleSignOn(): SingleSignOn | null {
  if (singleSignOn === undefined) {
    try {
      const settings = oidcSettingsFromEnv(env);
      singleSignOn = settings && new SingleSignOn(settings);
    } catch (error) {
      if (!(error instanceof OidcConfigError)) throw error;
      configProblem = error.message;
      console.error(`uptake: single sign-on is off: ${error.message}`);
      singleSignOn = null;
    }
  }
  return singleSignOn;
}

export function singleSignOnProblem(): string | null {
  getSingleSignOn();
  return configProblem;
}
