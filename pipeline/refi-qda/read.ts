/**
 * Reading a .qdpx or .qdc into a plain description of what it holds (model.ts), tolerating what real tools write
 * (docs/domain/refi-qda.md §3.2–3.6) and recording every deviation from the standard and everything that cannot be
 * carried. Nothing here touches the warehouse: import.ts does that from the result.
 *
 * Tolerated, each reported:
 *  - the container: any single *.qde at the root whatever its name and case (Project.qde, Trial.qde); a sources
 *    folder in any case (Sources/); dotfiles (sources/.root) ignored; more than one .qde is refused;
 *  - XML: a BOM before <?xml; a namespace other than urn:QDA-XML:project:1.0 / codebook:1.0, or none;
 *  - ids: {brace} GUIDs, uppercase GUIDs, and ids that are not GUIDs at all (mapped to stable derived GUIDs);
 *  - source text: a BOM (stripped before counting), text that is not UTF-8 (read as Windows-1252), CRLF line ends
 *    (positions counted with CRLF as two characters, as the spec's code-point rule says, except for ATLAS.ti, which
 *    counts each line break as one; the text is stored with LF and positions mapped to it);
 *  - selections: end past the end of the text (clamped), start past the end or empty (not carried), start > end
 *    (swapped);
 *  - paths: a plainTextPath with no scheme ("board_2017.txt", as qc writes) or relative:/// is looked for in the
 *    archive's sources folder (any case); NVivo for Mac's empty .txt beside a .docx richTextPath: the text is read
 *    from the .docx;
 *  - a bare .qde (outside its archive): read alone; every source's text is then absent. A source whose text is absent
 *    is kept with its selections as read (nothing to check them against), so a later import of the text restores them.
 */
import { basename } from 'node:path';
import { readTranscriptBytes } from '../qualitative/readers/index.ts';
import { MAX_ENTRIES, MAX_TOTAL_BYTES, readZipSafely } from './zip.ts';
import { childNamed, childrenNamed, parseXml, TooLargeXmlError, type XmlElement } from './xml.ts';
import { megabytes, overLimit, withLimits, type ImportLimits } from './limits.ts';
import { normaliseGuid } from './guid.ts';
import { CODEBOOK_NAMESPACE, PROJECT_NAMESPACE } from './mapping.ts';
import { codePointLength } from '../qualitative/offsets.ts';
import type { ImportReport, RefiCase, RefiCode, RefiNote, RefiProject, RefiSelection, RefiSource } from './model.ts';

export type CrlfCounting = 'auto' | 'two' | 'one';

export interface ReadOptions {
  /** How positions count a CRLF line break: 'auto' = one for ATLAS.ti (by origin), two otherwise. */
  crlfCounting?: CrlfCounting;
  /**
   * For a bare .qde: the files beside it, named as in an archive (`sources/<file name>`). The command line passes the
   * sources folder beside the .qde; an upload has none, so every source's text is then absent.
   */
  besideFiles?: Map<string, Uint8Array>;
  /** Lower limits than IMPORT_LIMITS (limits.ts), e.g. for tests; the time limit is kept by read-worker.ts. */
  limits?: Partial<ImportLimits>;
}

export function emptyReport(): ImportReport {
  return { deviations: [], notCarried: [], counts: {} };
}

class Reader {
  readonly report = emptyReport();
  readonly limits: ImportLimits;
  /** Bytes of transcript and memo text decoded so far, against limits.maxSourceTextBytes. */
  private textBytes = 0;
  constructor(readonly options: ReadOptions) {
    this.limits = withLimits(options.limits);
  }

  countText(bytes: number) {
    this.textBytes += bytes;
    if (this.textBytes > this.limits.maxSourceTextBytes)
      throw overLimit(
        'maxSourceTextBytes',
        `The transcripts and memos in this file come to more than ${megabytes(this.textBytes)} of text`,
        megabytes(this.limits.maxSourceTextBytes)
      );
  }

  deviate(kind: string, message: string) {
    this.report.deviations.push({ kind, message });
  }
  drop(what: string, name: string | null, reason: string) {
    this.report.notCarried.push({ what, name, reason });
  }
  guid(raw: string | undefined, where: string): string | null {
    if (raw === undefined || raw === '') {
      this.deviate('missing-guid', `${where} has no guid`);
      return null;
    }
    const { guid, deviation } = normaliseGuid(raw);
    if (deviation === 'brace-guid') this.deviate('brace-guid', `${where}: GUID in braces ${raw}`);
    if (deviation === 'non-guid-id')
      this.deviate('non-guid-id', `${where}: "${raw}" is not a GUID; it was given the GUID ${guid}`);
    return guid;
  }
}

function checkNamespace(reader: Reader, root: XmlElement, expected: string) {
  if (root.namespace === expected) return;
  if (root.namespace === '')
    reader.deviate('namespace', `The <${root.name}> root has no namespace (expected ${expected})`);
  else reader.deviate('namespace', `The <${root.name}> root's namespace is ${root.namespace} (expected ${expected})`);
}

function stripXmlBom(reader: Reader, text: string, file: string): string {
  if (text.charCodeAt(0) !== 0xfeff) return text;
  reader.deviate('bom', `${file} starts with a byte-order mark`);
  return text.slice(1);
}

function readCodes(reader: Reader, parent: XmlElement | undefined): RefiCode[] {
  return childrenNamed(parent, 'Code').flatMap((node) => {
    const guid = reader.guid(node.attributes.guid, `Code "${node.attributes.name ?? ''}"`);
    if (!guid) {
      reader.drop('code', node.attributes.name ?? null, 'it has no guid');
      return [];
    }
    return [
      {
        guid,
        name: node.attributes.name ?? '(unnamed code)',
        isCodable: node.attributes.isCodable !== 'false' && node.attributes.isCodable !== '0',
        color: node.attributes.color ?? null,
        description: childNamed(node, 'Description')?.text ?? null,
        noteRefs: childrenNamed(node, 'NoteRef')
          .map((r) => reader.guid(r.attributes.targetGUID, 'A NoteRef'))
          .filter((g): g is string => Boolean(g)),
        children: readCodes(reader, node)
      }
    ];
  });
}

// ——— Source text ———

function decodeSource(reader: Reader, bytes: Uint8Array, name: string): string {
  reader.countText(bytes.length);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    reader.deviate('encoding', `Source "${name}" is not UTF-8; it was read as Windows-1252`);
    text = new TextDecoder('windows-1252').decode(bytes);
  }
  if (text.charCodeAt(0) === 0xfeff) {
    reader.deviate('bom', `Source "${name}" starts with a byte-order mark; it was removed before counting positions`);
    text = text.slice(1);
  }
  return text;
}

/**
 * LF-only text, and a function from a position counted over the original text to one counted over the LF text.
 * countCrlfAs 2: positions count \r\n as two code points (the spec's rule); 1: as one (ATLAS.ti).
 */
export function normaliseSourceText(
  raw: string,
  countCrlfAs: 1 | 2
): { text: string; mapPosition: (p: number) => number } {
  if (!raw.includes('\r')) return { text: raw, mapPosition: (p) => p };
  const text = raw.replace(/\r\n?/g, '\n');
  if (countCrlfAs === 1) {
    // Each line break already counted once: positions match the LF text (a lone CR is one character either way).
    return { text, mapPosition: (p) => p };
  }
  // The code-point positions at which a removed \r sat (the \r of each \r\n), in original counting.
  const removed: number[] = [];
  let cp = 0;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.codePointAt(i)!;
    if (code > 0xffff) i++;
    if (code === 13 && raw[i + 1] === '\n') removed.push(cp);
    cp++;
  }
  return {
    text,
    mapPosition: (p) => {
      let before = 0;
      while (before < removed.length && removed[before] < p) before++;
      return p - before;
    }
  };
}

function readSelections(
  reader: Reader,
  node: XmlElement,
  sourceName: string,
  length: number,
  mapPosition: (p: number) => number
): RefiSelection[] {
  const selections: RefiSelection[] = [];
  for (const s of childrenNamed(node, 'PlainTextSelection')) {
    const guid = reader.guid(s.attributes.guid, `A selection in "${sourceName}"`);
    let start = mapPosition(Number(s.attributes.startPosition));
    let end = mapPosition(Number(s.attributes.endPosition));
    const label = `selection ${s.attributes.startPosition}–${s.attributes.endPosition} in "${sourceName}"`;
    if (!guid || !Number.isInteger(start) || !Number.isInteger(end)) {
      reader.drop('selection', label, 'it has no guid or no whole-number positions');
      continue;
    }
    if (start > end) {
      reader.deviate('selection-reversed', `The ${label} starts after it ends; the positions were swapped`);
      [start, end] = [end, start];
    }
    if (start >= length) {
      reader.drop('selection', label, `it starts past the end of the text (${length} code points)`);
      continue;
    }
    if (end > length) {
      reader.deviate(
        'selection-past-end',
        `The ${label} ends past the end of the text (${length} code points); it was cut at the end`
      );
      end = length;
    }
    if (start === end) {
      reader.drop('selection', label, 'it is empty (zero length)');
      continue;
    }
    const codings = childrenNamed(s, 'Coding').flatMap((c) => {
      const codingGuid = reader.guid(c.attributes.guid, `A coding of the ${label}`);
      const code = reader.guid(
        childNamed(c, 'CodeRef')?.attributes.targetGUID,
        `The CodeRef of a coding of the ${label}`
      );
      if (childrenNamed(c, 'NoteRef').length)
        reader.deviate('note-on-coding', `A note on a coding of the ${label} is carried as a memo on the passage`);
      if (!codingGuid || !code) return [];
      return [
        {
          guid: codingGuid,
          codeGuid: code,
          userGuid: c.attributes.creatingUser ? reader.guid(c.attributes.creatingUser, 'A coding creatingUser') : null,
          created: c.attributes.creationDateTime ?? null,
          noteRefs: childrenNamed(c, 'NoteRef')
            .map((r) => reader.guid(r.attributes.targetGUID, 'A NoteRef')!)
            .filter(Boolean)
        }
      ];
    });
    selections.push({
      guid,
      start,
      end,
      codings,
      userGuid: s.attributes.creatingUser ? reader.guid(s.attributes.creatingUser, 'A selection creatingUser') : null,
      created: s.attributes.creationDateTime ?? null,
      description: childNamed(s, 'Description')?.text ?? null,
      noteRefs: [
        ...childrenNamed(s, 'NoteRef').map((r) => reader.guid(r.attributes.targetGUID, 'A NoteRef')!),
        ...codings.flatMap((c) => c.noteRefs)
      ].filter(Boolean)
    });
  }
  return selections;
}

function variableValues(reader: Reader, node: XmlElement, where: string) {
  return childrenNamed(node, 'VariableValue').flatMap((v) => {
    const variable = reader.guid(childNamed(v, 'VariableRef')?.attributes.targetGUID, `A VariableRef in ${where}`);
    const value = v.children.find((c) => c.name.endsWith('Value'));
    return variable && value ? [{ variableGuid: variable, value: value.text.trim() }] : [];
  });
}

/**
 * A source path's file inside the archive: internal://name, or (tolerated) a bare or relative:/// name, in sources/.
 */
function findSourceFile(
  entries: Map<string, Uint8Array>,
  sourcesFolder: string | null,
  path: string
): Uint8Array | null {
  const fileName = path.replace(/^(internal|relative):\/\/\/?/i, '').toLowerCase();
  const folder = (sourcesFolder ?? 'sources').toLowerCase();
  for (const [name, bytes] of entries) {
    const lower = name.toLowerCase();
    if (
      lower === `${folder}/${fileName}` ||
      (sourcesFolder && lower.startsWith(folder + '/') && basename(lower) === basename(fileName))
    )
      return bytes;
  }
  return null;
}

/** internal:// is the standard's way to name a file in the archive; qc writes the bare file name. */
const pathKind = (path: string): 'internal' | 'relative' | 'bare' | 'absolute' =>
  /^internal:\/\//i.test(path)
    ? 'internal'
    : /^relative:\/\//i.test(path)
      ? 'relative'
      : /^(absolute:\/\/|[a-z]:[\\/]|\/)/i.test(path)
        ? 'absolute'
        : 'bare';

/** A source's text from the archive, trying what real tools write; null (with the reason recorded) when absent. */
async function sourceText(
  reader: Reader,
  node: XmlElement,
  name: string,
  entries: Map<string, Uint8Array>,
  sourcesFolder: string | null
): Promise<{ raw: string | null; missingPath: string | null }> {
  const inline = childNamed(node, 'PlainTextContent');
  const path = node.attributes.plainTextPath;
  const richPath = node.attributes.richTextPath;
  if (inline && path)
    reader.deviate(
      'content-and-path',
      `Source "${name}" has both PlainTextContent and plainTextPath; the file was used`
    );
  let raw: string | null = null;
  if (path) {
    const kind = pathKind(path);
    const bytes = kind === 'absolute' ? null : findSourceFile(entries, sourcesFolder, path);
    if (bytes) {
      raw = decodeSource(reader, bytes, name);
      if (kind !== 'internal')
        reader.deviate(
          'relative-path',
          `Source "${name}": plainTextPath "${path}" is not an internal:// path; it was found in the archive's ${sourcesFolder ?? 'sources'}/ folder`
        );
    }
  }
  if (raw === null && inline) raw = inline.text;
  // NVivo for Mac writes the text into the .docx and a 1-byte .txt beside it: the .docx is the text.
  if ((raw === null || raw.trim() === '') && richPath) {
    const docx = pathKind(richPath) === 'absolute' ? null : findSourceFile(entries, sourcesFolder, richPath);
    if (docx) {
      const read = await readTranscriptBytes(Buffer.from(docx), 'docx');
      reader.deviate(
        'docx-text',
        `Source "${name}": its plain text is ${raw === null ? 'missing' : 'empty'}; the text was read from its Word file ${richPath}`
      );
      raw = read.text;
    }
  }
  if (raw !== null) return { raw, missingPath: null };
  const where = path ?? richPath ?? null;
  if (!where) reader.drop('source text', name, 'it has neither PlainTextContent nor plainTextPath');
  return { raw: null, missingPath: where };
}

async function readSources(
  reader: Reader,
  project: XmlElement,
  entries: Map<string, Uint8Array>,
  sourcesFolder: string | null,
  countCrlfAs: 1 | 2,
  bareQde: boolean
): Promise<RefiSource[]> {
  const sources: RefiSource[] = [];
  for (const node of childNamed(project, 'Sources')?.children ?? []) {
    const name = node.attributes.name ?? '(unnamed source)';
    if (node.name !== 'TextSource') {
      reader.drop('source', name, `${node.name} sources are not carried (Uptake reads text transcripts only)`);
      continue;
    }
    const guid = reader.guid(node.attributes.guid, `Source "${name}"`);
    if (!guid) continue;
    const { raw, missingPath } = await sourceText(reader, node, name, entries, sourcesFolder);
    if (raw?.includes('\r')) {
      reader.deviate(
        'crlf',
        `Source "${name}" has CRLF line breaks; positions were counted with each as ${countCrlfAs === 1 ? 'one character (ATLAS.ti)' : 'two characters (the code-point rule)'} and the text stored with LF`
      );
    }
    const { text, mapPosition } =
      raw === null ? { text: null, mapPosition: (p: number) => p } : normaliseSourceText(raw, countCrlfAs);
    // Without the text nothing can be checked: positions are kept as the file gives them.
    const length = text === null ? Number.POSITIVE_INFINITY : codePointLength(text);
    const selections = readSelections(reader, node, name, length, mapPosition);
    const wholeCodings = childrenNamed(node, 'Coding');
    if (wholeCodings.length)
      reader.deviate(
        'whole-source-coding',
        `${wholeCodings.length} coding(s) of the whole of "${name}" are carried as codings of its full text`
      );
    for (const c of wholeCodings) {
      const codingGuid = reader.guid(c.attributes.guid, `A coding of "${name}"`);
      const code = reader.guid(childNamed(c, 'CodeRef')?.attributes.targetGUID, `A CodeRef in "${name}"`);
      if (codingGuid && code && text !== null && length > 0) {
        selections.push({
          guid: codingGuid,
          start: 0,
          end: length,
          codings: [
            {
              guid: codingGuid,
              codeGuid: code,
              userGuid: c.attributes.creatingUser ? reader.guid(c.attributes.creatingUser, 'A creatingUser') : null,
              created: c.attributes.creationDateTime ?? null,
              noteRefs: []
            }
          ],
          userGuid: null,
          created: null,
          description: null,
          noteRefs: []
        });
      } else if (codingGuid && code && text === null) {
        reader.drop('coding', `the whole of "${name}"`, 'a coding of a whole source needs its text to know its length');
      }
    }
    if (text === null && missingPath !== null) {
      const codings = selections.reduce((n, s) => n + s.codings.length, 0);
      reader.drop(
        'source text',
        name,
        `its text ${missingPath} is ${bareQde ? 'not beside the .qde' : 'not in the archive'}; the transcript is kept without text, with its ${codings} coding${codings === 1 ? '' : 's'}, until the text is imported`
      );
    }
    sources.push({
      guid,
      name,
      text,
      missingPath,
      userGuid: node.attributes.creatingUser
        ? reader.guid(node.attributes.creatingUser, `Source "${name}" creatingUser`)
        : null,
      created: node.attributes.creationDateTime ?? null,
      description: childNamed(node, 'Description')?.text ?? null,
      selections,
      noteRefs: childrenNamed(node, 'NoteRef')
        .map((r) => reader.guid(r.attributes.targetGUID, 'A NoteRef')!)
        .filter(Boolean),
      variableValues: variableValues(reader, node, `source "${name}"`)
    });
  }
  return sources;
}

function readCases(reader: Reader, project: XmlElement): RefiCase[] {
  return childrenNamed(childNamed(project, 'Cases'), 'Case').flatMap((node) => {
    const name = node.attributes.name ?? '(unnamed case)';
    const guid = reader.guid(node.attributes.guid, `Case "${name}"`);
    if (!guid) return [];
    if (childrenNamed(node, 'CodeRef').length)
      reader.drop('case coding', name, 'codes applied to a whole case are not carried');
    const refs = (kind: string) =>
      childrenNamed(node, kind)
        .map((r) => reader.guid(r.attributes.targetGUID, `A ${kind} of case "${name}"`)!)
        .filter(Boolean);
    return [
      {
        guid,
        name,
        description: childNamed(node, 'Description')?.text ?? null,
        variableValues: variableValues(reader, node, `case "${name}"`),
        sourceRefs: refs('SourceRef'),
        selectionRefs: refs('SelectionRef')
      }
    ];
  });
}

function readNotes(
  reader: Reader,
  project: XmlElement,
  entries: Map<string, Uint8Array>,
  sourcesFolder: string | null
): RefiNote[] {
  return childrenNamed(childNamed(project, 'Notes'), 'Note').flatMap((node) => {
    const name = node.attributes.name ?? '(unnamed note)';
    const guid = reader.guid(node.attributes.guid, `Note "${name}"`);
    if (!guid) return [];
    let text = childNamed(node, 'PlainTextContent')?.text ?? null;
    if (text === null && node.attributes.plainTextPath) {
      const bytes = findSourceFile(entries, sourcesFolder, node.attributes.plainTextPath);
      text = bytes ? decodeSource(reader, bytes, name) : null;
    }
    if (text === null) {
      reader.drop('note', name, 'its text could not be found');
      return [];
    }
    if (childrenNamed(node, 'PlainTextSelection').length)
      reader.drop('note selections', name, 'codings inside a note are not carried');
    return [
      {
        guid,
        name,
        text: text.replace(/\r\n?/g, '\n'),
        userGuid: node.attributes.creatingUser
          ? reader.guid(node.attributes.creatingUser, `Note "${name}" creatingUser`)
          : null,
        created: node.attributes.creationDateTime ?? null,
        modified: node.attributes.modifiedDateTime ?? null,
        description: childNamed(node, 'Description')?.text ?? null
      }
    ];
  });
}

/** The .qde (or .qdc) XML and the archive entries, with the container deviations reported. */
async function openContainer(
  reader: Reader,
  bytes: Uint8Array,
  fileName: string
): Promise<{
  xml: string;
  entries: Map<string, Uint8Array>;
  sourcesFolder: string | null;
  kind: 'project' | 'codebook';
  bare?: boolean;
}> {
  if (/\.qdc$/i.test(fileName)) {
    if (bytes.length > reader.limits.maxXmlBytes)
      throw overLimit(
        'maxXmlBytes',
        `The codebook ${basename(fileName)} is ${megabytes(bytes.length)} of XML`,
        megabytes(reader.limits.maxXmlBytes)
      );
    if (!fileName.endsWith('.qdc') && !fileName.endsWith('.QDC'))
      reader.deviate('file-name', `The codebook file's extension is "${fileName.slice(-4)}"`);
    return {
      xml: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes),
      entries: new Map(),
      sourcesFolder: null,
      kind: 'codebook'
    };
  }
  if (/\.qde$/i.test(fileName)) {
    if (bytes.length > reader.limits.maxXmlBytes)
      throw overLimit(
        'maxXmlBytes',
        `The project file ${basename(fileName)} is ${megabytes(bytes.length)} of XML`,
        megabytes(reader.limits.maxXmlBytes)
      );
    reader.deviate(
      'bare-qde',
      `${fileName} is a project file on its own, outside a .qdpx archive; ${reader.options.besideFiles?.size ? `its sources were looked for in the ${reader.options.besideFiles.size} file(s) beside it` : 'no source files came with it'}`
    );
    return {
      xml: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes),
      entries: new Map(reader.options.besideFiles ?? []),
      sourcesFolder: 'sources',
      kind: 'project',
      bare: true
    };
  }
  const entries = await readZipSafely(bytes, {
    maxEntries: MAX_ENTRIES,
    maxTotalBytes: MAX_TOTAL_BYTES,
    maxXmlBytes: reader.limits.maxXmlBytes
  });
  for (const name of entries.keys()) {
    if (name.split('/').some((part) => part.startsWith('.'))) {
      reader.deviate('dotfile', `The archive entry ${name} was ignored`);
      entries.delete(name);
    }
  }
  const qdes = [...entries.keys()].filter((n) => !n.includes('/') && /\.qde$/i.test(n));
  if (qdes.length !== 1)
    throw new Error(
      qdes.length
        ? `The archive has ${qdes.length} .qde files at its root (${qdes.join(', ')}); a project has one`
        : 'The archive has no .qde file at its root: it is not a REFI-QDA project'
    );
  if (qdes[0] !== 'project.qde')
    reader.deviate('file-name', `The project file is named ${qdes[0]} (the standard says project.qde)`);
  const folders = new Set([...entries.keys()].filter((n) => n.includes('/')).map((n) => n.split('/')[0]));
  const sourcesFolder = [...folders].find((f) => f.toLowerCase() === 'sources') ?? null;
  if (sourcesFolder && sourcesFolder !== 'sources')
    reader.deviate('folder-name', `The sources folder is named ${sourcesFolder}/ (the standard says sources/)`);
  for (const name of entries.keys()) {
    if (sourcesFolder && name.startsWith(`${sourcesFolder}/`) && name.split('/').length > 2)
      reader.deviate(
        'nested-source',
        `${name} is in a subfolder of ${sourcesFolder}/ (the standard asks for a flat folder)`
      );
  }
  // ignoreBOM keeps a leading BOM in the text, so that stripXmlBom can report it rather than TextDecoder drop it
  // silently.
  return {
    xml: new TextDecoder('utf-8', { ignoreBOM: true }).decode(entries.get(qdes[0])!),
    entries,
    sourcesFolder,
    kind: 'project'
  };
}

function parseWithinLimits(reader: Reader, xml: string, kind: 'project' | 'codebook'): XmlElement {
  const file = kind === 'project' ? 'The project file' : 'The codebook';
  try {
    return parseXml(xml, reader.limits);
  } catch (error) {
    if (!(error instanceof TooLargeXmlError)) throw error;
    if (error.limit === 'maxElements')
      throw overLimit(
        'maxElements',
        `${file} has more than ${reader.limits.maxElements.toLocaleString('en-GB')} XML elements`,
        reader.limits.maxElements.toLocaleString('en-GB')
      );
    throw overLimit(
      'maxDepth',
      `${file} nests elements more than ${reader.limits.maxDepth} deep`,
      `${reader.limits.maxDepth} levels`
    );
  }
}

export async function readRefi(
  bytes: Uint8Array,
  fileName: string,
  options: ReadOptions = {}
): Promise<{ project: RefiProject; report: ImportReport }> {
  const reader = new Reader(options);
  const { xml, entries, sourcesFolder, kind, bare } = await openContainer(reader, bytes, fileName);
  const root = parseWithinLimits(
    reader,
    stripXmlBom(reader, xml, kind === 'project' ? 'The project file' : 'The codebook file'),
    kind
  );
  const expectedRoot = kind === 'project' ? 'Project' : 'CodeBook';
  if (root.name !== expectedRoot)
    throw new Error(
      `The ${kind === 'project' ? '.qde' : '.qdc'} file's root element is <${root.name}>, not <${expectedRoot}>`
    );
  checkNamespace(reader, root, kind === 'project' ? PROJECT_NAMESPACE : CODEBOOK_NAMESPACE);
  const origin = root.attributes.origin ?? null;
  const crlf = options.crlfCounting ?? 'auto';
  const countCrlfAs: 1 | 2 = crlf === 'one' || (crlf === 'auto' && /atlas/i.test(origin ?? '')) ? 1 : 2;
  const codes = readCodes(reader, childNamed(kind === 'project' ? childNamed(root, 'CodeBook') : root, 'Codes'));
  const members = (set: XmlElement, kind: string) =>
    childrenNamed(set, kind)
      .map((m) => reader.guid(m.attributes.targetGUID ?? m.attributes.guid, `A ${kind}`)!)
      .filter(Boolean);
  const sets = childrenNamed(childNamed(root, 'Sets'), 'Set').flatMap((s) => {
    const guid = reader.guid(s.attributes.guid, `Set "${s.attributes.name ?? ''}"`);
    if (!guid) return [];
    return [
      {
        guid,
        name: s.attributes.name ?? '',
        description: childNamed(s, 'Description')?.text ?? null,
        memberNotes: members(s, 'MemberNote'),
        memberSources: members(s, 'MemberSource'),
        memberCodes: members(s, 'MemberCode')
      }
    ];
  });
  if (kind === 'codebook') {
    return {
      project: {
        kind,
        origin,
        name: null,
        users: new Map(),
        codes,
        variables: new Map(),
        cases: [],
        sources: [],
        notes: [],
        projectNoteRefs: [],
        sets
      },
      report: reader.report
    };
  }
  const users = new Map<string, string>();
  for (const u of childrenNamed(childNamed(root, 'Users'), 'User')) {
    const guid = reader.guid(u.attributes.guid, `User "${u.attributes.name ?? ''}"`);
    if (guid) users.set(guid, u.attributes.name ?? u.attributes.id ?? guid);
  }
  const variables = new Map<string, { name: string; type: string }>();
  for (const v of childrenNamed(childNamed(root, 'Variables'), 'Variable')) {
    const guid = reader.guid(v.attributes.guid, `Variable "${v.attributes.name ?? ''}"`);
    if (guid) variables.set(guid, { name: v.attributes.name ?? guid, type: v.attributes.typeOfVariable ?? 'Text' });
  }
  for (const part of ['Links', 'Graphs'] as const) {
    const count = childNamed(root, part)?.children.length ?? 0;
    if (count)
      reader.drop(
        part.toLowerCase(),
        null,
        `${count} ${part.toLowerCase()} are not carried (Uptake has no ${part === 'Links' ? 'links between items' : 'diagrams'})`
      );
  }
  return {
    project: {
      kind,
      origin,
      name: root.attributes.name ?? null,
      users,
      codes,
      variables,
      cases: readCases(reader, root),
      sources: await readSources(reader, root, entries, sourcesFolder, countCrlfAs, bare ?? false),
      notes: readNotes(reader, root, entries, sourcesFolder),
      projectNoteRefs: childrenNamed(root, 'NoteRef')
        .map((r) => reader.guid(r.attributes.targetGUID, 'A project NoteRef')!)
        .filter(Boolean),
      sets
    },
    report: reader.report
  };
}
