/**
 * The coding view's layout of a transcript (site/lib/interviews/transcript-lines.ts): lines cut into segments at every
 * coding and quote boundary, each segment's code-point and UTF-16 offsets (they part after an emoji), the speaker
 * label as its own segment, anchors for #c<start> links, and the margin labels on the line a coding starts.
 */
import { expect, test } from 'vitest';
import { transcriptLines } from '../site/lib/interviews/transcript-lines.ts';
import { parseTurns } from '../pipeline/qualitative/turns.ts';

// Line 1: "R: IG was unclear 😀 then." (code points 0–24; the emoji is code point 18, UTF-16 units 18–19);
// line 2: "I: Why?" (code points 26–32, UTF-16 27–33).
const TEXT = 'R: IG was unclear 😀 then.\nI: Why?';
const coding = (id: string, start: number, end: number, code: string) => ({
  coding_id: id,
  start_cp: start,
  end_cp: end,
  code_name: code,
  coder: 'amy'
});

test('segments carry both offsets, and joined back give the text exactly', () => {
  const lines = transcriptLines(TEXT, [coding('a', 3, 17, 'Governance'), coding('b', 10, 24, 'Clarity')], {
    turns: parseTurns(TEXT)
  });
  expect(lines.map((l) => l.segments.map((s) => s.text).join('')).join('\n')).toBe(TEXT);
  expect(lines[0].segments.map((s) => [s.text, s.cp, s.u16, s.coverage, s.speaker])).toEqual([
    ['R:', 0, 0, 0, true],
    [' ', 2, 2, 0, false],
    ['IG was ', 3, 3, 1, false],
    ['unclear', 10, 10, 2, false],
    [' 😀 then', 17, 17, 1, false],
    ['.', 24, 25, 0, false]
  ]);
  expect(lines[1].segments.map((s) => [s.text, s.cp, s.u16])).toEqual([
    ['I:', 26, 27],
    [' Why?', 28, 29]
  ]);
});

test('codings and quotes give anchors; each coding is labelled on the line it starts; turns are marked', () => {
  const lines = transcriptLines(TEXT, [coding('a', 3, 17, 'Governance'), coding('b', 26, 33, 'Question')], {
    anchors: [21],
    turns: parseTurns(TEXT)
  });
  expect(lines.flatMap((l) => l.segments.filter((s) => s.anchor !== null).map((s) => s.anchor))).toEqual([3, 21, 26]);
  expect(lines.map((l) => l.starts.map((c) => c.coding_id))).toEqual([['a'], ['b']]);
  expect(lines.map((l) => l.turnStart)).toEqual([true, true]);
  expect(lines[0].segments.find((s) => s.cp === 3)!.codes).toEqual(['Governance']);
});

test('an empty line still has one (empty) segment where a selection can land', () => {
  const lines = transcriptLines('A: one\n\nB: two', []);
  expect(lines.map((l) => l.segments.map((s) => [s.text, s.cp]))).toEqual([
    [['A: one', 0]],
    [['', 7]],
    [['B: two', 8]]
  ]);
});
