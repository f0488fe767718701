/**
 * Embeds in a real headless Chromium: the snippet the site's Embed dialog hands out, pasted
 * into a page of another origin, with and without the resizer; the URL parameters; the dark
 * theme on a dark page; the table without JavaScript; archived embeds that keep their
 * numbers after a revision; axe; and the framing headers that make all of it possible.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastStoredBatch } from '../../db/meta.ts';
import { localityRegistry } from '../../db/localities/registry.ts';
import { PALETTE } from '../../web/js/trend.ts';
import { formatRate } from '../../web/i18n.ts';
import { strings } from '../../web/strings.ts';
import { type ServedSite, TODAY, datasetRows, engine, servedSite } from '../jobs/site/fixture.ts';
import { indicatorById } from '../../db/indicators/catalogue.ts';
import { indicatorSeries } from '../../db/indicators/series.ts';
import { CHROMIUM, HAS_CHROMIUM, canvasPixels, expectChartDrawn, expectNoAxeViolations, launchBrowser, recordProblems } from './browser.ts';

const vi = strings('vi');
/** The chart the snippets are taken from: the national trend of one service, on its page. */
const SERVICE = 'KS-01';
const TITLE = vi.services.trend('Đăng ký khai sinh');
const FALLBACK_HEIGHT = 520;

/** What the tests read of a Chart.js chart (Chart.getChart is part of its public API). */
interface ChartState {
  labels: string[];
  datasets: Array<{ label: string; data: Array<number | null> }>;
  legend: string[];
}

/** Waits until the embed's script has drawn its chart (it then shows the tab and posts its height). */
const embedReady = (frame: Frame) =>
  frame.waitForFunction(
    () => {
      const chartJs = (window as unknown as { Chart?: { getChart(c: HTMLCanvasElement): unknown } }).Chart;
      const canvas = document.querySelector('main.embed canvas');
      return chartJs !== undefined && canvas instanceof HTMLCanvasElement && chartJs.getChart(canvas) !== undefined;
    },
    null,
    { timeout: 10_000 },
  );

const chartState = (frame: Frame): Promise<ChartState> =>
  frame.evaluate(() => {
    type Chart = { data: { labels: string[]; datasets: Array<{ label: string; data: Array<number | null> }> }; legend: { legendItems: Array<{ text: string }> } };
    const chartJs = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): Chart } }).Chart;
    const chart = chartJs.getChart(document.querySelector<HTMLCanvasElement>('main.embed canvas')!);
    return {
      labels: [...chart.data.labels],
      datasets: chart.data.datasets.map((d) => ({ label: d.label, data: [...d.data] })),
      legend: chart.legend.legendItems.map((i) => i.text),
    };
  });

/** The static embed's own numbers (web/templates/chart.ts ChartPayload). */
const payload = (frame: Frame) =>
  frame.evaluate(() => JSON.parse(document.querySelector('script.chart-data')!.textContent!) as { periods: string[]; labels: string[]; monthly: Array<number | null> });

/** Relative luminance of a CSS rgb() colour. */
function luminance(css: string): number {
  const [r, g, b] = css.match(/\d+(\.\d+)?/g)!.slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Share of near-white pixels in a PNG. */
async function whiteShare(png: Buffer): Promise<number> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, 0, image.width, image.height).data;
  let white = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i]! >= 235 && data[i + 1]! >= 235 && data[i + 2]! >= 235) white++;
  return white / (image.width * image.height);
}

/** The value of an iframe snippet's src attribute. */
const srcOf = (snippet: string) => snippet.match(/ src="([^"]*)"/)![1]!.replaceAll('&amp;', '&');

/** A snippet with one URL parameter changed, as a journalist would edit it. */
const withParam = (snippet: string, key: string, value: string) => {
  const url = new URL(srcOf(snippet));
  url.searchParams.set(key, value);
  return snippet.replace(/ src="[^"]*"/, ` src="${url.toString().replaceAll('&', '&amp;')}"`);
};

/** A page of another origin: a newspaper article that pastes snippets, with the resizer or not. */
class HostSite {
  private server: Server;
  private pages = new Map<string, string>();
  origin = '';

  constructor() {
    this.server = createServer((req, res) => {
      const page = this.pages.get(req.url ?? '');
      res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page ?? 'not found');
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Publishes an article and returns its URL. */
  article(name: string, snippets: string[], options: { resizer?: string; dark?: boolean } = {}): string {
    const colours = options.dark ? 'background:#000;color:#ddd' : 'background:#fff;color:#111';
    this.pages.set(
      `/${name}`,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Article ${name}</title>
<style>body{margin:0;padding:24px;font:16px/1.5 sans-serif;${colours}}</style></head>
<body><h1>An article</h1><p>Before the chart.</p>
${snippets.join('\n<p>Between the charts.</p>\n')}
<p>After the chart.</p>
${options.resizer ? `<script src="${options.resizer}/embed.js"></script>` : ''}
</body></html>`,
    );
    return `${this.origin}/${name}`;
  }

  close(): Promise<void> {
    // The browser keeps its connections alive; close() alone would wait for them.
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe.skipIf(!HAS_CHROMIUM)(`embeds in Chromium (skipped when ${CHROMIUM} is missing)`, () => {
  let site: ServedSite;
  let browser: Browser;
  let host: HostSite;
  /** The dialog's snippets for the service chart, taken before any revision. */
  let live: string;
  let archived: string;
  let batchAtSnippet: number;

  beforeAll(async () => {
    site = await servedSite();
    browser = await launchBrowser();
    host = new HostSite();
    await host.start();
    const page = await newPage();
    await page.goto(`${site.base}/services/${SERVICE}/`);
    await page.getByRole('button', { name: vi.embed.button }).first().click();
    const code = page.locator('dialog[open] textarea');
    live = await code.inputValue();
    await page.getByLabel(vi.embed.archived).check();
    archived = await code.inputValue();
    await page.context().close();
    batchAtSnippet = lastStoredBatch(site.t.db.sqlite);
  }, 120_000);

  // Independent closes in parallel: a slow browser shutdown on a loaded CI machine must not
  // hold the servers open past the hook's time.
  afterAll(async () => {
    await Promise.allSettled([browser?.close(), host?.close(), site?.close()]);
  }, 120_000);

  /** A fresh context (no cache shared with earlier tests) and a page in it. */
  async function newPage(options: { javaScript?: boolean; colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, javaScriptEnabled: options.javaScript ?? true, colorScheme: options.colorScheme ?? 'light' });
    return context.newPage();
  }

  /** Opens a URL in a fresh page that records problems; the check fails on any of them. */
  async function withPage(url: string, options: Parameters<typeof newPage>[0], check: (page: Page) => Promise<void>): Promise<void> {
    const page = await newPage(options);
    const problems: string[] = [];
    recordProblems(page, problems);
    const response = await page.goto(url, { waitUntil: 'load' });
    expect(response?.status(), url).toBe(200);
    await check(page);
    expect(problems, url).toEqual([]);
    await page.context().close();
  }

  /** The document inside the nth iframe of a host page, once it has its embed's address. */
  async function frameOf(page: Page, nth = 0): Promise<Frame> {
    const iframe = page.locator('iframe').nth(nth);
    await iframe.scrollIntoViewIfNeeded();
    const frame = (await (await iframe.elementHandle())!.contentFrame())!;
    await expect.poll(() => frame.url(), { timeout: 10_000 }).toMatch(new RegExp(`^${site.base}/`));
    return frame;
  }

  const iframeHeight = (page: Page, nth = 0) => page.locator('iframe').nth(nth).evaluate((f) => f.getBoundingClientRect().height);
  const contentHeight = (frame: Frame) =>
    frame.evaluate(() => ({ scroll: document.documentElement.scrollHeight, content: document.documentElement.getBoundingClientRect().height, viewport: innerHeight }));

  describe('the Embed dialog on a site chart', () => {
    it('gives the live and the archived iframe snippet, with every parameter spelled out', () => {
      const params = 'time=2020..latest&amp;tab=chart&amp;lang=vi&amp;theme=auto';
      const tail = `title="${TITLE}" width="100%" height="${FALLBACK_HEIGHT}" style="border:0;width:100%" loading="lazy"></iframe>`;
      expect(live).toBe(`<iframe src="${site.base}/embed/services/${SERVICE}/?${params}" ${tail}`);
      expect(batchAtSnippet).toBeGreaterThan(0);
      expect(archived).toBe(`<iframe src="${site.base}/embed/adoption/?service=${SERVICE}&amp;as_of_batch=${batchAtSnippet}&amp;${params}" ${tail}`);
    });
  });

  describe('pasted into a page of another origin', () => {
    it('renders the chart and takes its content height with embed.js', async () => {
      const url = host.article('resized', [live], { resizer: site.base });
      expect(new URL(url).origin).not.toBe(site.base);
      await withPage(url, {}, async (page) => {
        const frame = await frameOf(page);
        await embedReady(frame);
        expect((await frame.locator('h1').textContent())?.trim()).toBe(TITLE);
        await expectChartDrawn(frame.locator('main.embed canvas'));
        // The resizer has set the height the embed asked for, and the frame now fits its content.
        await page.waitForFunction((fallback) => document.querySelector('iframe')!.getBoundingClientRect().height !== fallback, FALLBACK_HEIGHT, { timeout: 5_000 });
        await expect
          .poll(async () => {
            const [outer, inner] = [await iframeHeight(page), await contentHeight(frame)];
            return Math.max(Math.abs(outer - inner.scroll), Math.abs(outer - inner.content));
          })
          .toBeLessThanOrEqual(3);
        const height = await iframeHeight(page);
        expect(Math.abs(height - FALLBACK_HEIGHT)).toBeGreaterThan(10);
        // Nothing is cut off: the frame does not scroll.
        const inner = await contentHeight(frame);
        expect(inner.scroll).toBeLessThanOrEqual(inner.viewport + 1);
      });
    });

    it('still renders without embed.js, at the fallback height', async () => {
      const url = host.article('plain', [live]);
      await withPage(url, {}, async (page) => {
        const frame = await frameOf(page);
        await embedReady(frame);
        expect((await frame.locator('h1').textContent())?.trim()).toBe(TITLE);
        await expectChartDrawn(frame.locator('main.embed canvas'));
        // The embed has posted its height by now; nobody listens.
        await page.waitForTimeout(300);
        expect(await iframeHeight(page)).toBe(FALLBACK_HEIGHT);
        // …and it had a different height to ask for, so the resizer really made the difference above.
        expect(Math.abs((await contentHeight(frame)).content - FALLBACK_HEIGHT)).toBeGreaterThan(10);
      });
    });

    it('resizes each of two embeds on one page to its own height', async () => {
      const table = withParam(live, 'tab', 'table');
      const url = host.article('two', [live, table], { resizer: site.base });
      await withPage(url, {}, async (page) => {
        const frames = [await frameOf(page, 0), await frameOf(page, 1)];
        for (const frame of frames) await embedReady(frame);
        await expect
          .poll(async () => {
            const gaps = await Promise.all(frames.map(async (f, i) => Math.abs((await iframeHeight(page, i)) - (await contentHeight(f)).content)));
            return Math.max(...gaps);
          })
          .toBeLessThanOrEqual(3);
        const [chart, tables] = [await iframeHeight(page, 0), await iframeHeight(page, 1)];
        expect(Math.abs(chart - tables)).toBeGreaterThan(10);
      });
    });

    it('is refused for a page that is not an embed (frame-ancestors \'none\')', async () => {
      const url = host.article('home', [`<iframe src="${site.base}/" title="home" width="100%" height="400"></iframe>`]);
      const page = await newPage();
      await page.goto(url, { waitUntil: 'load' });
      const frame = (await (await page.locator('iframe').elementHandle())!.contentFrame())!;
      // Chromium shows its error page instead of the site.
      await expect.poll(() => frame.url(), { timeout: 5_000 }).toBe('chrome-error://chromewebdata/');
      expect(await frame.locator('h1').textContent()).not.toBe(vi.home.title);
      expect(await frame.getByText(vi.siteName).count()).toBe(0);
      await page.context().close();
    });
  });

  describe('URL parameters', () => {
    const registry = () => localityRegistry(site.t.db.sqlite);
    const names = () => ['01', '79'].map((c) => registry().current(c, TODAY)!.name);

    it('locality=01~79 on the generic embed draws one line per province, named in the title and legend', async () => {
      await withPage(`${site.base}/embed/adoption/?locality=01~79&time=2024..latest&tab=chart&lang=vi&theme=auto`, {}, async (page) => {
        const frame = page.mainFrame();
        await embedReady(frame);
        const [hanoi, hcm] = names();
        expect(hanoi).not.toBe(hcm);
        const title = (await frame.locator('h1').textContent())!.trim();
        expect(title).toBe(`${vi.embed.all} — ${hanoi}, ${hcm}`);
        const chart = await chartState(frame);
        expect(chart.legend).toEqual([hanoi, hcm]);
        // time=2024..latest: the months from 2024-01 to the newest, and the engine's rates for each province.
        const expected = ['01', '79'].map((code) => engine(site.t.db.sqlite, code, 'month', undefined, '2024-01'));
        expect(chart.labels).toEqual(expected[0]!.map((b) => b.period));
        expect(chart.labels[0]).toBe('2024-01');
        expect(chart.labels.every((l) => l >= '2024-01')).toBe(true);
        expect(chart.datasets.map((d) => d.data)).toEqual(expected.map((e) => e.map((b) => b.rate)));
        expect(chart.datasets[0]!.data).not.toEqual(chart.datasets[1]!.data);
        // Both lines drawn, in the first two colours of the palette.
        await expectChartDrawn(frame.locator('main.embed canvas'));
        expect(await frame.locator('.table-box').isVisible()).toBe(false);
      });
    });

    it('tab=table on the generic embed shows the table of those months instead of the chart', async () => {
      await withPage(`${site.base}/embed/adoption/?locality=01~79&time=2024..latest&tab=table&lang=vi&theme=auto`, {}, async (page) => {
        const frame = page.mainFrame();
        await embedReady(frame);
        expect(await frame.locator('.chart-box').isVisible()).toBe(false);
        const table = frame.locator('.table-box table');
        expect(await table.isVisible()).toBe(true);
        expect(await table.locator('thead th').allTextContents()).toEqual([vi.month, ...names()]);
        const months = await table.locator('tbody th').allTextContents();
        const expected = engine(site.t.db.sqlite, '01', 'month', undefined, '2024-01').map((b) => b.period);
        expect(months).toEqual(expected);
        expect(months).toHaveLength(34);
        expect(months[0]).toBe('2024-01');
      });
    });

    it('indicator= on the generic embed draws that indicator of the catalogue, named in the title', async () => {
      await withPage(`${site.base}/embed/adoption/?locality=01~79&indicator=services_with_online_dossiers&time=2024..latest&tab=chart&lang=vi&theme=auto`, {}, async (page) => {
        const frame = page.mainFrame();
        await embedReady(frame);
        const title = (await frame.locator('h1').textContent())!.trim();
        expect(title).toMatch(/ — Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ$/);
        const registry = localityRegistry(site.t.db.sqlite);
        const indicator = indicatorById('services_with_online_dossiers')!;
        const expected = ['01', '79'].map((code) =>
          indicatorSeries(site.t.db.sqlite, registry, indicator, { serviceId: null, locality: registry.current(code, TODAY)!, granularity: 'month', from: '2024-01' }),
        );
        const chart = await chartState(frame);
        expect(chart.labels).toEqual(expected[0]!.map((b) => b.period));
        expect(chart.datasets.map((d) => d.data)).toEqual(expected.map((e) => e.map((b) => b.rate)));
        // The share of services, not the online rate: the two differ.
        expect(chart.datasets[0]!.data).not.toEqual(engine(site.t.db.sqlite, '01', 'month', undefined, '2024-01').map((b) => b.rate));
      });
    });

    it('time=2024..latest on a static embed keeps the months from 2024-01', async () => {
      await withPage(`${site.base}/embed/services/${SERVICE}/?time=2024..latest&tab=chart&lang=vi&theme=auto`, {}, async (page) => {
        const frame = page.mainFrame();
        await embedReady(frame);
        const all = await payload(frame);
        const kept = all.periods.map((p, i) => [p, i] as const).filter(([p]) => p >= '2024-01');
        expect(kept).toHaveLength(34);
        expect(all.periods.length).toBeGreaterThan(kept.length);
        const chart = await chartState(frame);
        expect(chart.labels).toEqual(kept.map(([, i]) => all.labels[i]));
        expect(chart.labels[0]).toBe('01/2024');
        expect(chart.datasets[0]!.data).toEqual(kept.map(([, i]) => all.monthly[i]));
      });
    });

    it('time=2024..latest with tab=table on a static embed shows only the rows of those months and years', async () => {
      await withPage(`${site.base}/embed/services/${SERVICE}/?time=2024..latest&tab=table&lang=vi&theme=auto`, {}, async (page) => {
        await embedReady(page.mainFrame());
        const tables = page.locator('.table-box table');
        const shown = (n: number) => tables.nth(n).locator('tbody tr:visible th').allTextContents();
        const years = await shown(0);
        expect(years.map((y) => y.slice(0, 4))).toEqual(['2024', '2025', '2026']);
        const months = await shown(1);
        expect(months).toHaveLength(34);
        expect([months[0], months.at(-1)]).toEqual(['01/2024', '10/2026']);
        // The rows before 2024 are still in the page, only hidden.
        expect(await tables.nth(1).locator('tbody tr').count()).toBe(82);
      });
    });

    it('tab=table on a static embed shows the table, and without JavaScript too', async () => {
      const url = `${site.base}/embed/services/${SERVICE}/?time=2020..latest&tab=table&lang=vi&theme=auto`;
      const months = engine(site.t.db.sqlite, 'VN', 'month', SERVICE).length;
      for (const javaScript of [true, false]) {
        const page = await newPage({ javaScript });
        await page.goto(url, { waitUntil: 'load' });
        if (javaScript) await embedReady(page.mainFrame());
        expect(await page.locator('h1').textContent()).toBe(TITLE);
        expect(await page.locator('.chart-box').isVisible()).toBe(false);
        const tables = page.locator('.table-box table');
        expect(await tables.count()).toBe(2);
        expect(await tables.nth(0).isVisible()).toBe(true);
        expect(await tables.nth(0).locator('tbody tr').count()).toBe(7);
        expect(await tables.nth(1).locator('tbody tr').count()).toBe(months);
        expect(months).toBe(82);
        // Without JavaScript the chart's static image stands in for it.
        const image = page.locator('img.fallback');
        expect(await image.count()).toBe(javaScript ? 0 : 1);
        if (!javaScript) expect(await image.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(1200);
        await page.context().close();
      }
    });
  });

  describe('theme', () => {
    async function themed(theme: string, colorScheme: 'light' | 'dark' = 'light') {
      const url = host.article(`theme-${theme}-${colorScheme}`, [withParam(live, 'theme', theme)], { resizer: site.base, dark: true });
      const page = await newPage({ colorScheme });
      const problems: string[] = [];
      recordProblems(page, problems);
      await page.goto(url, { waitUntil: 'load' });
      const frame = await frameOf(page);
      await embedReady(frame);
      await page.waitForFunction((fallback) => document.querySelector('iframe')!.getBoundingClientRect().height !== fallback, FALLBACK_HEIGHT);
      const look = await frame.evaluate(() => ({
        background: getComputedStyle(document.body).backgroundColor,
        colorScheme: getComputedStyle(document.documentElement).colorScheme,
      }));
      const box = (await page.locator('iframe').boundingBox())!;
      const margin = 16;
      const shot = await page.screenshot({ clip: { x: box.x - margin, y: box.y - margin, width: box.width + 2 * margin, height: box.height + 2 * margin } });
      const pixels = await canvasPixels(frame.locator('main.embed canvas'), [...PALETTE.dark.lines.slice(0, 2), ...PALETTE.light.lines.slice(0, 2)].map(rgb));
      await page.context().close();
      expect(problems).toEqual([]);
      return { ...look, luminance: luminance(look.background), white: await whiteShare(shot), pixels: pixels.has };
    }

    it('theme=dark: a dark document with a dark color-scheme, and no white box on a dark page', async () => {
      const dark = await themed('dark');
      expect(dark.luminance).toBeLessThan(0.05);
      expect(dark.colorScheme).toBe('dark');
      expect(dark.white).toBeLessThan(0.01);
      // The lines are drawn in the dark palette.
      expect(dark.pixels[rgb(PALETTE.dark.lines[0]!)]).toBe(true);
      expect(dark.pixels[rgb(PALETTE.light.lines[0]!)]).toBe(false);
    });

    it('theme=light on the same dark page is a white box (so the check above can see one)', async () => {
      const light = await themed('light');
      expect(light.luminance).toBeGreaterThan(0.9);
      expect(light.colorScheme).toBe('light');
      expect(light.white).toBeGreaterThan(0.5);
    });

    it('theme=auto follows the reader\'s dark preference', async () => {
      const auto = await themed('auto', 'dark');
      expect(auto.luminance).toBeLessThan(0.05);
      expect(auto.white).toBeLessThan(0.01);
      expect(auto.pixels[rgb(PALETTE.dark.lines[0]!)]).toBe(true);
    });
  });

  describe('accessibility (axe, WCAG 2.1 A and AA)', () => {
    it.each([
      `/embed/services/${SERVICE}/?theme=light`,
      `/embed/services/${SERVICE}/?theme=dark`,
      '/en/embed/localities/08/?theme=dark&tab=table',
      '/embed/adoption/?locality=01~79&theme=light',
      '/embed/adoption/?locality=01~79&theme=dark',
      `/en/embed/adoption/?service=${SERVICE}&locality=08&tab=table`,
    ])('%s has no violations', async (path) => {
      await withPage(site.base + path, {}, async (page) => {
        await embedReady(page.mainFrame());
        await expectNoAxeViolations(page);
      });
    });
  });

  describe('framing headers', () => {
    const head = async (path: string) => {
      const res = await fetch(site.base + path);
      expect(res.status, path).toBe(200);
      return { csp: res.headers.get('content-security-policy') ?? '', xfo: res.headers.get('x-frame-options') };
    };

    it.each([
      '/embed/national/',
      `/embed/services/${SERVICE}/?tab=table`,
      '/en/embed/localities/08/',
      '/embed/adoption/?locality=01~79',
      '/en/embed/adoption/',
      '/embed.js',
      `/oembed?url=${encodeURIComponent(`${'BASE'}/services/${SERVICE}/`)}`,
    ])('%s may be framed by any page', async (path) => {
      const { csp, xfo } = await head(path.replace('BASE', site.base));
      expect(csp).toMatch(/(^|;)\s*frame-ancestors \*(;|$)/);
      expect(csp.match(/frame-ancestors/g)).toHaveLength(1);
      expect(xfo).toBeNull();
    });

    it.each(['/', '/services/', `/services/${SERVICE}/`, '/en/localities/08/', '/en/', '/data/', '/api/v1/health'])('%s may not be framed', async (path) => {
      const { csp, xfo } = await head(path);
      expect(csp).toMatch(/(^|;)\s*frame-ancestors 'none'(;|$)/);
      expect(xfo).not.toBeNull();
    });
  });

  describe('archived embeds', () => {
    it('keep the numbers of their batch after a revision, while the live embed shows the new ones', async () => {
      const before = engine(site.t.db.sqlite, 'VN', 'month', SERVICE).map((b) => b.rate);
      // A publisher revises the last two months: every application of them was in fact online.
      const revised = datasetRows().filter(([period, service]) => service === SERVICE && period >= '2026-09');
      expect(revised).toHaveLength(6);
      const publisher = await site.t.publisher(['VN']);
      const res = await site.t.app.inject({
        method: 'POST',
        url: '/api/v1/observations',
        headers: { ...publisher.headers, 'content-type': 'text/csv' },
        payload: ['period,service_code,locality_code,online_count,total_count', ...revised.map(([p, s, l, , total]) => `${p},${s},${l},${total},${total}`)].join('\n'),
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ revised: 6 });
      await site.rebuild();
      const after = engine(site.t.db.sqlite, 'VN', 'month', SERVICE).map((b) => b.rate);
      expect(after.slice(-2)).toEqual([1, 1]);
      expect(before.slice(-2).every((r) => r! < 0.9)).toBe(true);
      expect(after.slice(0, -2)).toEqual(before.slice(0, -2));

      const url = host.article('archived', [archived, live], { resizer: site.base });
      await withPage(url, {}, async (page) => {
        const [old, fresh] = [await frameOf(page, 0), await frameOf(page, 1)];
        await embedReady(old);
        await embedReady(fresh);
        // Archived: the API answers as of the snippet's batch.
        const frozen = await chartState(old);
        expect(frozen.datasets).toHaveLength(1);
        expect(frozen.datasets[0]!.data).toEqual(before);
        expect(await old.locator('.table-box tbody tr').last().locator('td').textContent()).toBe(formatRate(before.at(-1)!, 'vi'));
        expect(await old.locator('.as-of').textContent()).toBe(vi.embed.asOf(String(batchAtSnippet)));
        // Live: the rebuilt static embed.
        const now = await chartState(fresh);
        expect(now.datasets[0]!.data).toEqual(after);
        expect((await payload(fresh)).monthly).toEqual(after);
        const lastMonth = fresh.locator('.table-box table').nth(1).locator('tbody tr').last().locator('td');
        // online, total, rate, then who reported.
        expect(await lastMonth.nth(2).textContent()).toBe(formatRate(1, 'vi'));
        expect(await lastMonth.nth(3).textContent()).toBe('3/3');
      });
    });
  });
});

/** "#1f4e8c" → "31,78,140", as canvasPixels names colours. */
function rgb(hex: string): string {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(',');
}
