/**
 * One page in Chromium on localhost, for the page-speed benchmark (pages.ts): the bytes that crossed the wire and the
 * time until the page's charts were in the DOM, each visit in a fresh browser context (an empty cache, as a committee
 * member's first visit of the month would be).
 *
 *  - Bytes: the sum of CDP `Network.loadingFinished.encodedDataLength` over every response of the visit. That is what
 *    Chromium received from the socket: headers plus the body as sent, so compressed where the server compressed it.
 *    Each response's Content-Encoding is kept, so the report can say which responses were compressed and which not.
 *  - Charts in the DOM: a script added before any page script (Playwright's init script, which the page's CSP does not
 *    block) watches the document with a MutationObserver and notes performance.now() when `figure svg` first exists.
 *    performance.now() counts from the navigation's time origin, so this is navigation start → first chart node
 *    parsed. Navigation timing (response end, DOMContentLoaded, load) and first contentful paint are kept beside it.
 */
import type { Browser } from 'playwright-core';

export const CHART_SELECTOR = 'figure svg';

export interface ResponseBytes {
  url: string;
  status: number;
  mimeType: string;
  /** The response's Content-Encoding header (br, gzip), or null when it was sent as is. */
  contentEncoding: string | null;
  /** Bytes received for it: headers + body as sent. */
  encodedDataLength: number;
}

export interface BrowserVisit {
  /** Sum of encodedDataLength over every response. */
  bytesTransferred: number;
  responses: ResponseBytes[];
  /** ms from navigation start to the first `figure svg` in the DOM; null if the page has none. */
  chartsInDomMs: number | null;
  charts: number;
  /** Navigation timing, ms from navigation start: request sent, first byte, last byte of the HTML. */
  requestStartMs: number;
  responseStartMs: number;
  responseEndMs: number;
  domContentLoadedMs: number;
  loadMs: number;
  firstContentfulPaintMs: number | null;
}

const WATCH_FOR_CHARTS = `(() => {
  const seen = () => {
    if (window.__benchChartsAt === undefined && document.querySelector(${JSON.stringify(CHART_SELECTOR)})) {
      window.__benchChartsAt = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(seen);
  observer.observe(document, { childList: true, subtree: true });
})();`;

export async function visit(browser: Browser, url: string): Promise<BrowserVisit> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(WATCH_FOR_CHARTS);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const received = new Map<string, Omit<ResponseBytes, 'encodedDataLength'>>();
    const responses: ResponseBytes[] = [];
    cdp.on('Network.responseReceived', (event) => {
      const headers = Object.fromEntries(
        Object.entries(event.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)])
      );
      received.set(event.requestId, {
        url: event.response.url,
        status: event.response.status,
        mimeType: event.response.mimeType,
        contentEncoding: headers['content-encoding'] ?? null
      });
    });
    cdp.on('Network.loadingFinished', (event) => {
      const response = received.get(event.requestId);
      if (response) responses.push({ ...response, encodedDataLength: event.encodedDataLength });
    });
    const answer = await page.goto(url, { waitUntil: 'load' });
    if (!answer?.ok()) throw new Error(`Chromium got ${answer?.status()} for ${url}`);
    // Anything the page fetches after load (none today, since dashboard pages ship no JavaScript) still counts.
    await page.waitForLoadState('networkidle');
    const timing = await page.evaluate((selector) => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      return {
        chartsAt: (window as unknown as { __benchChartsAt?: number }).__benchChartsAt ?? null,
        charts: document.querySelectorAll(selector).length,
        requestStart: nav.requestStart,
        responseStart: nav.responseStart,
        responseEnd: nav.responseEnd,
        domContentLoaded: nav.domContentLoadedEventEnd,
        load: nav.loadEventEnd,
        fcp: paint ? paint.startTime : null
      };
    }, CHART_SELECTOR);
    if (timing.charts > 0 && timing.chartsAt === null)
      throw new Error(`The chart watcher did not run on ${url}: the init script was blocked?`);
    return {
      bytesTransferred: responses.reduce((n, r) => n + r.encodedDataLength, 0),
      responses,
      chartsInDomMs: timing.chartsAt,
      charts: timing.charts,
      requestStartMs: timing.requestStart,
      responseStartMs: timing.responseStart,
      responseEndMs: timing.responseEnd,
      domContentLoadedMs: timing.domContentLoaded,
      loadMs: timing.load,
      firstContentfulPaintMs: timing.fcp
    };
  } finally {
    await context.close();
  }
}
