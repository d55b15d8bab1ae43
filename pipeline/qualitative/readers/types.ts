/** What a transcript reader gives back: plain text ready for anonymisation and turn parsing. */

export type TranscriptFormat = 'txt' | 'docx' | 'vtt' | 'srt';

/** The recording times of one line of text (subtitle formats only). */
export interface LineTiming {
  startMs: number;
  endMs: number;
}

export interface TranscriptText {
  format: TranscriptFormat;
  /** LF line endings, no byte-order mark; otherwise exactly as read (no Unicode normalisation). */
  text: string;
  /** For vtt/srt: the timing of each line of `text`, index 0 = line 1. */
  lineTimings?: (LineTiming | null)[];
  /** What the reader changed or could not read, in plain words (shown to the researcher). */
  notes: string[];
}
