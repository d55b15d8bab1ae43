/**
 * `uptake rebuild`: recreate the derived warehouse from data/raw/ alone (pipeline/load/rebuild.ts does the work).
 * User-authored tables are carried across; the old file is replaced only when the new one is complete.
 */
import type { CliEffects } from './effects.ts';
import { EXIT, type ExitCode } from './errors.ts';
import { rebuildWarehouse } from '../load/rebuild.ts';
import { defaultRawDir } from '../load/raw-store.ts';

export async function rebuildCommand(dbPath: string, effects: CliEffects): Promise<ExitCode> {
  const rawDir = defaultRawDir(dbPath);
  const { files, batches } = await rebuildWarehouse(dbPath, { rawDir });
  effects.stdout.write(
    batches === 0
      ? `Rebuilt ${dbPath} from ${rawDir}: no loads recorded there, so the warehouse is empty.\n`
      : `Rebuilt ${dbPath} from ${rawDir}: ${files} ${files === 1 ? 'file' : 'files'} in ${batches} ${batches === 1 ? 'batch' : 'batches'} replayed.\n`
  );
  return EXIT.ok;
}
