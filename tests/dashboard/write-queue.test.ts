/** The server's one write queue: writes run one at a time in arrival order, and a failed write does not stop the rest. */
import { describe, expect, it } from 'vitest';
import { queueWrite } from '../../site/lib/server/write-queue.ts';

describe('queueWrite', () => {
  it('never runs two writes at once, keeps arrival order, and carries on after a failure', async () => {
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const write = (name: string, ms: number, fail = false) =>
      queueWrite(async () => {
        running++;
        most = Math.max(most, running);
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`end ${name}`);
        running--;
        if (fail) throw new Error(`${name} failed`);
        return name;
      });
    // An upload that takes longest, an edit that fails, then another edit: still in order, one at a time.
    const results = await Promise.allSettled([write('upload', 30), write('edit 1', 1, true), write('edit 2', 1)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'upload',
      'edit 1 failed',
      'edit 2'
    ]);
    expect(log).toEqual(['start upload', 'end upload', 'start edit 1', 'end edit 1', 'start edit 2', 'end edit 2']);
    expect(most).toBe(1);
  });
});
