/**
 * The progress bar of `uptake load`. It appears only once a load has run for a second (PROGRESS_DELAY_MS), so quick
 * loads print no flicker, and then follows the loader's events: which file, which phase (read, check, write), how
 * many of the batch's files are done. Never in --json mode and never when the output is not a terminal (the caller
 * decides `enabled`). The clock and the bar are injected so the timing rule is tested without waiting.
 */
import cliProgress from 'cli-progress';

export interface LoadProgressEvent {
  file: string;
  phase: 'read' | 'check' | 'write';
  done: number;
  total: number;
}

/** The part of cli-progress's SingleBar this module uses. */
export interface ProgressBar {
  start(total: number, value: number, payload: object): void;
  update(value: number, payload: object): void;
  setTotal(total: number): void;
  stop(): void;
}

/** How long a load runs before a bar is worth drawing. */
export const PROGRESS_DELAY_MS = 1000;

export interface LoadProgressOptions {
  enabled: boolean;
  createBar: () => ProgressBar;
  delayMs?: number;
  /** Runs `callback` after `ms`; returns a function that cancels it. */
  setTimer?: (callback: () => void, ms: number) => () => void;
}

export interface LoadProgress {
  onProgress(event: LoadProgressEvent): void;
  /** Stops the bar (or the pending one); call when the load ends, however it ends. */
  finish(): void;
}

const realTimer = (callback: () => void, ms: number) => {
  const timer = setTimeout(callback, ms);
  timer.unref(); // a pending bar must never keep the process alive
  return () => clearTimeout(timer);
};

const PHASE_WORDS: Record<LoadProgressEvent['phase'], string> = {
  read: 'reading',
  check: 'checking',
  write: 'writing'
};

export function terminalBar(stream: NodeJS.WritableStream): ProgressBar {
  return new cliProgress.SingleBar(
    { stream, format: '{phase} [{bar}] {value}/{total} files · {file}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic
  );
}

export function loadProgress(options: LoadProgressOptions): LoadProgress {
  const { enabled, createBar, delayMs = PROGRESS_DELAY_MS, setTimer = realTimer } = options;
  let latest: LoadProgressEvent | undefined;
  let cancelTimer: (() => void) | undefined;
  let bar: ProgressBar | undefined;
  let finished = false;
  const payload = (event: LoadProgressEvent) => ({ file: event.file, phase: PHASE_WORDS[event.phase] });

  return {
    onProgress(event) {
      if (!enabled || finished) return;
      const first = latest === undefined;
      latest = event;
      if (first) {
        cancelTimer = setTimer(() => {
          cancelTimer = undefined;
          if (finished || !latest) return;
          bar = createBar();
          bar.start(latest.total, latest.done, payload(latest));
        }, delayMs);
      } else if (bar) {
        bar.setTotal(event.total);
        bar.update(event.done, payload(event));
      }
    },
    finish() {
      finished = true;
      cancelTimer?.();
      cancelTimer = undefined;
      if (bar && latest) bar.update(latest.total, payload(latest));
      bar?.stop();
      bar = undefined;
    }
  };
}
