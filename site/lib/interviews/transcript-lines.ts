/**
 * A transcript laid out for the coding view: one entry per line, each cut into segments wherever a coding, a quote or a
 * speaker label starts or ends, so the page can underline coded text and anchor links (#c<start>) without ever
 * rendering transcript text as HTML.
 *
 * Each segment carries its offset twice: `cp` (code points, what the warehouse stores) and `u16` (UTF-16 units, what a
 * browser selection counts). The browser reads a selection's UTF-16 offset from the segment it falls in and converts
 * it back to code points with offsets.ts: the conversion happens at that one boundary.
 * Pure: the same inputs give the same lines, on the server or in a test.
 */
import { OffsetIndex, lineStarts } from '$pipeline/qualitative/offsets.ts';

export interface SpanRef {
  start_cp: number;
  end_cp: number;
}

export interface CodingRef extends SpanRef {
  coding_id: string;
  code_name: string;
  coder: string;
}

export interface Segment {
  text: string;
  cp: number;
  u16: number;
  /** How many codings cover this segment (0: uncoded). */
  coverage: number;
  /** The names of the codes covering it (for the title). */
  codes: string[];
  /** Set when a coding or quote starts here: the page gives the segment id="c<anchor>". */
  anchor: number | null;
  /** The speaker label at the start of a turn ("P03:"). */
  speaker: boolean;
}

export interface Line {
  number: number;
  cp: number;
  segments: Segment[];
  /** Codings that start on this line: the margin labels. */
  starts: CodingRef[];
  /** The first line of a speaker turn (turns are separated visually). */
  turnStart: boolean;
}

export function transcriptLines(
  text: string,
  codings: CodingRef[],
  options: { anchors?: number[]; turns?: { startCp: number; speaker: string | null }[] } = {}
): Line[] {
  const index = new OffsetIndex(text);
  const starts = lineStarts(text);
  const ends = starts.map((s, i) => (i + 1 < starts.length ? starts[i + 1] - 1 : index.length));
  const anchors = new Set([...codings.map((c) => c.start_cp), ...(options.anchors ?? [])]);
  const turnStarts = new Map((options.turns ?? []).map((t) => [t.startCp, t.speaker]));
  const cuts = new Set<number>([...codings.flatMap((c) => [c.start_cp, c.end_cp]), ...anchors]);

  return starts.map((lineStart, i) => {
    const lineEnd = ends[i];
    const lineText = index.slice(lineStart, lineEnd);
    const here = new Set<number>([lineStart, lineEnd]);
    for (const cut of cuts) if (cut > lineStart && cut < lineEnd) here.add(cut);
    // The speaker label ("P03: ") is its own segment, so the page can set it in bold.
    const speaker = turnStarts.get(lineStart);
    let labelEnd = -1;
    if (speaker) {
      const colon = lineText.indexOf(':');
      if (colon > 0) here.add((labelEnd = index.toCodePoint(index.toUtf16(lineStart) + colon + 1)));
    }
    const points = [...here].sort((a, b) => a - b);
    const segments: Segment[] = [];
    for (let k = 0; k + 1 < points.length; k++) {
      const [a, b] = [points[k], points[k + 1]];
      const covering = codings.filter((c) => c.start_cp < b && c.end_cp > a);
      segments.push({
        text: index.slice(a, b),
        cp: a,
        u16: index.toUtf16(a),
        coverage: covering.length,
        codes: [...new Set(covering.map((c) => c.code_name))],
        anchor: anchors.has(a) ? a : null,
        speaker: b === labelEnd
      });
    }
    // An empty line still gets one (empty) segment, so every line has a place a selection can land.
    if (segments.length === 0)
      segments.push({
        text: '',
        cp: lineStart,
        u16: index.toUtf16(lineStart),
        coverage: 0,
        codes: [],
        anchor: anchors.has(lineStart) ? lineStart : null,
        speaker: false
      });
    return {
      number: i + 1,
      cp: lineStart,
      segments,
      starts: codings.filter((c) => c.start_cp >= lineStart && c.start_cp <= lineEnd),
      turnStart: turnStarts.has(lineStart)
    };
  });
}
