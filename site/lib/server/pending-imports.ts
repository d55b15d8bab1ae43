/**
 * Transcript uploads waiting for the researcher to confirm their anonymisation (the import form's second step).
 *
 * They are held in this process's memory only, never in the warehouse and never on disk: the uploaded text still has
 * the real names in it until the researcher confirms. Each is dropped when it is confirmed, after PENDING_TTL_MS, or
 * when too many are waiting; a restart forgets them all, and the researcher uploads again.
 */
import { randomUUID } from 'node:crypto';
import type { PseudonymBook, NameEntry } from '$pipeline/qualitative/anonymise.ts';

export const PENDING_TTL_MS = 60 * 60 * 1000;
const MAX_PENDING = 20;

export interface PendingFile {
  fileName: string;
  bytes: Uint8Array;
}

export interface PendingImport {
  files: PendingFile[];
  names: NameEntry[];
  book: PseudonymBook;
  createdAt: number;
}

const pending = new Map<string, PendingImport>();

function sweep(now: number): void {
  for (const [token, entry] of pending) if (now - entry.createdAt > PENDING_TTL_MS) pending.delete(token);
  while (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value!);
}

export function holdImport(entry: Omit<PendingImport, 'createdAt'>, now = Date.now()): string {
  sweep(now);
  const token = randomUUID();
  pending.set(token, { ...entry, createdAt: now });
  return token;
}

export function pendingImport(token: string, now = Date.now()): PendingImport | undefined {
  sweep(now);
  return pending.get(token);
}

export function dropImport(token: string): void {
  pending.delete(token);
}
