/**
 * The watch pages in Chromium, served by the real app from a site whose province 79 has more
 * commune flags than a page shows: what a first visit transfers (every resource, as the browser
 * received it), axe, the filters with JavaScript and the tables without.
 */
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMUNE_FLAGS_PER_PROVINCE } from '../../jobs/site/watch-model.ts';
import type { ServedSite } from '../jobs/site/fixture.ts';
import { COMMUNE_PROVINCE, servedCommuneSite } from '../jobs/site/watch-fixture.ts';
import { CHROMIUM, HAS_CHROMIUM, expectNoAxeViolations, launchBrowser, recordProblems } from './browser.ts';

/** Issue 13: each watch page < 200 KB on the wire, on a first visit, every resource counted. */
const BUDGET = 200_000;
const PAGES = ['/watch/', '/en/watch/', `/watch/${COMMUNE_PROVINCE}/`, `/en/watch/${COMMUNE_PROVINCE}/`];

interface Weight {
  url: string;
  /** Bytes received: headers and (encoded) bodies of every response. */
  transferred: number;
  /** Bodies as decoded, for comparison. */
  decoded: number;
  resources: number;
}

describe.skipIf(!HAS_CHROMIUM)(`the watch pages in Chromium (skipped when ${CHROMIUM} is missing)`, () => {
  let site: ServedSite;
  let browser: Browser;

  beforeAll(async () => {
    site = await servedCommuneSite();
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled([browser?.close(), site?.close()]);
  }, 120_000);

  /** A first visit: a new context (empty cache), every response's size as Chromium counted it. */
  async function firstVisit(url: string): Promise<Weight> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      recordProblems(page, problems);
      const requests: Request[] = [];
      page.on('requestfinished', (r) => requests.push(r));
      await page.goto(site.base + url, { waitUntil: 'networkidle' });
      let transferred = 0;
      let decoded = 0;
      for (const r of requests) {
        const sizes = await r.sizes();
        transferred += sizes.responseHeadersSize + sizes.responseBodySize;
        decoded += (await (await r.response())?.body())?.length ?? 0;
      }
      expect(problems, url).toEqual([]);
      return { url, transferred, decoded, resources: requests.length };
    } finally {
      await context.close();
    }
  }

  it('transfers under 200 KB for the national page and a province page at the bound, on a first visit', async () => {
    const weights: Weight[] = [];
    for (const url of PAGES) weights.push(await firstVisit(url));
    console.log(`watch page weights: ${weights.map((w) => `${w.url} ${w.transferred} B transferred (${w.decoded} B decoded, ${w.resources} resources)`).join('; ')}`);
    for (const w of weights) {
      expect(w.resources, w.url).toBeGreaterThanOrEqual(3); // the page, its stylesheet and its script at least
      expect(w.transferred, w.url).toBeGreaterThan(10_000);
      expect(w.transferred, w.url).toBeLessThan(BUDGET);
    }
  }, 120_000);

  describe('in one tab', () => {
    let page: Page;
    const problems: string[] = [];
    beforeAll(async () => {
      page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      recordProblems(page, problems);
    });
    const visible = (table: string, attribute: string) =>
      page.$$eval(`#${table} tbody tr:not([hidden])`, (rows, a) => rows.map((r) => r.getAttribute(a)), attribute);

    it.each(PAGES)('%s has no axe violations', async (url) => {
      problems.length = 0;
      await page.goto(site.base + url, { waitUntil: 'load' });
      await expectNoAxeViolations(page);
      expect(problems).toEqual([]);
    }, 60_000);

    it('filters both tables of a province page by the signal of its link, and the communes by commune', async () => {
      problems.length = 0;
      await page.goto(`${site.base}/watch/${COMMUNE_PROVINCE}/?signal=stalled`, { waitUntil: 'load' });
      expect(await page.locator('#watch-commune-flags-signal').inputValue()).toBe('stalled');
      const stalled = await visible('watch-commune-flags', 'data-signal');
      expect(stalled.length).toBeGreaterThan(0);
      expect(stalled.length).toBeLessThan(COMMUNE_FLAGS_PER_PROVINCE);
      expect(new Set(stalled)).toEqual(new Set(['stalled']));
      expect(await page.locator('[data-count-for="watch-commune-flags"]').textContent()).toBe(`${stalled.length} cảnh báo`);
      expect(new Set(await visible('watch-flags', 'data-signal'))).toEqual(new Set(['stalled']));
      // One commune, every signal.
      await page.locator('#watch-commune-flags-signal').selectOption('');
      const communes = await visible('watch-commune-flags', 'data-locality');
      expect(communes).toHaveLength(COMMUNE_FLAGS_PER_PROVINCE);
      const first = communes[0]!;
      await page.locator('#watch-commune-flags-commune').selectOption(first);
      const one = await visible('watch-commune-flags', 'data-locality');
      expect(one).toHaveLength(communes.filter((c) => c === first).length);
      expect(new Set(one)).toEqual(new Set([first]));
      // Sorting by paper, ascending.
      await page.locator('#watch-commune-flags-commune').selectOption('');
      await page.locator('#watch-commune-flags thead button', { hasText: 'Hồ sơ chưa trực tuyến' }).click();
      const papers = await page.$$eval('#watch-commune-flags tbody tr td.num', (cells) => cells.map((c) => Number(c.getAttribute('data-sort'))));
      expect(papers).toEqual([...papers].sort((a, b) => a - b));
      expect(problems).toEqual([]);
    });
  });

  it('reads without JavaScript: every row shown, no filters', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${site.base}/en/watch/${COMMUNE_PROVINCE}/?signal=stalled`, { waitUntil: 'load' });
      expect(await page.locator('#watch-commune-flags tbody tr:visible').count()).toBe(COMMUNE_FLAGS_PER_PROVINCE);
      expect(await page.locator('form.filters').first().isVisible()).toBe(false);
      expect(await page.getByRole('link', { name: 'Watch list' }).count()).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });
});
