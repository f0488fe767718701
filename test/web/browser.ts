/**
 * What the browser tests share: the Chromium they drive, a recorder of everything that goes
 * wrong in a page, the "did the chart really draw" pixel count, and the axe run.
 */
import { existsSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type CDPSession, type Locator, type Page, type Request, chromium } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking'] });
}

/**
 * Records console errors, page errors, failed requests, HTTP errors and dialogs of a page
 * (its frames included) into `problems`.
 */
export function recordProblems(page: Page, problems: string[]): void {
  const problem = (text: string) => problems.push(text);
  // Chromium asks for /favicon.ico of a page without an icon link (embeds, the test's host pages).
  const favicon = (url: string) => new URL(url, 'http://x/').pathname === '/favicon.ico';
  page.on('console', (m) => void (m.type() === 'error' && !favicon(m.location().url) && problem(`console: ${m.text()} (${m.location().url})`)));
  page.on('pageerror', (e) => problem(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problem(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  // The browser fetches the icon after "load"; the next navigation in this tab may abort it.
  const iconAborted = (r: Request) => /\/assets\/icon(\.[0-9a-f]{8})?\.svg$/.test(r.url()) && r.failure()?.errorText === 'net::ERR_ABORTED';
  page.on('requestfailed', (r) => void (!iconAborted(r) && problem(`request failed: ${r.url()} ${r.failure()?.errorText}`)));
  page.on('response', (r) => void (r.status() >= 400 && !favicon(r.url()) && problem(`HTTP ${r.status()}: ${r.url()}`)));
}

export interface Pixels {
  /** Canvas pixels in all. */
  size: number;
  /** Pixels that are not transparent. */
  painted: number;
  /** Distinct colours among them. */
  colours: number;
  /** Whether each of these "r,g,b" colours occurs. */
  has: Record<string, boolean>;
}

/** What a canvas holds, read back from its 2D context. */
export function canvasPixels(canvas: Locator, look: string[] = []): Promise<Pixels> {
  return canvas.evaluate((c: HTMLCanvasElement, wanted: string[]) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    const colours = new Set<string>();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      painted++;
      colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    }
    return { size: c.width * c.height, painted, colours: colours.size, has: Object.fromEntries(wanted.map((w) => [w, colours.has(w)])) };
  }, look);
}

/** The light palette's monthly line and yearly step (web/js/trend.ts), as "r,g,b". */
export const LINE_COLOURS = { monthly: '31,78,140', yearly: '163,58,0' };

/** A drawn trend chart: a big canvas, well covered, many shades, both series in their colours. */
export async function expectChartDrawn(canvas: Locator): Promise<void> {
  expect(await canvas.isVisible()).toBe(true);
  const pixels = await canvasPixels(canvas, Object.values(LINE_COLOURS));
  expect(pixels.size).toBeGreaterThan(100_000);
  expect(pixels.painted).toBeGreaterThan(pixels.size / 100);
  expect(pixels.colours).toBeGreaterThan(10);
  expect(pixels.has).toEqual({ [LINE_COLOURS.monthly]: true, [LINE_COLOURS.yearly]: true });
}

/** Fails with a readable report when axe finds any WCAG 2.1 A or AA violation. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const report = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary}`).join('\n  ')}`);
  expect(violations.length, report.join('\n')).toBe(0);
}

export interface Resource {
  url: string;
  status: number;
  encoding: string | undefined;
  bytes: number;
  /** From the disk cache, as CDP says (memory-cache hits show as 0 bytes). */
  cached: boolean;
}

/** Every resource a navigation loads until the network is idle, with its bytes on the wire. */
export async function load(page: Page, cdp: CDPSession, url: string): Promise<Resource[]> {
  const seen = new Map<string, Resource>();
  const onResponse = (e: { requestId: string; response: { url: string; status: number; headers: Record<string, string>; fromDiskCache?: boolean } }) => {
    const encoding = Object.entries(e.response.headers).find(([k]) => k.toLowerCase() === 'content-encoding')?.[1];
    seen.set(e.requestId, { url: e.response.url, status: e.response.status, encoding, bytes: 0, cached: e.response.fromDiskCache === true });
  };
  const onCached = (e: { requestId: string }) => {
    const r = seen.get(e.requestId);
    if (r) r.cached = true;
    else seen.set(e.requestId, { url: '(memory cache)', status: 200, encoding: undefined, bytes: 0, cached: true });
  };
  const onFinished = (e: { requestId: string; encodedDataLength: number }) => {
    const r = seen.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  };
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.requestServedFromCache', onCached);
  cdp.on('Network.loadingFinished', onFinished);
  try {
    await page.goto(url, { waitUntil: 'networkidle' });
    // Chromium asks for the page's icon after "load", sometimes after the network first went idle.
    if (![...seen.values()].some((r) => /\/assets\/icon[.]/.test(r.url))) await page.waitForResponse((r) => /\/assets\/icon[.]/.test(r.url()), { timeout: 3000 }).catch(() => undefined);
  } finally {
    cdp.off('Network.responseReceived', onResponse);
    cdp.off('Network.requestServedFromCache', onCached);
    cdp.off('Network.loadingFinished', onFinished);
  }
  return [...seen.values()];
}

export const kb = (resources: Resource[]) => resources.reduce((n, r) => n + r.bytes, 0) / 1024;
