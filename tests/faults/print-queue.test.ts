/**
 * PDF printing (pipeline/notebooks/pdf.ts): one shared Chromium for every PDF, at most PDF_PRINTING_AT_ONCE printing
 * and PDF_WAITING waiting, and anything past that refused at once with PdfBusyError (the dashboard's 503).
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  closePdfBrowser,
  htmlToPdf,
  PDF_PRINTING_AT_ONCE,
  PDF_RETRY_AFTER_SECONDS,
  PDF_WAITING,
  pdfPrinterState,
  PdfBusyError,
  PrintQueue
} from '../../pipeline/notebooks/pdf.ts';

afterAll(() => closePdfBrowser());

/** A task that finishes when the test says so. */
function deferred() {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return { finish, task: () => done.then(() => 'printed') };
}

describe('PrintQueue', () => {
  it('runs two, keeps three waiting, refuses the sixth and seventh at once, then runs the waiting in order', async () => {
    const queue = new PrintQueue(2, 3, 10);
    const tasks = Array.from({ length: 7 }, deferred);
    const started: number[] = [];
    const outcomes: string[] = Array(7).fill('pending');
    const runs = tasks.map((t, i) =>
      queue
        .run(() => (started.push(i), t.task()))
        .then(
          (v) => (outcomes[i] = v),
          (e: Error) => (outcomes[i] = `${e.name}: ${e.message}`)
        )
    );
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(queue.load).toEqual({ running: 2, waiting: 3 });
    const refusal =
      'PdfBusyError: Too many reports are being printed to PDF right now. Try again in 10 seconds; the HTML version is available at once.';
    expect(outcomes).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', refusal, refusal]);
    tasks[1].finish();
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([0, 1, 2]);
    expect(queue.load).toEqual({ running: 2, waiting: 2 });
    for (const t of tasks) t.finish();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(outcomes).toEqual(['printed', 'printed', 'printed', 'printed', 'printed', refusal, refusal]);
    expect(queue.load).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot of a task that fails', async () => {
    const queue = new PrintQueue(1, 0);
    await expect(queue.run(() => Promise.reject(new Error('Chromium crashed')))).rejects.toThrow('Chromium crashed');
    await expect(queue.run(async () => 'next')).resolves.toBe('next');
  });
});

describe('htmlToPdf', () => {
  const html = (n: number) => `<!doctype html><html><body><h1>Report ${n}</h1></body></html>`;

  it(`prints on one shared browser; past ${PDF_PRINTING_AT_ONCE} printing and ${PDF_WAITING} waiting it refuses`, async () => {
    const extra = 2;
    const asked = PDF_PRINTING_AT_ONCE + PDF_WAITING + extra;
    const results = await Promise.allSettled(Array.from({ length: asked }, (_, i) => htmlToPdf(html(i))));
    const printed = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(printed).toHaveLength(PDF_PRINTING_AT_ONCE + PDF_WAITING);
    for (const r of printed) expect(Buffer.from(r.value.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    // The last ones asked are the ones refused, each with the time to come back.
    expect(results.slice(-extra).every((r) => r.status === 'rejected')).toBe(true);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(PdfBusyError);
      expect((r.reason as PdfBusyError).retryAfterSeconds).toBe(PDF_RETRY_AFTER_SECONDS);
    }
    // Two more, one after the other, on the same browser.
    await htmlToPdf(html(98));
    await htmlToPdf(html(99));
    expect(pdfPrinterState()).toEqual({ launches: 1, running: 0, waiting: 0 });
  }, 120_000);

  it('starts a new browser when the shared one has been closed', async () => {
    await closePdfBrowser();
    const before = pdfPrinterState().launches;
    await htmlToPdf(html(1));
    expect(pdfPrinterState().launches).toBe(before + 1);
  }, 60_000);
});
