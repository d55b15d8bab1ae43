/**
 * Checks a ZIP archive (an XLSX workbook, a REFI-QDA .qdpx project) BEFORE anything extracts it, so that a zip bomb
 * or a path-traversal entry is refused with a clear message instead of filling the disk or writing outside a folder.
 * Call `checkZipFile(path)` or `checkZipBytes(bytes)`; either throws ZipRefusedError or returns what is inside.
 *
 * What is checked, and why:
 *  - the central directory parses (end record, ZIP64 records), and every entry's local header agrees with it on the
 *    name: an extractor reading local headers must not see a different file than this check did;
 *  - entry names: no absolute path, drive letter, `..` segment, backslash trick or control character (path traversal,
 *    "Zip Slip"), and no symbolic links;
 *  - no encryption and only stored/deflate compression (what XLSX and QDPX use): anything else cannot be inspected;
 *  - no two entries share or overlap compressed bytes (the "non-recursive" overlapping-file zip bomb, Fifield 2019);
 *  - limits on entry count, total and per-entry uncompressed size, and compression ratio (for entries over 1 MiB);
 *  - the declared sizes are not trusted: every deflated entry is inflated in memory-bounded chunks and counted, and
 *    inflation stops as soon as an entry passes its declared size or a limit. Nothing is written anywhere.
 */
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';

export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  /** Largest uncompressed / compressed ratio allowed for an entry bigger than RATIO_APPLIES_FROM. */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 10_000,
  maxEntryBytes: 1024 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  // Spreadsheet XML compresses 10–30× in practice; zip bombs reach 1,000× and more.
  maxRatio: 200
};

/** Small entries may compress very well (a sheet of blanks); the ratio only matters once an entry is large. */
export const RATIO_APPLIES_FROM = 1024 * 1024;

export type ZipRefusal =
  | 'not-a-zip'
  | 'too-many-entries'
  | 'entry-too-large'
  | 'total-too-large'
  | 'ratio'
  | 'path-traversal'
  | 'symlink'
  | 'encrypted'
  | 'unsupported-compression'
  | 'overlapping-entries'
  | 'size-mismatch'
  | 'header-mismatch'
  | 'corrupt';

export class ZipRefusedError extends Error {
  constructor(
    readonly reason: ZipRefusal,
    readonly label: string,
    /** What was wrong, without the file's name (for messages that name the file already). */
    readonly detail: string
  ) {
    super(`${label} was refused: ${detail}`);
    this.name = 'ZipRefusedError';
  }
}

export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  method: number;
  localHeaderOffset: number;
}

/** Random access to the archive's bytes: a buffer or an open file. */
interface Source {
  size: number;
  read(offset: number, length: number): Promise<Buffer>;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const CHUNK = 1024 * 1024;

/** Why an entry name could write outside the folder it is extracted into, or null when it is safe. */
export function unsafeEntryName(name: string): string | null {
  if (name.length === 0) return 'an entry has an empty name';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return `the entry "${printable(name)}" has a control character in its name`;
  const slashed = name.replaceAll('\\', '/'); // Windows extractors treat a backslash as a folder separator
  if (slashed.startsWith('/')) return `the entry "${printable(name)}" has an absolute path`;
  if (/^[a-zA-Z]:/.test(slashed)) return `the entry "${printable(name)}" names a drive`;
  if (slashed.split('/').some((segment) => segment === '..'))
    return `the entry "${printable(name)}" points outside the archive's folder (path traversal)`;
  return null;
}

function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 120);
}

const megabytes = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

async function readDirectory(source: Source, label: string): Promise<ZipEntry[]> {
  const refuse = (reason: ZipRefusal, detail: string) => new ZipRefusedError(reason, label, detail);
  if (source.size < 22) throw refuse('not-a-zip', 'it is not a ZIP archive (too short).');
  // The end record is in the last 22 + 65,535 (comment) bytes.
  const tailLength = Math.min(source.size, 22 + 65_535);
  const tail = await source.read(source.size - tailLength, tailLength);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw refuse('not-a-zip', 'it is not a ZIP archive (no end-of-archive record).');
  let count = tail.readUInt16LE(at + 10);
  let directorySize = tail.readUInt32LE(at + 12);
  let directoryOffset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locatorAt = at - 20;
    if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== EOCD64_LOCATOR)
      throw refuse('corrupt', 'its ZIP64 end record is missing.');
    const end64Offset = Number(tail.readBigUInt64LE(locatorAt + 8));
    const end64 = await source.read(end64Offset, 56);
    if (end64.length < 56 || end64.readUInt32LE(0) !== EOCD64)
      throw refuse('corrupt', 'its ZIP64 end record is damaged.');
    count = Number(end64.readBigUInt64LE(32));
    directorySize = Number(end64.readBigUInt64LE(40));
    directoryOffset = Number(end64.readBigUInt64LE(48));
  }
  if (directoryOffset + directorySize > source.size)
    throw refuse('corrupt', 'its table of contents points past the end of the file.');
  if (count > DEFAULT_ZIP_LIMITS.maxEntries * 10) throw refuse('too-many-entries', `it declares ${count} entries.`);
  const directory = await source.read(directoryOffset, directorySize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > directory.length || directory.readUInt32LE(p) !== CENTRAL)
      throw refuse('corrupt', 'its table of contents is damaged.');
    const madeBy = directory.readUInt16LE(p + 4) >> 8;
    const flags = directory.readUInt16LE(p + 8);
    const method = directory.readUInt16LE(p + 10);
    let compressedSize = directory.readUInt32LE(p + 20);
    let uncompressedSize = directory.readUInt32LE(p + 24);
    const nameLength = directory.readUInt16LE(p + 28);
    const extraLength = directory.readUInt16LE(p + 30);
    const commentLength = directory.readUInt16LE(p + 32);
    const externalAttributes = directory.readUInt32LE(p + 38);
    let localHeaderOffset = directory.readUInt32LE(p + 42);
    const name = directory.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    // ZIP64: the sizes and offset that overflowed 32 bits follow, in this order, in extra field 0x0001.
    const extra = directory.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
    for (let e = 0; e + 4 <= extra.length;) {
      const id = extra.readUInt16LE(e);
      const size = extra.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const next = () => {
          const v = q + 8 <= e + 4 + size ? Number(extra.readBigUInt64LE(q)) : NaN;
          q += 8;
          return v;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      e += 4 + size;
    }
    if ([compressedSize, uncompressedSize, localHeaderOffset].some((v) => !Number.isFinite(v)))
      throw refuse('corrupt', `the entry "${printable(name)}" has damaged sizes.`);
    if (flags & 0x1) throw refuse('encrypted', `the entry "${printable(name)}" is encrypted, so it cannot be checked.`);
    const unsafe = unsafeEntryName(name);
    if (unsafe) throw refuse('path-traversal', `${unsafe}.`);
    // Unix "made by" with S_IFLNK in the high bits of the external attributes: a symbolic link.
    if (madeBy === 3 && ((externalAttributes >>> 16) & 0o170000) === 0o120000)
      throw refuse('symlink', `the entry "${printable(name)}" is a symbolic link.`);
    if (method !== 0 && method !== 8)
      throw refuse(
        'unsupported-compression',
        `the entry "${printable(name)}" uses compression method ${method}; only stored and deflate are accepted.`
      );
    entries.push({ name, compressedSize, uncompressedSize, method, localHeaderOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

async function checkSource(source: Source, label: string, limits: ZipLimits): Promise<ZipEntry[]> {
  const refuse = (reason: ZipRefusal, detail: string) => new ZipRefusedError(reason, label, detail);
  const entries = await readDirectory(source, label);
  if (entries.length > limits.maxEntries)
    throw refuse('too-many-entries', `it holds ${entries.length} entries; at most ${limits.maxEntries} are accepted.`);

  let declaredTotal = 0;
  for (const entry of entries) {
    if (entry.uncompressedSize > limits.maxEntryBytes) {
      throw refuse(
        'entry-too-large',
        `the entry "${printable(entry.name)}" would unpack to ${megabytes(entry.uncompressedSize)}; at most ${megabytes(limits.maxEntryBytes)} is accepted.`
      );
    }
    if (
      entry.uncompressedSize > RATIO_APPLIES_FROM &&
      entry.uncompressedSize > limits.maxRatio * Math.max(entry.compressedSize, 1)
    ) {
      throw refuse(
        'ratio',
        `the entry "${printable(entry.name)}" would unpack ${Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1))} times larger than it is stored (a zip bomb); at most ${limits.maxRatio} times is accepted.`
      );
    }
    declaredTotal += entry.uncompressedSize;
  }
  if (declaredTotal > limits.maxTotalBytes)
    throw refuse(
      'total-too-large',
      `it would unpack to ${megabytes(declaredTotal)}; at most ${megabytes(limits.maxTotalBytes)} is accepted.`
    );

  // Each entry's local header and data must lie inside the file and apart from every other entry's.
  const spans: { start: number; end: number; name: string }[] = [];
  for (const entry of entries) {
    const header = await source.read(entry.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL)
      throw refuse(
        'corrupt',
        `the entry "${printable(entry.name)}" has no local header where the table of contents says.`
      );
    const nameLength = header.readUInt16LE(26);
    const extraLength = header.readUInt16LE(28);
    const localName = (await source.read(entry.localHeaderOffset + 30, nameLength)).toString('utf8');
    if (localName !== entry.name)
      throw refuse(
        'header-mismatch',
        `the entry "${printable(entry.name)}" is named "${printable(localName)}" in its local header.`
      );
    const dataStart = entry.localHeaderOffset + 30 + nameLength + extraLength;
    const end = dataStart + entry.compressedSize;
    if (end > source.size)
      throw refuse('corrupt', `the entry "${printable(entry.name)}" runs past the end of the file.`);
    spans.push({ start: entry.localHeaderOffset, end, name: entry.name });
    Object.assign(entry, { dataStart });
  }
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].start < spans[i - 1].end) {
      throw refuse(
        'overlapping-entries',
        `the entries "${printable(spans[i - 1].name)}" and "${printable(spans[i].name)}" share compressed data (a zip bomb).`
      );
    }
  }

  // Do not trust the declared sizes: count what each entry really unpacks to, stopping at the first excess.
  let actualTotal = 0;
  for (const entry of entries as (ZipEntry & { dataStart: number })[]) {
    const actual =
      entry.method === 0
        ? entry.compressedSize
        : await inflatedSize(source, entry, Math.min(entry.uncompressedSize, limits.maxEntryBytes), label);
    if (actual !== entry.uncompressedSize) {
      throw refuse(
        'size-mismatch',
        `the entry "${printable(entry.name)}" unpacks to more or less than the ${entry.uncompressedSize} bytes it declares.`
      );
    }
    actualTotal += actual;
    if (actualTotal > limits.maxTotalBytes)
      throw refuse('total-too-large', `it unpacks to more than ${megabytes(limits.maxTotalBytes)}.`);
  }
  return entries.map(({ name, compressedSize, uncompressedSize, method, localHeaderOffset }) => ({
    name,
    compressedSize,
    uncompressedSize,
    method,
    localHeaderOffset
  }));
}

/** Inflates one entry in chunks, counting output; stops (and reports cap + 1) once it passes `cap` bytes. */
function inflatedSize(
  source: Source,
  entry: ZipEntry & { dataStart: number },
  cap: number,
  label: string
): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw();
    let produced = 0;
    let settled = false;
    const finish = (value: number | Error) => {
      if (settled) return;
      settled = true;
      inflate.destroy();
      if (value instanceof Error) reject(value);
      else resolve(value);
    };
    inflate.on('data', (chunk: Buffer) => {
      produced += chunk.length;
      if (produced > cap) finish(cap + 1);
    });
    inflate.on('end', () => finish(produced));
    inflate.on('error', () =>
      finish(new ZipRefusedError('corrupt', label, `the entry "${printable(entry.name)}" is not valid deflate data.`))
    );
    (async () => {
      for (let offset = 0; offset < entry.compressedSize && !settled; offset += CHUNK) {
        const chunk = await source.read(entry.dataStart + offset, Math.min(CHUNK, entry.compressedSize - offset));
        // Respect back-pressure so memory stays at a chunk or two whatever the entry unpacks to.
        if (!inflate.write(chunk) && !settled) {
          await new Promise((r) => {
            inflate.once('drain', r);
            inflate.once('close', r);
          });
        }
      }
      if (!settled) inflate.end();
    })().catch((error) => finish(error as Error));
  });
}

export async function checkZipBytes(
  bytes: Uint8Array,
  label = 'The archive',
  limits: ZipLimits = DEFAULT_ZIP_LIMITS
): Promise<ZipEntry[]> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return checkSource(
    {
      size: buffer.length,
      read: async (offset, length) => buffer.subarray(offset, Math.min(offset + length, buffer.length))
    },
    label,
    limits
  );
}

export async function checkZipFile(
  path: string,
  label = 'The archive',
  limits: ZipLimits = DEFAULT_ZIP_LIMITS
): Promise<ZipEntry[]> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return await checkSource(
      {
        size,
        read: async (offset, length) => {
          const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
          if (buffer.length) await handle.read(buffer, 0, buffer.length, offset);
          return buffer;
        }
      },
      label,
      limits
    );
  } finally {
    await handle.close();
  }
}
