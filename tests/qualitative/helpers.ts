/**
 * A fresh in-memory warehouse per test, and a fixed clock, so ids aside every result is the same on every run.
 */
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import type { Actor } from '../../pipeline/qualitative/store.ts';

export async function emptyWarehouse(): Promise<Warehouse> {
  return openWarehouse(':memory:');
}

/** A clock that starts at `start` and moves on by `stepMs` at each reading. */
export function steppingClock(start = '2017-01-10T09:00:00Z', stepMs = 1000): () => Date {
  let at = new Date(start).getTime() - stepMs;
  return () => new Date((at += stepMs));
}

export function actor(user: string, now = steppingClock()): Actor {
  return { user, now };
}
