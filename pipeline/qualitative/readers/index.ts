/**
 * Reading a transcript file into plain text, chosen by its extension: .txt, .docx (mammoth's raw text), .vtt, .srt.
 * A new format is one new reader here. Every reader's output has LF line endings and no BOM, which is safe because no
 * offsets exist yet: once the text is stored it is never changed again.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import mammoth from 'mammoth';
import { stripBom } from '../offsets.ts';
import { readSubtitles } from './subtitles.ts';
import type { TranscriptFormat, TranscriptText } from './types.ts';

export type { TranscriptFormat, TranscriptText, LineTiming } from './types.ts';

/**
 * A transcript is a few hundred kilobytes; anything far bigger is not a transcript (and a .docx is a zip to expand).
 */
export const MAX_TRANSCRIPT_BYTES = 50 * 1024 * 1024;

export const TRANSCRIPT_EXTENSIONS: Record<string, TranscriptFormat> = {
  '.txt': 'txt',
  '.docx': 'docx',
  '.vtt': 'vtt',
  '.srt': 'srt'
};

export class TranscriptReadError extends Error {}

/**
 * Decodes UTF-8 (BOM or not); bytes that are not UTF-8 are read as Windows-1252, which is what Word's "Plain text"
 * saves.
 */
export function decodeText(bytes: Uint8Array): { text: string; notes: string[] } {
  const notes: string[] = [];
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
    notes.push('The file is not UTF-8; it was read as Windows-1252.');
  }
  const bom = stripBom(text);
  if (bom.hadBom) notes.push('A byte-order mark at the start was removed.');
  return { text: bom.text, notes };
}

export function normaliseLineEndings(text: string, notes: string[]): string {
  if (!/\r/.test(text)) return text;
  notes.push('Windows (CRLF) or old Mac (CR) line endings were changed to LF.');
  return text.replace(/\r\n?/g, '\n');
}

/** Word paragraphs come out of mammoth separated by a blank line; one paragraph is one line of the transcript. */
async function readDocx(bytes: Buffer): Promise<TranscriptText> {
  const result = await mammoth.extractRawText({ buffer: bytes });
  const notes = result.messages.map((m) => `Word: ${m.message}`);
  const text = normaliseLineEndings(stripBom(result.value).text, [])
    .split(/\n{2,}/)
    .map((paragraph) => paragraph.replace(/\n/g, ' ').trimEnd())
    .join('\n')
    .replace(/\n+$/, '');
  return { format: 'docx', text, notes };
}

export function transcriptFormatOf(path: string): TranscriptFormat {
  const format = TRANSCRIPT_EXTENSIONS[extname(path).toLowerCase()];
  if (!format) {
    throw new TranscriptReadError(`${basename(path)}: not a transcript format Uptake reads (.txt, .docx, .vtt, .srt)`);
  }
  return format;
}

export async function readTranscriptBytes(bytes: Buffer, format: TranscriptFormat): Promise<TranscriptText> {
  if (format === 'docx') return readDocx(bytes);
  const decoded = decodeText(bytes);
  const notes = [...decoded.notes];
  if (format === 'vtt' || format === 'srt') {
    const result = readSubtitles(decoded.text, format);
    return { ...result, notes: [...notes, ...result.notes] };
  }
  const text = normaliseLineEndings(decoded.text, notes).replace(/\n+$/, '');
  return { format, text, notes };
}

export interface TranscriptFile extends TranscriptText {
  fileName: string;
  sha256: string;
}

export async function readTranscriptFile(path: string): Promise<TranscriptFile> {
  const format = transcriptFormatOf(path);
  const size = statSync(path).size;
  if (size > MAX_TRANSCRIPT_BYTES) {
    throw new TranscriptReadError(
      `${basename(path)}: ${size} bytes is larger than a transcript can be (${MAX_TRANSCRIPT_BYTES} bytes)`
    );
  }
  const bytes = readFileSync(path);
  let result: TranscriptText;
  try {
    result = await readTranscriptBytes(bytes, format);
  } catch (error) {
    throw new TranscriptReadError(`${basename(path)}: could not be read as .${format} (${(error as Error).message})`);
  }
  return { ...result, fileName: basename(path), sha256: createHash('sha256').update(bytes).digest('hex') };
}
