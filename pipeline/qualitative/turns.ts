/**
 * Speaker turns: a line that starts with a speaker label (`INTERVIEWER:`, `PARTICIPANT:`, `I:`, `R:`, `Dr Smith:`,
 * `[CLINICIAN 1]:`) opens a turn, and the lines after it belong to that turn until the next label. Text before the
 * first label (a title, an "invented transcript" notice) is a turn with no speaker.
 *
 * A label is either in capitals (letters, digits, spaces, . - ', or a bracketed pseudonym) or one to three capitalised
 * words, at the start of a line and at most 40 characters, so "The answer was simple: …" is not taken for a speaker.
 */
import { codePointLength, lineStarts } from './offsets.ts';
import type { LineTiming } from './readers/types.ts';

export interface Turn {
  turnIndex: number;
  speaker: string | null;
  startCp: number;
  endCp: number;
  lineStart: number;
  lineEnd: number;
  startMs: number | null;
  endMs: number | null;
}

const LABEL =
  /^\s*(\[[^\]\n]{1,38}\]|[A-Z0-9][A-Z0-9 .'’-]{0,38}|[A-Z][a-z'’.-]*(?: [A-Z][A-Za-z'’.-]*){0,2})\s*:(?:\s|$)/;

/**
 * Header lines ("Participant: P01", "Date: 2016-11-14") look like speaker labels; in the header block at the top of a
 * transcript (before its first blank line) these keys are metadata, not speakers.
 */
export const HEADER_KEYS = new Set([
  'participant',
  'participant id',
  'stakeholder group',
  'group',
  'date',
  'duration',
  'interviewer',
  'interviewee',
  'location',
  'setting',
  'role',
  'title',
  'transcript',
  'recorded',
  'length',
  'site',
  'organisation'
]);

/** The speaker label at the start of a line, or null. */
export function speakerLabel(line: string): string | null {
  const match = LABEL.exec(line);
  return match ? match[1].trim() : null;
}

export function parseTurns(text: string, lineTimings?: (LineTiming | null)[]): Turn[] {
  if (text === '') return [];
  const lines = text.split('\n');
  const starts = lineStarts(text);
  const turns: Turn[] = [];
  let current: Turn | null = null;
  const close = (lastLine: number) => {
    if (!current) return;
    current.lineEnd = lastLine;
    current.endCp = starts[lastLine - 1] + codePointLength(lines[lastLine - 1]);
    turns.push(current);
  };
  const headerEnd = lines.findIndex((line) => line.trim() === '');
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    let speaker = speakerLabel(lines[index]);
    if (speaker && index < headerEnd && HEADER_KEYS.has(speaker.toLowerCase())) speaker = null;
    const timing = lineTimings?.[index] ?? null;
    if (speaker !== null || current === null) {
      // Blank lines between turns belong to nothing; a turn ends at its last non-blank line.
      if (current === null && lines[index].trim() === '' && speaker === null) continue;
      if (current) close(lastNonBlank(lines, index - 1, current.lineStart));
      current = {
        turnIndex: turns.length,
        speaker,
        startCp: starts[index],
        endCp: starts[index],
        lineStart: lineNumber,
        lineEnd: lineNumber,
        startMs: timing?.startMs ?? null,
        endMs: timing?.endMs ?? null
      };
    } else if (timing) {
      current.endMs = timing.endMs;
    }
  }
  if (current) close(lastNonBlank(lines, lines.length - 1, current.lineStart));
  return turns;
}

/** The 1-based number of the last non-blank line at or before index `from` (0-based), but not before `floor`. */
function lastNonBlank(lines: string[], from: number, floor: number): number {
  let index = from;
  while (index + 1 > floor && lines[index].trim() === '') index--;
  return Math.max(index + 1, floor);
}
