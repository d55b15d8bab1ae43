/**
 * Reading and writing the .qdpx container (a ZIP) with jszip, guarded against hostile archives:
 *  - zip bombs: at most MAX_ENTRIES entries (counted from the end-of-central-directory record before anything is
 *    parsed), at most MAX_TOTAL_BYTES uncompressed in all, checked against the declared sizes first and then while
 *    actually inflating (a lying header cannot get past the byte count);
 *  - path traversal ("zip slip"): an entry whose name has a `..` segment, starts with / or \, or names a drive (C:)
 *    is refused, and the whole archive with it — a REFI project never needs one, so it is not a quirk to tolerate.
 * Nothing is ever written to disk from an archive: entries are returned in memory, by name.
 */
import JSZip from 'jszip';
import { checkZipBytes, DEFAULT_ZIP_LIMITS, ZipRefusedError } from '../files/zip-guard.ts';
import { megabytes, overLimit } from './limits.ts';

export const MAX_ENTRIES = 10_000;
export const MAX_TOTAL_BYTES = 512 * 1024 * 1024;

export class UnsafeArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeArchiveError';
  }
}

/**
 * The entry count from the end-of-central-directory record (signature PK\x05\x06), read before jszip parses anything.
 */
function declaredEntryCount(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The record is 22 bytes plus a comment of up to 65,535 bytes, so it starts within the last 65,557 bytes.
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      const count = view.getUint16(at + 10, true);
      if (count === 0xffff)
        throw new UnsafeArchiveError(
          'The archive is a ZIP64 archive with very many entries; Uptake does not read those'
        );
      return count;
    }
  }
  throw new UnsafeArchiveError('This is not a ZIP archive (no end-of-central-directory record)');
}

/** jszip keeps the sizes from the central directory on a private field. */
const declaredSize = (f: JSZip.JSZipObject): number =>
  (f as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize ?? 0;

export function isUnsafeEntryName(name: string): boolean {
  const segments = name.split(/[\\/]/);
  return /^[\\/]/.test(name) || /^[A-Za-z]:/.test(name) || segments.includes('..');
}

export interface ZipReadLimits {
  maxEntries: number;
  maxTotalBytes: number;
  /**
   * The largest project file (a *.qde entry) read, checked against its declared size before anything is inflated
   * (the shared guard below then refuses a size that lies): the XML is what is parsed into a tree, the costly part.
   */
  maxXmlBytes?: number;
}

/** Every file entry of the archive, by its name as stored (folders omitted). */
export async function readZipSafely(
  bytes: Uint8Array,
  limits: ZipReadLimits = { maxEntries: MAX_ENTRIES, maxTotalBytes: MAX_TOTAL_BYTES }
): Promise<Map<string, Uint8Array>> {
  const count = declaredEntryCount(bytes);
  if (count > limits.maxEntries)
    throw new UnsafeArchiveError(`The archive has ${count} entries; at most ${limits.maxEntries} are read`);
  const zip = await JSZip.loadAsync(bytes);
  const files = Object.values(zip.files).filter((f) => !f.dir);
  for (const f of files) {
    const original = f.unsafeOriginalName ?? f.name;
    if (isUnsafeEntryName(original))
      throw new UnsafeArchiveError(`The archive names a file outside itself ("${original}"); nothing was read`);
    const size = declaredSize(f);
    if (limits.maxXmlBytes !== undefined && /\.qde$/i.test(original) && size > limits.maxXmlBytes)
      throw overLimit(
        'maxXmlBytes',
        `The project file ${original} unpacks to ${megabytes(size)} of XML`,
        megabytes(limits.maxXmlBytes)
      );
  }
  // The shared guard (pipeline/files/zip-guard.ts) adds what jszip cannot see: overlapping entries, symbolic links,
  // encryption, local headers that disagree with the directory, and compression ratios.
  try {
    await checkZipBytes(bytes, 'The archive', {
      ...DEFAULT_ZIP_LIMITS,
      maxEntries: limits.maxEntries,
      maxEntryBytes: limits.maxTotalBytes,
      maxTotalBytes: limits.maxTotalBytes
    });
  } catch (error) {
    if (error instanceof ZipRefusedError) throw new UnsafeArchiveError(`The archive was refused: ${error.detail}`);
    throw error;
  }
  // A first cheap check against the declared sizes.
  const declared = files.reduce((sum, f) => sum + declaredSize(f), 0);
  if (declared > limits.maxTotalBytes)
    throw new UnsafeArchiveError(
      `The archive would expand to ${declared} bytes; at most ${limits.maxTotalBytes} are read`
    );
  const out = new Map<string, Uint8Array>();
  let total = 0;
  for (const f of files) {
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = f.nodeStream('nodebuffer');
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > limits.maxTotalBytes) {
          (stream as unknown as { destroy?: () => void; pause: () => void }).pause();
          reject(new UnsafeArchiveError(`The archive expands past ${limits.maxTotalBytes} bytes; nothing was read`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve());
    });
    out.set(f.unsafeOriginalName ?? f.name, new Uint8Array(Buffer.concat(chunks)));
  }
  return out;
}

/** A deflated archive of the given files, in the order given. */
export async function writeZip(entries: [name: string, content: string | Uint8Array][]): Promise<Buffer> {
  const zip = new JSZip();
  // A fixed date keeps exports of the same project byte-identical.
  for (const [name, content] of entries)
    zip.file(name, content, { date: new Date('2000-01-01T00:00:00Z'), createFolders: false });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}
