/**
 * Writes ZIP archives byte by byte for the zip-guard tests, including the malformed and hostile ones no library
 * would write: names with `..`, lying sizes, symbolic links, the encrypted flag, entries sharing compressed data.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface EntrySpec {
  name: string;
  data: Buffer | string;
  /** 0 stored, 8 deflate (default). */
  method?: 0 | 8;
  /** Override the uncompressed size written in both headers (a lie). */
  declaredSize?: number;
  /** Name written in the local header, when it should differ from the central directory's. */
  localName?: string;
  /** General-purpose flags (bit 0: encrypted). */
  flags?: number;
  /** Unix mode for the external attributes (e.g. 0o120777 for a symbolic link). */
  unixMode?: number;
  /** Point this entry's central record at another entry's local header (index), sharing its data. */
  shareWith?: number;
}

export function writeZip(specs: EntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  const offsets: number[] = [];
  const records: { compressed: Buffer; crc: number; size: number; method: number }[] = [];
  let offset = 0;
  for (const spec of specs) {
    const raw = Buffer.isBuffer(spec.data) ? spec.data : Buffer.from(spec.data);
    const method = spec.method ?? 8;
    const compressed = method === 8 ? deflateRawSync(raw) : raw;
    const size = spec.declaredSize ?? raw.length;
    const crc = crc32(raw);
    records.push({ compressed, crc, size, method });
    if (spec.shareWith !== undefined) {
      offsets.push(offsets[spec.shareWith]);
      continue;
    }
    const localName = Buffer.from(spec.localName ?? spec.name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(spec.flags ?? 0, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(compressed.length, 18);
    header.writeUInt32LE(size, 22);
    header.writeUInt16LE(localName.length, 26);
    offsets.push(offset);
    locals.push(header, localName, compressed);
    offset += 30 + localName.length + compressed.length;
  }
  specs.forEach((spec, i) => {
    const source = spec.shareWith !== undefined ? records[spec.shareWith] : records[i];
    const name = Buffer.from(spec.name);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(spec.unixMode !== undefined ? (3 << 8) | 20 : 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(spec.flags ?? 0, 8);
    central.writeUInt16LE(source.method, 10);
    central.writeUInt32LE(source.crc, 16);
    central.writeUInt32LE(source.compressed.length, 20);
    central.writeUInt32LE(spec.declaredSize ?? source.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(spec.unixMode !== undefined ? (spec.unixMode << 16) >>> 0 : 0, 38);
    central.writeUInt32LE(offsets[i], 42);
    centrals.push(central, name);
  });
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(specs.length, 8);
  end.writeUInt16LE(specs.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
