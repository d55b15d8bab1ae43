/**
 * Hostile-but-valid REFI-QDA files for the import-limit tests and the load benchmark: a .qdpx whose project.qde is a
 * flat codebook of `codes` <Code> elements, written as a ZIP by hand, deflating the XML a chunk at a time so that a
 * 500 MB project never sits in memory, at the compression ratio of the file that jammed the server (about 165, inside
 * the ZIP guard's limit of 200).
 */
import { crc32, deflateRawSync, constants } from 'node:zlib';

const HEADER =
  '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="Codes">\n<CodeBook><Codes>\n';
const FOOTER = '</Codes></CodeBook>\n</Project>\n';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * One code line. The GUID changes every 16th line (the rest repeat it, as a careless or hostile generator might): that
 * puts the deflate ratio at about 165, the attack's 166, where a GUID per line would give 27.
 */
export const codeLine = (i: number) =>
  `<Code guid="c0dec0de-0000-4000-8000-${hex(i >>> 4, 12)}" name="Code" isCodable="true"/>\n`;

/** Streams the lines as chunks of about 1 MB, so a 500 MB project is produced and deflated piece by piece. */
function* projectChunks(codes: number): Generator<string> {
  yield HEADER;
  let chunk = '';
  for (let i = 0; i < codes; i++) {
    chunk += codeLine(i);
    if (chunk.length > 1024 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk + FOOTER;
}

/** A .qdpx holding only project.qde with `codes` codes; the uncompressed size of project.qde is returned too. */
export function codeBombQdpx(codes: number): { bytes: Uint8Array; xmlBytes: number; ratio: number } {
  const entry = deflatedEntryStreaming('project.qde', projectChunks(codes));
  const name = Buffer.from(entry.name, 'utf8');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(entry.crc >>> 0, 14);
  local.writeUInt32LE(entry.data.length, 18);
  local.writeUInt32LE(entry.size, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(entry.crc >>> 0, 16);
  central.writeUInt32LE(entry.data.length, 20);
  central.writeUInt32LE(entry.size, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(0, 42);
  const directoryOffset = local.length + name.length + entry.data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(directoryOffset, 16);
  const bytes = new Uint8Array(Buffer.concat([local, name, entry.data, central, name, end]));
  return { bytes, xmlBytes: entry.size, ratio: entry.size / entry.data.length };
}

/** A deflated ZIP entry (one raw deflate stream, flushed between batches), never holding more than one ~4 MB batch of the input at a time. */
function deflatedEntryStreaming(name: string, chunks: Iterable<string>) {
  const parts: Buffer[] = [];
  let crc = 0;
  let size = 0;
  let batch: Buffer[] = [];
  let batchSize = 0;
  const flush = (last: boolean) => {
    const b = Buffer.concat(batch);
    crc = crc32(b, crc);
    size += b.length;
    parts.push(deflateRawSync(b, { level: 6, finishFlush: last ? constants.Z_FINISH : constants.Z_FULL_FLUSH }));
    batch = [];
    batchSize = 0;
  };
  for (const chunk of chunks) {
    const b = Buffer.from(chunk, 'utf8');
    batch.push(b);
    batchSize += b.length;
    if (batchSize > 4 * 1024 * 1024) flush(false);
  }
  flush(true);
  return { name, crc, size, data: Buffer.concat(parts) };
}
