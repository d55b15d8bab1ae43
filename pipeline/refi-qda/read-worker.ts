/**
 * Reading a REFI-QDA file on a worker thread, so that however long the read takes, the process that asked keeps
 * answering: on the dashboard, pages, sign-ins and interview writes go on while a big project is unpacked and parsed.
 * Only the read runs here (unzip, parse, describe: CPU and memory, no database); the caller writes the result into the
 * warehouse on its own connection (import.ts, importRefiProject).
 *
 * The worker is held to three more limits than read.ts keeps itself:
 *  - time: IMPORT_LIMITS.maxSeconds; past it the thread is terminated, wherever it is (a parse cannot be interrupted
 *    from inside, but a thread can be stopped from outside);
 *  - memory: WORKER_HEAP_MB; a file that needs more ends the worker with an out-of-memory error, not the server;
 *  - one at a time: reads wait for each other, so two uploads never hold two large trees at once.
 *
 * This module is its own worker: the thread loads this very file (import.meta.url) and the block at the bottom
 * answers. Callers import it dynamically, so that in the built server it is a chunk of its own and the thread loads
 * nothing else. Run from TypeScript sources (tests, the `uptake` command through tsx), the thread registers tsx first.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { readRefi, type ReadOptions } from './read.ts';
import { ImportLimitError, withLimits } from './limits.ts';
import { UnsafeArchiveError } from './zip.ts';
import type { ImportReport, RefiProject } from './model.ts';

/**
 * The worker's V8 heap: room for the largest file within IMPORT_LIMITS (64 MB of XML parsed into a tree, 128 MB of
 * text), while a file that somehow needs more ends the worker instead of taking the machine's memory. (Buffers holding
 * the archive's bytes are outside this heap; the ZIP guard bounds those.)
 */
export const WORKER_HEAP_MB = 1536;

const TASK = 'uptake-refi-read';

export interface RefiRead {
  project: RefiProject;
  report: ImportReport;
}

interface Failure {
  ok: false;
  name: string;
  message: string;
  limit?: string;
}

type Answer = { ok: true; read: RefiRead } | Failure;

/** The thread's entry: plain JavaScript when this file is a built chunk, tsx registered first when it is TypeScript. */
function startWorker(data: unknown): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL(self), { workerData: data, resourceLimits: heapLimit() });
  const tsx = import.meta.resolve?.('tsx/esm/api') ?? 'tsx/esm/api';
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(self)}); })`;
  return new Worker(boot, { eval: true, workerData: data, resourceLimits: heapLimit() });
}

const heapLimit = () => ({ maxOldGenerationSizeMb: WORKER_HEAP_MB });

function rebuild(failure: Failure): Error {
  if (failure.name === 'ImportLimitError')
    return new ImportLimitError(failure.limit as ImportLimitError['limit'], failure.message);
  if (failure.name === 'UnsafeArchiveError') return new UnsafeArchiveError(failure.message);
  return new Error(failure.message);
}

let queue: Promise<unknown> = Promise.resolve();

/** readRefi (read.ts) on a worker thread, one at a time, within the time and memory limits above. */
export function readRefiInWorker(bytes: Uint8Array, fileName: string, options: ReadOptions = {}): Promise<RefiRead> {
  const run = queue.then(() => readOnce(bytes, fileName, options));
  queue = run.catch(() => undefined);
  return run;
}

function readOnce(bytes: Uint8Array, fileName: string, options: ReadOptions): Promise<RefiRead> {
  const { maxSeconds } = withLimits(options.limits);
  return new Promise<RefiRead>((resolve, reject) => {
    // A copy: the caller's bytes stay usable (a transfer would detach them).
    const worker = startWorker({ task: TASK, bytes: bytes.slice(), fileName, options });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(
            new ImportLimitError(
              'maxSeconds',
              `Reading ${fileName} took longer than ${maxSeconds} seconds; it was stopped (limit: import time). Nothing was imported.`
            )
          )
        ),
      maxSeconds * 1000
    );
    worker.on('message', (answer: Answer) =>
      settle(() => (answer.ok ? resolve(answer.read) : reject(rebuild(answer))))
    );
    worker.on('error', (error: Error & { code?: string }) =>
      settle(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new ImportLimitError(
                'memory',
                `Reading ${fileName} needed more than ${WORKER_HEAP_MB} MB of memory; it was stopped (limit: import memory). Nothing was imported.`
              )
            : error
        )
      )
    );
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`The worker reading ${fileName} stopped (exit code ${code}) before it answered`)))
    );
  });
}

// ——— the worker thread ———

if (!isMainThread && (workerData as { task?: string } | null)?.task === TASK) {
  const { bytes, fileName, options } = workerData as { bytes: Uint8Array; fileName: string; options: ReadOptions };
  readRefi(bytes, fileName, options).then(
    (read) => parentPort!.postMessage({ ok: true, read } satisfies Answer),
    (error: Error & { limit?: string }) =>
      parentPort!.postMessage({
        ok: false,
        name: error.name,
        message: error.message,
        limit: error.limit
      } satisfies Answer)
  );
}
