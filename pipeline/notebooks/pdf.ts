/**
 * Printing a report's HTML to PDF with headless Chromium (Debian's /usr/bin/chromium driven by playwright-core;
 * docs/toolchain.md: no browser is ever downloaded). The PDF is the same HTML the download gives, printed on A4 with
 * page numbers ("Page 2 of 5") in Chromium's footer.
 *
 * playwright-core is loaded only when a PDF is asked for, so rendering HTML does not need it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeHtml } from './html.ts';

/** Chromium's binary; CHROMIUM overrides it (as in the browser tests). */
export function chromiumPath(env: Record<string, string | undefined> = process.env): string {
  return env.CHROMIUM ?? '/usr/bin/chromium';
}

/** The flags docs/toolchain.md verified for headless Chromium on these machines (no sandbox as root, nothing phoning home). */
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

/** Prints a complete HTML document to an A4 PDF and returns its bytes. */
export async function htmlToPdf(html: string, options: PdfOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'uptake-pdf-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    // The report must not reach out for anything: every asset is inline.
    offline: true
  });
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
      // Chromium fills .pageNumber and .totalPages; the template has no access to the page's CSS, so it is styled inline.
      footerTemplate:
        '<div style="font: 8pt Arial, \'Liberation Sans\', sans-serif; color: #4c6272; width: 100%; padding: 0 15mm; display: flex; justify-content: space-between;">' +
        `<span>${footer}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
      margin: { top: '15mm', right: '15mm', bottom: '18mm', left: '15mm' }
    });
    // A copy on a plain ArrayBuffer: what a web Response body accepts (Node's Buffer may sit on a shared pool).
    return new Uint8Array(pdf);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
