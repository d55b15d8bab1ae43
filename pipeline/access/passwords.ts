/**
 * Password hashing with argon2id (@node-rs/argon2), at OWASP's Password Storage Cheat Sheet settings for argon2id
 * (19 MiB of memory, 2 passes, 1 lane): about 40 ms a hash on this 2-core machine, slow enough to make guessing
 * expensive, quick enough for a sign-in. The PHC string stores the settings, so raising them later still verifies
 * old hashes.
 */
import { hash, verify, type Algorithm } from '@node-rs/argon2';

/** Algorithm.Argon2id is an ambient const enum, which isolated modules cannot read: its value, 2, is written here. */
const ARGON2ID = 2 as Algorithm.Argon2id;
export const ARGON2_SETTINGS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** NCSC and NIST SP 800-63B: length matters, composition rules do not. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export class PasswordRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PasswordRuleError';
  }
}

/** Refuses a password that is too short or absurdly long (a megabyte "password" would only cost us time). */
export function checkPasswordRules(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new PasswordRuleError(`A password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new PasswordRuleError(`A password must be at most ${MAX_PASSWORD_LENGTH} characters long.`);
  }
}

export async function hashPassword(password: string): Promise<string> {
  checkPasswordRules(password);
  return hash(password, ARGON2_SETTINGS);
}

/** A hash of nothing anyone knows, verified against when the username does not exist, so both take the same time. */
let decoy: Promise<string> | undefined;

/** True when `password` matches `storedHash`; with no stored hash, spends the same time and says false. */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  if (!storedHash) {
    decoy ??= hash(crypto.randomUUID(), ARGON2_SETTINGS);
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false; // a malformed stored hash never lets anyone in
  }
}
