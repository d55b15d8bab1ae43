/**
 * Loading an uploaded export: the upload is saved in a temporary folder and handed to loadPaths, the same code path
 * and checks as `uptake load`. A file with problems loads nothing; the temporary copy is removed either way (the
 * loader keeps its own byte-for-byte copy in data/raw/ when it loads). The temporary folder is beside the database
 * (pipeline/load/raw-store.ts, uploadsInProgressDir), not in the system's temp folder, so that what a killed server
 * leaves there is this warehouse's own, and the next start removes it (cleanAfterCrash).
 *
 * Uploads are loaded one at a time, in the server's one write queue (write-queue.ts, shared with the Interviews
 * edits): DuckDB has one writer, and two batches (or a batch and an edit) must not interleave.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { uploadsInProgressDir } from '$pipeline/load/raw-store.ts';
import { loadPaths, type LoadReport } from '$pipeline/load/load.ts';
import { parseProfile } from '$pipeline/load/profile.ts';
import uptakeTemplates from '$pipeline/load/profiles/uptake-templates.json';
import { warehouse, warehouseChanged } from './warehouse.ts';
import { queueWrite } from './write-queue.ts';
import {
  checkUpload,
  displayName,
  refusedUpload,
  uploadFileName,
  UploadRefusedError
} from '$pipeline/access/upload-guard.ts';

// The built-in profile, bundled with the server. pipeline/load/profile.ts finds built-in profiles next to its own
// file (import.meta.url), which inside build/ is a bundle chunk with no profiles/ folder beside it; passing the parsed
// profile gives loadPaths the very same profile the command line uses by default.
const TEMPLATES = parseProfile(uptakeTemplates, 'uptake-templates');

/** A file name safe to write: the last path segment, with only letters, digits, dot, dash, underscore and space. */
export function safeFileName(name: string): string {
  const cleaned = basename(name.replaceAll('\\', '/'))
    .replace(/[^\w.\- ]/g, '_')
    .slice(-120);
  return cleaned.replace(/^\.+/, '') || 'upload';
}

/**
 * UPTAKE_FAULT=disk-full-upload makes the disk "fill up" half-way through writing an upload, as a full disk does
 * (Node's ENOSPC), so that the tests can check what a person sees then. It has no other use.
 */
function writeUpload(path: string, bytes: Uint8Array): void {
  if (process.env.UPTAKE_FAULT !== 'disk-full-upload') return writeFileSync(path, bytes);
  writeFileSync(path, bytes.subarray(0, bytes.length >> 1));
  throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC' });
}

export function loadUploadedFile(name: string, bytes: Uint8Array): Promise<LoadReport> {
  return queueWrite(async () => {
    // Size, type by name and content, and (XLSX) the zip guard, before anything is written (pipeline/access).
    let checked;
    try {
      checked = await checkUpload(name, bytes);
    } catch (error) {
      if (error instanceof UploadRefusedError) return refusedUpload(displayName(name), error);
      throw error;
    }
    const owner = await warehouse();
    const inProgress = uploadsInProgressDir(owner.path);
    mkdirSync(inProgress, { recursive: true });
    const folder = mkdtempSync(join(inProgress, 'upload-'));
    try {
      // The name the browser sent is never a path: the bytes get a random name, the sent name travels as text.
      const path = join(folder, uploadFileName(checked.extension));
      writeUpload(path, bytes);
      const report = await loadPaths(owner, [path], {
        profileObject: TEMPLATES,
        names: [checked.displayName]
      });
      if (report.outcome === 'loaded') warehouseChanged();
      return report;
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
}
