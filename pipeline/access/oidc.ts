/**
 * Single sign-on through the organisation's identity provider: OpenID Connect, authorisation code flow with PKCE
 * (S256), state and nonce, through openid-client 6. Configured by environment variables (README.md):
 *
 *   UPTAKE_OIDC_ISSUER         the issuer URL (https; http only on a loopback address, for tests)
 *   UPTAKE_OIDC_CLIENT_ID      this application's client id at the provider
 *   UPTAKE_OIDC_CLIENT_SECRET  its secret (sent with client_secret_post)
 *   UPTAKE_OIDC_ROLE_CLAIM     the claim that carries the person's group or role, e.g. "groups" or "uptake_role"
 *   UPTAKE_OIDC_ROLE_MAP       JSON: claim value → Uptake role, e.g. {"uptake-researchers":"researcher"}
 *   UPTAKE_OIDC_LABEL          optional: the button's words (default "Sign in with your organisation account")
 *
 * A person whose claim maps to no role is refused with a message saying so; when values map to several roles the
 * strongest wins, in the order admin, researcher, committee, funder.
 */
import * as client from 'openid-client';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isRole, type Role } from './roles.ts';

export interface OidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  roleClaim: string;
  roleMap: Record<string, Role>;
  label: string;
}

export class OidcConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OidcConfigError';
  }
}

/** What the person is told when single sign-on does not sign them in. */
export class OidcSignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OidcSignInError';
  }
}

const ROLE_PRECEDENCE: Role[] = ['admin', 'researcher', 'committee', 'funder'];

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** The settings from the environment; null when single sign-on is not configured (no issuer). */
export function oidcSettingsFromEnv(env: Record<string, string | undefined>): OidcSettings | null {
  if (!env.UPTAKE_OIDC_ISSUER) return null;
  const missing = [
    'UPTAKE_OIDC_CLIENT_ID',
    'UPTAKE_OIDC_CLIENT_SECRET',
    'UPTAKE_OIDC_ROLE_CLAIM',
    'UPTAKE_OIDC_ROLE_MAP'
  ].filter((k) => !env[k]);
  if (missing.length)
    throw new OidcConfigError(
      `UPTAKE_OIDC_ISSUER is set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not.`
    );
  let issuer: URL;
  try {
    issuer = new URL(env.UPTAKE_OIDC_ISSUER);
  } catch {
    throw new OidcConfigError(`UPTAKE_OIDC_ISSUER is not a URL: "${env.UPTAKE_OIDC_ISSUER}".`);
  }
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && isLoopback(issuer.hostname))) {
    throw new OidcConfigError(
      'UPTAKE_OIDC_ISSUER must be an https URL (plain http is accepted only on a loopback address, for testing).'
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(env.UPTAKE_OIDC_ROLE_MAP!);
  } catch {
    throw new OidcConfigError('UPTAKE_OIDC_ROLE_MAP is not JSON: write it as {"claim value": "role", ...}.');
  }
  const map = z.record(z.string(), z.string()).safeParse(parsed);
  if (!map.success) throw new OidcConfigError('UPTAKE_OIDC_ROLE_MAP must be a JSON object of claim value → role.');
  const wrong = Object.entries(map.data).filter(([, role]) => !isRole(role));
  if (wrong.length) {
    throw new OidcConfigError(
      `UPTAKE_OIDC_ROLE_MAP names roles that do not exist: ${wrong.map(([, r]) => `"${r}"`).join(', ')} (roles: ${ROLE_PRECEDENCE.join(', ')}).`
    );
  }
  return {
    issuer,
    clientId: env.UPTAKE_OIDC_CLIENT_ID!,
    clientSecret: env.UPTAKE_OIDC_CLIENT_SECRET!,
    roleClaim: env.UPTAKE_OIDC_ROLE_CLAIM!,
    roleMap: map.data as Record<string, Role>,
    label: env.UPTAKE_OIDC_LABEL || 'Sign in with your organisation account'
  };
}

/** The role for a claim's value (a string or a list of strings), or null when none of its values is mapped. */
export function roleFromClaim(value: unknown, roleMap: Record<string, Role>): Role | null {
  const values = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const roles = new Set(
    values
      .filter((v): v is string => typeof v === 'string')
      .map((v) => roleMap[v])
      .filter(Boolean)
  );
  return ROLE_PRECEDENCE.find((r) => roles.has(r)) ?? null;
}

/** What the start of a sign-in must remember until the provider sends the person back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Where to go afterwards (a local path, already checked). */
  next: string;
  createdAt: number;
}

/**
 * Pending sign-ins, in this process's memory, keyed by a random id kept in a short-lived HttpOnly cookie. Nothing
 * about the flow is trusted from the browser but that id. A restart forgets them (the person simply starts again):
 * the dashboard is one process, since DuckDB has one writer.
 */
export class PendingSignIns {
  readonly #entries = new Map<string, PendingSignIn>();
  constructor(
    readonly ttlMs = 10 * 60 * 1000,
    readonly capacity = 10_000
  ) {}

  add(pending: PendingSignIn): string {
    this.#prune(pending.createdAt);
    if (this.#entries.size >= this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    this.#entries.set(id, pending);
    return id;
  }

  /** The pending sign-in for `id`, once: it is forgotten as it is read. */
  take(id: string, now: number = Date.now()): PendingSignIn | null {
    const pending = this.#entries.get(id);
    this.#entries.delete(id);
    return pending && now - pending.createdAt <= this.ttlMs ? pending : null;
  }

  #prune(now: number) {
    for (const [id, p] of this.#entries) if (now - p.createdAt > this.ttlMs) this.#entries.delete(id);
  }
}

export interface SsoIdentity {
  issuer: string;
  subject: string;
  username: string;
  displayName: string | null;
  role: Role;
}

/** The first of the provider's names that can be an Uptake username, else one made from the subject. */
export function usernameFor(candidates: (string | null | undefined)[], subject: string): string {
  for (const candidate of candidates) {
    const name = candidate?.trim().toLowerCase();
    if (name && /^[a-z0-9][a-z0-9._@-]{0,99}$/.test(name)) return name;
  }
  return `sso-${createHash('sha256').update(subject).digest('hex').slice(0, 16)}`;
}

export class SingleSignOn {
  #configuration: Promise<client.Configuration> | undefined;

  constructor(readonly settings: OidcSettings) {}

  /** Discovery once per process; retried after a failure (the provider may have been down). */
  configuration(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    this.#configuration ??= client
      .discovery(
        issuer,
        clientId,
        clientSecret,
        undefined,
        issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined
      )
      .catch((error) => {
        this.#configuration = undefined;
        throw new OidcSignInError(
          `The organisation's sign-in service at ${issuer.origin} could not be reached (${(error as Error).message}). Try again, or sign in with a password.`
        );
      });
    return this.#configuration;
  }

  /** The provider's authorisation URL to send the person to, and what to remember until they come back. */
  async start(
    redirectUri: string,
    next: string,
    now: number = Date.now()
  ): Promise<{ url: URL; pending: PendingSignIn }> {
    const config = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const pending: PendingSignIn = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier,
      next,
      createdAt: now
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce
    });
    return { url, pending };
  }

  /** Exchanges the code (checking state, nonce and PKCE) and says who this is and which role their claim gives. */
  async finish(callbackUrl: URL, pending: PendingSignIn): Promise<SsoIdentity> {
    const config = await this.configuration();
    const providerError = callbackUrl.searchParams.get('error');
    if (providerError) {
      const description = callbackUrl.searchParams.get('error_description');
      throw new OidcSignInError(
        `The organisation's sign-in service did not sign you in (${providerError}${description ? `: ${description.slice(0, 200)}` : ''}).`
      );
    }
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true
      });
    } catch (error) {
      throw new OidcSignInError(
        `The answer from the organisation's sign-in service could not be checked (${(error as Error).message}). Start again.`
      );
    }
    const claims = tokens.claims();
    if (!claims) throw new OidcSignInError("The organisation's sign-in service returned no ID token.");
    let roleValue: unknown = claims[this.settings.roleClaim];
    let profile: Record<string, unknown> = claims;
    if (roleValue === undefined) {
      // Many providers put groups in the UserInfo response rather than the ID token.
      try {
        profile = { ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
      } catch (error) {
        throw new OidcSignInError(
          `Your groups could not be read from the organisation's sign-in service (${(error as Error).message}). Start again.`
        );
      }
      roleValue = profile[this.settings.roleClaim];
    }
    const role = roleFromClaim(roleValue, this.settings.roleMap);
    if (!role) {
      throw new OidcSignInError(
        `Your organisation account has no Uptake role: its "${this.settings.roleClaim}" claim has no value that Uptake maps to a role. Ask your Uptake admin to give you access.`
      );
    }
    const text = (key: string) =>
      typeof profile[key] === 'string' && (profile[key] as string).trim() ? (profile[key] as string).trim() : null;
    return {
      issuer: String(claims.iss),
      subject: claims.sub,
      username: usernameFor([text('preferred_username'), text('email'), claims.sub], claims.sub),
      displayName: text('name'),
      role
    };
  }
}
