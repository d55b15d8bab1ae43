/**
 * WebVTT (.vtt) and SubRip (.srt) transcripts, as automatic transcription tools (Teams, Zoom, Otter) write them.
 *
 * Each cue becomes one line `SPEAKER: text` of the stored transcript, with the cue's timing kept for that line, so the
 * text reads like any other transcript and a speaker turn can be traced back to the recording. Consecutive cues by the
 * same speaker are joined into one line (one turn), since tools split a turn every few seconds. The speaker comes from
 * a WebVTT voice tag (`<v Dr Jones>`) or a leading `Name:`; other markup (<i>, <b>, {\an8}) goes.
 */
import type { TranscriptText, LineTiming } from './types.ts';

interface Cue {
  startMs: number;
  endMs: number;
  speaker: string | null;
  text: string;
}

const TIMING = /^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})/;

/** "01:02:03.456", "02:03,456" → milliseconds. */
export function timestampMs(stamp: string): number {
  const [clock, fraction] = stamp.split(/[.,]/);
  const parts = clock.split(':').map(Number);
  const [hours, minutes, seconds] = parts.length === 3 ? parts : [0, ...parts];
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + Number(fraction.padEnd(3, '0').slice(0, 3));
}

function cleanCueText(lines: string[]): { speaker: string | null; text: string } {
  let speaker: string | null = null;
  const joined = lines.join(' ');
  const voice = /<v(?:\.[^\s>]*)?\s+([^>]+)>/.exec(joined);
  if (voice) speaker = voice[1].trim();
  let text = joined
    .replace(/<[^>]*>/g, '')
    .replace(/\{\\[^}]*\}/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!speaker) {
    const label = /^(?:-\s*)?([A-Z][\w .'’-]{0,39}?|\[[^\]]{1,40}\]):\s+/.exec(text);
    if (label) {
      speaker = label[1];
      text = text.slice(label[0].length);
    }
  }
  return { speaker, text };
}

/** Cue blocks are separated by blank lines; a block has an optional id line, a timing line, then text lines. */
function parseCues(source: string, format: 'vtt' | 'srt'): Cue[] {
  const cues: Cue[] = [];
  const blocks = source.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  for (const block of blocks) {
    const lines = block.split('\n').filter((line) => line.trim() !== '');
    const timingIndex = lines.findIndex((line) => TIMING.test(line));
    if (timingIndex < 0 || timingIndex > 1) continue; // WEBVTT header, NOTE and STYLE blocks, stray text
    if (format === 'vtt' && /^(NOTE|STYLE|REGION)\b/.test(lines[0])) continue;
    const [, start, end] = TIMING.exec(lines[timingIndex])!;
    const { speaker, text } = cleanCueText(lines.slice(timingIndex + 1));
    if (text) cues.push({ startMs: timestampMs(start), endMs: timestampMs(end), speaker, text });
  }
  return cues;
}

export function readSubtitles(source: string, format: 'vtt' | 'srt'): TranscriptText {
  const cues = parseCues(source, format);
  const lines: string[] = [];
  const timings: LineTiming[] = [];
  let previousSpeaker: string | null | undefined;
  for (const cue of cues) {
    const sameTurn = lines.length > 0 && cue.speaker !== null && cue.speaker === previousSpeaker;
    if (sameTurn) {
      lines[lines.length - 1] += ` ${cue.text}`;
      timings[timings.length - 1]!.endMs = cue.endMs;
    } else {
      lines.push(cue.speaker ? `${cue.speaker}: ${cue.text}` : cue.text);
      timings.push({ startMs: cue.startMs, endMs: cue.endMs });
    }
    previousSpeaker = cue.speaker;
  }
  return {
    format,
    text: lines.join('\n'),
    lineTimings: timings,
    notes: cues.length ? [] : ['No timed cues were found.']
  };
}
