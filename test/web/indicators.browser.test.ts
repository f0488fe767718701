/**
 * The indicators in a real headless Chromium, served by the real app, on a small site with the
 * optional measures (test/jobs/site/indicators-fixture.ts): the measure lines are drawn only where
 * reported, with their legend; every page that shows them or a scorecard passes axe and fits 320 px.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localePath } from '../../web/i18n.ts';
import { type ServedSite, LANGS, servedSite } from '../jobs/site/fixture.ts';
import { COMMUNE, loadMeasures } from '../jobs/site/indicators-fixture.ts';
import { CHROMIUM, HAS_CHROMIUM, expectChartDrawn, expectNoAxeViolations, launchBrowser, recordProblems } from './browser.ts';

const CHARTS = ['/', '/localities/01/', '/localities/08/', `/localities/${COMMUNE}/`, '/services/A/'];
const PAGES = [...CHARTS, '/agencies/', '/methodology/'].flatMap((p) => LANGS.map((lang) => localePath(lang, p)));
const hasChart = (url: string) => CHARTS.includes(url.replace(/^\/en/, ''));

describe.skipIf(!HAS_CHROMIUM)(`the indicators in Chromium (skipped when ${CHROMIUM} is missing)`, () => {
  let site: ServedSite;
  let browser: Browser;

  beforeAll(async () => {
    site = await servedSite(loadMeasures);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await Promise.allSettled([browser?.close(), site?.close()]);
  }, 120_000);

  /** A page at a width, loaded, its chart drawn when it has one, and nothing gone wrong. */
  async function open(url: string, width = 1280): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    recordProblems(page, problems);
    expect((await page.goto(site.base + url, { waitUntil: 'load' }))?.status()).toBe(200);
    if (hasChart(url)) await page.waitForFunction(() => document.querySelector<HTMLDetailsElement>('details.chart-table')?.open === false, null, { timeout: 10_000 });
    expect(problems, url).toEqual([]);
    return page;
  }

  /** The labels of the datasets Chart.js drew on the page's first chart. */
  const lines = (page: Page) =>
    page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: Array<{ label: string; data: unknown[] }> } } } }).Chart;
      return chart.getChart(document.querySelector<HTMLCanvasElement>('figure.chart canvas')!).data.datasets.map((d) => d.label);
    });

  it('draws the end-to-end and paid-online lines beside the online rate where they were reported, and only the online rate where not', async () => {
    const hanoi = await open('/localities/01/');
    await expectChartDrawn(hanoi.locator('figure.chart canvas').first());
    expect(await lines(hanoi)).toEqual(['Nộp trực tuyến, hằng tháng', 'Nộp trực tuyến, cả năm', 'Toàn trình, hằng tháng', 'Thanh toán trực tuyến, hằng tháng']);
    // Their colours are on the canvas: green for end-to-end, purple for paid online (web/js/trend.ts).
    const colours = await hanoi.locator('figure.chart canvas').first().evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<string>();
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] === 255) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
      return { green: seen.has('45,106,46'), purple: seen.has('107,63,160') };
    });
    expect(colours).toEqual({ green: true, purple: true });
    expect(await hanoi.getAttribute('figure.chart canvas', 'aria-label')).toMatch(/Toàn trình trực tuyến: 20,00% năm 2026 \(10 tháng\)\. Thanh toán trực tuyến: 20,00% năm 2026 \(10 tháng\)\./);
    await hanoi.context().close();
    const tuyenQuang = await open('/en/localities/08/');
    expect(await lines(tuyenQuang)).toEqual(['Monthly', 'Whole year']);
    await tuyenQuang.context().close();
  });

  describe('axe finds nothing, and the page fits 320 px', () => {
    it.each(PAGES)('%s', async (url) => {
      const page = await open(url);
      if (hasChart(url)) await expectChartDrawn(page.locator('figure.chart canvas').first());
      await expectNoAxeViolations(page);
      await page.context().close();
      const small = await open(url, 320);
      expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
      await small.context().close();
    });
  });
});
