/**
 * Atomic writes: output goes to a temporary name beside its destination and is renamed into place, so a reader never
 * sees a half-written file and a failure leaves nothing behind (rename is atomic within one file system).
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

function temporarySibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
}

/** `mode` is the new file's permissions (0o600 for a file only its owner may read), set when it is created. */
export function writeFileAtomic(path: string, data: Uint8Array | string, options: { mode?: number } = {}): void {
  const temporary = temporarySibling(path);
  try {
    writeFileSync(temporary, data, options);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
