/**
 * Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core, launched as docs/toolchain.md
 * describes (a persistent context in a fresh folder; no download of any browser).
 */
import { CHROMIUM_ARGS, chromiumPath } from '../../pipeline/notebooks/pdf.ts';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const SCREENSHOTS = resolve(import.meta.dirname, '../output');

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(
  viewport = { width: 1280, height: 900 },
  options: { javaScriptEnabled?: boolean } = {}
): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'uptake-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    viewport,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    args: CHROMIUM_ARGS
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  };
}

/** Opens a page that records console errors and failed requests, so a test can assert there were none. */
export async function openPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  return { page, errors };
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}
