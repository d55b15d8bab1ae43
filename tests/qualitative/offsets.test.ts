import { describe, expect, it } from 'vitest';
import {
  codePointLength,
  codePointToUtf16,
  lineAt,
  lineStarts,
  OffsetIndex,
  sliceCodePoints,
  stripBom,
  utf16ToCodePoint
} from '../../pipeline/qualitative/offsets.ts';
import { decodeText, normaliseLineEndings } from '../../pipeline/qualitative/readers/index.ts';

// "I said 😀 then 𝑥." — 😀 (U+1F600) and 𝑥 (U+1D465) are each 2 UTF-16 units but 1 code point.
const TEXT = 'I said 😀 then 𝑥.';

describe('code points and UTF-16 at the browser boundary', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(TEXT.length).toBe(18);
    expect(codePointLength(TEXT)).toBe(16);
  });

  it('converts a browser selection of "then" (UTF-16 10–14) to code points 9–13 and back', () => {
    expect(TEXT.slice(10, 14)).toBe('then');
    expect(utf16ToCodePoint(TEXT, 10)).toBe(9);
    expect(utf16ToCodePoint(TEXT, 14)).toBe(13);
    expect(codePointToUtf16(TEXT, 9)).toBe(10);
    expect(codePointToUtf16(TEXT, 13)).toBe(14);
    expect(sliceCodePoints(TEXT, 9, 13)).toBe('then');
  });

  it('keeps an emoji whole: the emoji is code point 7, UTF-16 7–9; an offset inside the pair rounds down', () => {
    expect(sliceCodePoints(TEXT, 7, 8)).toBe('😀');
    expect(utf16ToCodePoint(TEXT, 8)).toBe(7);
    expect(sliceCodePoints(TEXT, 14, 15)).toBe('𝑥');
  });

  it('OffsetIndex agrees with the one-off converters at every offset', () => {
    const index = new OffsetIndex(TEXT);
    expect(index.length).toBe(16);
    for (let cp = 0; cp <= 16; cp++) expect(index.toUtf16(cp)).toBe(codePointToUtf16(TEXT, cp));
    for (let u = 0; u <= TEXT.length; u++) expect(index.toCodePoint(u)).toBe(utf16ToCodePoint(TEXT, u));
    expect(index.slice(9, 13)).toBe('then');
  });

  it('refuses offsets outside the text', () => {
    expect(() => codePointToUtf16(TEXT, 17)).toThrow(RangeError);
    expect(() => utf16ToCodePoint(TEXT, 19)).toThrow(RangeError);
  });
});

describe('BOM and CRLF on import', () => {
  it('strips a leading BOM before counting, so offsets start at the first real character', () => {
    const bytes = new TextEncoder().encode('\uFEFFINTERVIEWER: 😀 hello');
    const { text, notes } = decodeText(bytes);
    expect(text).toBe('INTERVIEWER: 😀 hello');
    expect(notes).toEqual(['A byte-order mark at the start was removed.']);
    expect(stripBom('abc')).toEqual({ text: 'abc', hadBom: false });
  });

  it('turns CRLF into LF (before any offset exists), so "hello" on line 2 starts at code point 5, not 6', () => {
    const notes: string[] = [];
    const text = normaliseLineEndings('I: 😀\r\nR: hello\r\n', notes);
    expect(text).toBe('I: 😀\nR: hello\n');
    expect(notes).toEqual(['Windows (CRLF) or old Mac (CR) line endings were changed to LF.']);
    expect(lineStarts(text)).toEqual([0, 5, 14]);
    expect(sliceCodePoints(text, 8, 13)).toBe('hello');
    expect(lineAt(lineStarts(text), 8)).toBe(2);
  });

  it('reads non-UTF-8 bytes as Windows-1252 and says so', () => {
    const { text, notes } = decodeText(Uint8Array.from([0x63, 0x61, 0x66, 0xe9])); // "café" in Windows-1252
    expect(text).toBe('café');
    expect(notes).toEqual(['The file is not UTF-8; it was read as Windows-1252.']);
  });
});
