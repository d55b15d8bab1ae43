/**
 * What an uploaded export must be before the loader sees it: not too large, one of the accepted types by name AND by
 * content, and (for XLSX) an archive that passes pipeline/files/zip-guard.ts. The name the person's browser sent is
 * never used as a path: the bytes are written under a random name (`uploadFileName`), and the name they gave travels
 * beside them only as text (`displayName`, which the loader reads the file's kind from).
 */
import { randomUUID } from 'node:crypto';
import { checkZipBytes, ZipRefusedError } from '../files/zip-guard.ts';
import type { LoadReport } from '../load/load.ts';

export const UPLOAD_TYPES = {
  '.csv': 'CSV',
  '.xlsx': 'Excel workbook (XLSX)',
  '.json': 'JSON'
} as const;
export type UploadExtension = keyof typeof UPLOAD_TYPES;

/** The default largest upload (100 MB holds about two million uptake rows as CSV); UPTAKE_MAX_UPLOAD_MB changes it. */
export const DEFAULT_MAX_UPLOAD_MB = 100;

export function maxUploadBytes(env: Record<string, string | undefined> = process.env): number {
  const mb = Number(env.UPTAKE_MAX_UPLOAD_MB);
  return Math.round((Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_MAX_UPLOAD_MB) * 1024 * 1024);
}

export type UploadRefusal = 'too-large' | 'empty' | 'wrong-type' | 'wrong-content' | 'unsafe-archive';

export class UploadRefusedError extends Error {
  constructor(
    readonly reason: UploadRefusal,
    message: string,
    /** The HTTP status a web page answers with. */
    readonly status: 413 | 415 | 422
  ) {
    super(message);
    this.name = 'UploadRefusedError';
  }
}

/** The name to show and record: the last part of what the browser sent, printable, at most 120 characters. */
export function displayName(sent: string): string {
  const last = sent
    .replaceAll('\\', '/')
    .split('/')
    .pop()!
    // eslint-disable-next-line no-control-regex -- control characters are what is stripped from a shown file name
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return last.slice(-120) || 'upload';
}

/** A fresh name for the bytes on disk: random, with the accepted extension, never anything the browser sent. */
export function uploadFileName(extension: UploadExtension): string {
  return `upload-${randomUUID()}${extension}`;
}

const megabytes = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/**
 * Checks an upload and says what it is. Throws UploadRefusedError with a message for the person: what was wrong
 * and what is accepted.
 */
export async function checkUpload(
  sentName: string,
  bytes: Uint8Array,
  options: { maxBytes?: number } = {}
): Promise<{ displayName: string; extension: UploadExtension }> {
  const name = displayName(sentName);
  const maxBytes = options.maxBytes ?? maxUploadBytes();
  const accepted = Object.entries(UPLOAD_TYPES)
    .map(([ext, label]) => `${label} (${ext})`)
    .join(', ');
  if (bytes.byteLength > maxBytes) {
    throw new UploadRefusedError(
      'too-large',
      `${name} is ${megabytes(bytes.byteLength)}; the largest file accepted is ${megabytes(maxBytes)}.`,
      413
    );
  }
  if (bytes.byteLength === 0) throw new UploadRefusedError('empty', `${name} is empty.`, 422);
  const extension = extensionOf(name);
  if (!(extension in UPLOAD_TYPES)) {
    throw new UploadRefusedError(
      'wrong-type',
      `${name} is not a file Uptake loads: the accepted types are ${accepted}.`,
      415
    );
  }
  const ext = extension as UploadExtension;
  const head = bytes.subarray(0, 64 * 1024);
  const isZip = head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  if (ext === '.xlsx') {
    if (!isZip)
      throw new UploadRefusedError(
        'wrong-content',
        `${name} is named .xlsx but is not an Excel workbook (it is not a ZIP archive).`,
        415
      );
    let entries;
    try {
      entries = await checkZipBytes(bytes, name);
    } catch (error) {
      if (error instanceof ZipRefusedError) throw new UploadRefusedError('unsafe-archive', error.message, 422);
      throw error;
    }
    if (!entries.some((e) => e.name === 'xl/workbook.xml')) {
      throw new UploadRefusedError(
        'wrong-content',
        `${name} is a ZIP archive but not an Excel workbook (it has no xl/workbook.xml).`,
        415
      );
    }
    return { displayName: name, extension: ext };
  }
  // CSV and JSON are text: a NUL byte or a ZIP signature means a binary file with the wrong name.
  if (isZip || head.includes(0)) {
    throw new UploadRefusedError(
      'wrong-content',
      `${name} is named ${ext} but holds binary data, not text. Export it again as ${UPLOAD_TYPES[ext]}.`,
      415
    );
  }
  if (ext === '.json') {
    const text = new TextDecoder()
      .decode(head)
      .replace(/^\ufeff/, '')
      .trimStart();
    if (!text.startsWith('{') && !text.startsWith('[')) {
      throw new UploadRefusedError(
        'wrong-content',
        `${name} is named .json but does not start with { or [, so it is not JSON.`,
        415
      );
    }
  }
  return { displayName: name, extension: ext };
}

/**
 * A refused upload as the loader's own kind of report (rejected, one problem naming the rule), so the upload page
 * shows it the way it shows any other problem with a file, and the audit log records it as a failed load.
 */
export function refusedUpload(name: string, error: UploadRefusedError): LoadReport {
  return {
    batchId: '',
    outcome: 'rejected',
    loaded: [],
    skipped: [],
    problems: [
      {
        file: name,
        row: null,
        column: null,
        value: null,
        rule: `upload-${error.reason}`,
        message: error.message,
        severity: 'error'
      }
    ]
  };
}
