/**
 * Printing a report's HTML to PDF with headless Chromium (Debian's /usr/bin/chromium driven by playwright-core;
 * docs/toolchain.md: no browser is ever downloaded). The PDF is the same HTML the download gives, printed on A4 with
 * page numbers ("Page 2 of 5") in Chromium's footer.
 *
 * playwright-core is loaded only when a PDF is asked for, so rendering HTML does not need it.
 *
 * One Chromium serves every PDF (each in its own offline browser context), and a small queue decides how many print at
 * once: starting a browser per request took 16–19 s each with six at once and about 1 GB more memory, and any signed-in
 * funder could ask for as many as they liked. Past the queue a request is refused at once with PdfBusyError (the
 * dashboard answers 503 with Retry-After) instead of waiting behind everyone else. The browser is closed after
 * BROWSER_IDLE_SECONDS without a PDF, and by closePdfBrowser() (the `uptake report` command, when it is done).
 */
import type { Browser } from 'playwright-core';
import { escapeHtml } from './html.ts';

/** PDFs printed at the same time. A print keeps a core busy for a second or two; on a small server two at once leave
 * the pages responsive, and the browser's memory grows with each open page. */
export const PDF_PRINTING_AT_ONCE = 2;
/** PDFs that may wait for a free slot: a committee downloading the month's report together (about six) waits a few
 * seconds; more than that is someone asking far faster than anyone reads, and is told to come back. */
export const PDF_WAITING = 6;
/** What Retry-After says: about the time the waiting PDFs take to print two at a time. */
export const PDF_RETRY_AFTER_SECONDS = 10;
/** An idle browser is closed, giving its memory (~150 MB) back; the next PDF starts it again in about a second. */
export const BROWSER_IDLE_SECONDS = 120;

export class PdfBusyError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(
      `Too many reports are being printed to PDF right now. Try again in ${retryAfterSeconds} seconds; the HTML version is available at once.`
    );
    this.name = 'PdfBusyError';
  }
}

/** At most `atOnce` tasks run; at most `waiting` more wait their turn; past that, run() refuses with PdfBusyError. */
export class PrintQueue {
  private running = 0;
  private readonly queue: (() => void)[] = [];
  constructor(
    readonly atOnce: number,
    readonly waiting: number,
    readonly retryAfterSeconds = PDF_RETRY_AFTER_SECONDS
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.atOnce) {
      if (this.queue.length >= this.waiting) throw new PdfBusyError(this.retryAfterSeconds);
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next in line (running stays the same), or free it.
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }

  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.queue.length };
  }
}

const printQueue = new PrintQueue(PDF_PRINTING_AT_ONCE, PDF_WAITING);

/**
 * Debian's Chromium, headless, with the flags that work on these machines: the one launch the report printer, the
 * page benchmarks and the browser tests share. playwright-core is imported on first use, so a command that never
 * prints a PDF never loads it.
 */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

let browser: Promise<Browser> | null = null;
let launches = 0;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

/** The shared browser, started on first use and again if it crashed or was closed. */
async function sharedBrowser(): Promise<Browser> {
  clearTimeout(idleTimer);
  if (!browser) {
    const starting = launchChromium();
    browser = starting;
    launches++;
    starting.then(
      (b) =>
        b.on('disconnected', () => {
          if (browser === starting) browser = null;
        }),
      () => {
        if (browser === starting) browser = null;
      }
    );
  }
  return browser;
}

function closeWhenIdle(): void {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (printQueue.load.running === 0) void closePdfBrowser();
  }, BROWSER_IDLE_SECONDS * 1000);
  idleTimer.unref?.();
}

/** Closes the shared browser (the next PDF starts another). */
export async function closePdfBrowser(): Promise<void> {
  clearTimeout(idleTimer);
  const closing = browser;
  browser = null;
  if (closing) await (await closing.catch(() => null))?.close();
}

/** How many times a browser has been started in this process, and the queue's state (for tests and monitoring). */
export function pdfPrinterState(): { launches: number; running: number; waiting: number } {
  return { launches, ...printQueue.load };
}

/** Chromium's binary; CHROMIUM overrides it (as in the browser tests). */
export function chromiumPath(env: Record<string, string | undefined> = process.env): string {
  return env.CHROMIUM ?? '/usr/bin/chromium';
}

/**
 * The flags docs/toolchain.md verified for headless Chromium on these machines (no sandbox as root, nothing phoning
 * home).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
];

export interface PdfOptions {
  /** Printed at the left of every page's footer, e.g. the report's title and as-of date. */
  footerText?: string;
}

/**
 * The document's @page margin boxes number the pages when a person prints the HTML from a browser. Chromium's PDF
 * footer does it here instead, so the margin boxes are switched off to avoid "Page 1 of 3" twice.
 */
const NO_MARGIN_BOXES = '@page { @bottom-center { content: none; } }';

/**
 * Prints a complete HTML document to an A4 PDF and returns its bytes; waits for a free slot in the print queue, or
 * throws PdfBusyError when the queue is full.
 */
export function htmlToPdf(html: string, options: PdfOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  return printQueue.run(() => print(html, options));
}

async function print(html: string, options: PdfOptions): Promise<Uint8Array<ArrayBuffer>> {
  // The report must not reach out for anything: every asset is inline.
  const context = await (await sharedBrowser()).newContext({ offline: true });
  try {
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.addStyleTag({ content: NO_MARGIN_BOXES });
    await page.emulateMedia({ media: 'print' });
    const footer = escapeHtml(options.footerText ?? '');
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      // Chromium fills .pageNumber and .totalPages; the template has no access to the page's CSS, so it is styled
      // inline.
      footerTemplate:
        '<div style="font: 8pt Arial, \'Liberation Sans\', sans-serif; color: #4c6272; width: 100%; padding: 0 15mm; display: flex; justify-content: space-between;">' +
        `<span>${footer}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
      margin: { top: '15mm', right: '15mm', bottom: '18mm', left: '15mm' }
    });
    // A copy on a plain ArrayBuffer: what a web Response body accepts (Node's Buffer may sit on a shared pool).
    return new Uint8Array(pdf);
  } finally {
    await context.close();
    closeWhenIdle();
  }
}
