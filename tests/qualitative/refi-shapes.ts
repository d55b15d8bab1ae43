/** The REFI-QDA shape fixtures (tests/fixtures/refi-qda/<shape>/) as the bytes a tool would hand over. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import JSZip from 'jszip';
import { zipOf } from './refi.ts';

export const SHAPES_DIR = resolve(import.meta.dirname, '../fixtures/refi-qda');
export type Shape = 'qc' | 'nvivo-mac' | 'atlas-ti' | 'maxqda' | 'bare-qde';

/** A minimal Word file holding `text`, one paragraph per line (what mammoth reads back). */
export async function docxOf(text: string): Promise<Uint8Array> {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const paragraphs = text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `<w:p><w:r><w:t xml:space="preserve">${escape(line)}</w:t></w:r></w:p>`)
    .join('');
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
  );
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs}</w:body></w:document>`
  );
  return zip.generateAsync({ type: 'uint8array' });
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The shape as a .qdpx (every file of its folder; NVivo's .docx made from text.txt). */
export async function shapeArchive(shape: Exclude<Shape, 'bare-qde'>): Promise<{ name: string; bytes: Uint8Array }> {
  const folder = join(SHAPES_DIR, shape);
  const entries: Record<string, string | Uint8Array> = {};
  for (const path of filesUnder(folder)) {
    const name = relative(folder, path);
    if (shape === 'nvivo-mac' && name === 'text.txt') continue;
    entries[name] = readFileSync(path);
  }
  if (shape === 'nvivo-mac') {
    const text = readFileSync(join(folder, 'text.txt'), 'utf8');
    entries['sources/3f2a1b7c-0d4e-4f5a-9b6c-7d8e9fa0b1c2.docx'] = await docxOf(text);
  }
  return { name: `${shape}.qdpx`, bytes: await zipOf(entries) };
}

export const bareQdePath = () => join(SHAPES_DIR, 'bare-qde', 'project.qde');
