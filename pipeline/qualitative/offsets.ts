/**
 * Offsets in transcripts are Unicode code points (REFI-QDA §10.2; DuckDB's length()/substring() count the same way).
 * JavaScript strings, DOM Ranges and browser selections count UTF-16 code units instead, so every emoji or other
 * character outside the Basic Multilingual Plane (😀 U+1F600, 𝑥 U+1D465) is 2 units but 1 code point, and every
 * later offset differs by one. Convert at the boundary with these functions and store only code points.
 *
 * Nothing here normalises text (NFC/NFD, line endings): once offsets exist, the text is counted exactly as stored.
 */

/** Whether the UTF-16 unit at `index` is the first half of a surrogate pair (so the pair is one code point). */
function isHighSurrogateAt(text: string, index: number): boolean {
  const unit = text.charCodeAt(index);
  if (unit < 0xd800 || unit > 0xdbff || index + 1 >= text.length) return false;
  const next = text.charCodeAt(index + 1);
  return next >= 0xdc00 && next <= 0xdfff;
}

/** The number of code points in `text`. */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (isHighSurrogateAt(text, i)) i++;
    count++;
  }
  return count;
}

/**
 * A UTF-16 offset (a browser selection's) as a code-point offset. An offset that falls between the two halves of a
 * surrogate pair is rounded down to the start of the character, so a selection never splits one.
 */
export function utf16ToCodePoint(text: string, utf16Offset: number): number {
  if (!Number.isInteger(utf16Offset) || utf16Offset < 0 || utf16Offset > text.length) {
    throw new RangeError(`UTF-16 offset ${utf16Offset} is outside the text (0…${text.length})`);
  }
  let points = 0;
  for (let i = 0; i < utf16Offset; i++) {
    if (isHighSurrogateAt(text, i)) {
      if (i + 1 === utf16Offset) return points; // inside the pair: round down
      i++;
    }
    points++;
  }
  return points;
}

/** A code-point offset (as stored) as a UTF-16 offset, for a DOM Range or String.prototype.slice. */
export function codePointToUtf16(text: string, codePointOffset: number): number {
  if (!Number.isInteger(codePointOffset) || codePointOffset < 0) {
    throw new RangeError(`Code-point offset ${codePointOffset} must be a whole number ≥ 0`);
  }
  let points = 0;
  let i = 0;
  while (points < codePointOffset) {
    if (i >= text.length)
      throw new RangeError(`Code-point offset ${codePointOffset} is past the end of the text (${points})`);
    i += isHighSurrogateAt(text, i) ? 2 : 1;
    points++;
  }
  return i;
}

/** The text between two code-point offsets, [start, end). */
export function sliceCodePoints(text: string, start: number, end: number): string {
  const from = codePointToUtf16(text, start);
  return text.slice(from, from + codePointToUtf16(text.slice(from), end - start));
}

/**
 * Converts many offsets over one text in one pass each way (a transcript page converts every coding at once).
 * Index i of `utf16At` is the UTF-16 offset of code point i; the last entry is the text's length.
 */
export class OffsetIndex {
  readonly utf16At: Int32Array;
  constructor(readonly text: string) {
    const offsets: number[] = [];
    for (let i = 0; i < text.length; i++) {
      offsets.push(i);
      if (isHighSurrogateAt(text, i)) i++;
    }
    offsets.push(text.length);
    this.utf16At = Int32Array.from(offsets);
  }
  get length(): number {
    return this.utf16At.length - 1;
  }
  toUtf16(codePoint: number): number {
    if (codePoint < 0 || codePoint > this.length)
      throw new RangeError(`Code-point offset ${codePoint} is outside the text (0…${this.length})`);
    return this.utf16At[codePoint];
  }
  /** Binary search; an offset inside a surrogate pair rounds down, as utf16ToCodePoint does. */
  toCodePoint(utf16: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.utf16At[mid] <= utf16) low = mid;
      else high = mid - 1;
    }
    return low;
  }
  slice(start: number, end: number): string {
    return this.text.slice(this.toUtf16(start), this.toUtf16(end));
  }
}

/** A leading byte-order mark (U+FEFF) is not content: strip it before counting anything. */
export function stripBom(text: string): { text: string; hadBom: boolean } {
  return text.charCodeAt(0) === 0xfeff ? { text: text.slice(1), hadBom: true } : { text, hadBom: false };
}

/**
 * The code-point offset at which each line starts (line 1 is index 0). Lines end at \n; a \r before it stays in the
 * line.
 */
export function lineStarts(text: string): number[] {
  const starts = [0];
  let points = 0;
  for (let i = 0; i < text.length; i++) {
    if (isHighSurrogateAt(text, i)) i++;
    points++;
    if (text.charCodeAt(i) === 10) starts.push(points);
  }
  return starts;
}

/** The 1-based line number holding code point `offset`, given lineStarts(text). */
export function lineAt(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}
