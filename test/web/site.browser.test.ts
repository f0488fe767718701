/**
 * The built site in a real headless Chromium, served by the real app: pages render, charts
 * draw, tables work with and without JavaScript, axe finds nothing, hostile names stay text.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateOf } from '../../db/adoption.ts';
import { localePath } from '../../web/i18n.ts';
import { DANG_KY, HOSTILE_AGENCY, HOSTILE_NAME, LANGS, SERVICE_CODES, type ServedSite, engine, pages, servedSite } from '../jobs/site/fixture.ts';
import { CHROMIUM, HAS_CHROMIUM, expectChartDrawn, expectNoAxeViolations, launchBrowser, recordProblems } from './browser.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const CHART_PAGES = ['/', '/services/KS-01/', '/localities/08/'];
/** Pages that name the hostile service (it has rows in 01, 08 and 79). */
const HOSTILE_PAGES = ['/services/', '/services/XSS/', '/localities/01/', '/localities/08/', '/localities/79/'];
const ALL = pages().map((p) => [`${p.lang} ${p.type}`, p] as const);

interface Visit {
  page: Page;
  status: number | null;
  /** Console errors, page errors, failed requests and dialogs seen since the visit began. */
  problems: () => string[];
}

/** One reusable page per viewport and JavaScript setting: navigating is much cheaper than a new page. */
interface Tab {
  page: Page;
  problems: string[];
}

describe.skipIf(!HAS_CHROMIUM)(`the site in Chromium (skipped when ${CHROMIUM} is missing)`, () => {
  let site: ServedSite;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    site = await servedSite();
    base = site.base;
    browser = await launchBrowser();
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);

  // As in the embed tests: independent closes, with time for a slow browser shutdown.
  afterAll(async () => {
    await Promise.allSettled([browser?.close(), site?.close()]);
  }, 120_000);

  const tabs = new Map<string, Promise<Tab>>();

  async function openTab(width: number, javaScript: boolean): Promise<Tab> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: javaScript });
    const page = await context.newPage();
    const tab: Tab = { page, problems: [] };
    recordProblems(page, tab.problems);
    return tab;
  }

  /** Loads a URL in the tab for these settings; anything that goes wrong is recorded. */
  async function visit(url: string, options: { width?: number; javaScript?: boolean } = {}): Promise<Visit> {
    const [width, javaScript] = [options.width ?? 1280, options.javaScript ?? true];
    const key = `${width}:${javaScript}`;
    if (!tabs.has(key)) tabs.set(key, openTab(width, javaScript));
    const tab = await tabs.get(key)!;
    tab.problems.length = 0;
    const response = await tab.page.goto(base + url, { waitUntil: 'load' });
    return { page: tab.page, status: response?.status() ?? null, problems: () => [...tab.problems] };
  }

  /** Visits a page, runs the checks, then fails on any problem seen meanwhile (a dialog included). */
  async function withPage<T>(url: string, options: Parameters<typeof visit>[1], check: (v: Visit) => Promise<T>): Promise<T> {
    const v = await visit(url, options);
    const result = await check(v);
    expect(v.problems(), url).toEqual([]);
    return result;
  }

  /** Waits until charts.js has drawn and folded the table of the page's first chart. */
  const chartDrawn = (page: Page) => page.waitForFunction(() => document.querySelector<HTMLDetailsElement>('details.chart-table')?.open === false, null, { timeout: 10_000 });

  /** A column of a table's visible rows: its text, or its data-sort key. */
  const column = (page: Page, table: string, col: number, what: 'text' | 'sort') =>
    page.$$eval(
      `#${table} tbody tr:not([hidden])`,
      (rows, [c, w]) => rows.map((r) => {
        const cell = (r as HTMLTableRowElement).cells[c as number];
        return (w === 'text' ? cell?.textContent : cell?.getAttribute('data-sort'))?.trim() ?? '';
      }),
      [col, what] as const,
    );

  describe('every page type renders in both languages', () => {
    it.each(ALL)('%s', async (_name, p) => {
      await withPage(p.url, {}, async ({ page, status }) => {
        expect(status).toBe(200);
        expect(await page.getAttribute('html', 'lang')).toBe(p.lang);
        const h1 = page.locator('h1');
        expect(await h1.count()).toBe(1);
        expect(await h1.isVisible()).toBe(true);
        const heading = (await h1.textContent())!.trim();
        expect(heading.length).toBeGreaterThan(3);
        expect(await page.title()).toBe(`${heading} — Thước đo`);
      });
    });
  });

  describe('charts', () => {
    it.each(LANGS.flatMap((lang) => CHART_PAGES.map((p) => localePath(lang, p))))('draw on %s and fold the table', async (url) => {
      await withPage(url, {}, async ({ page }) => {
        await chartDrawn(page);
        // Both series were drawn in their own colours.
        await expectChartDrawn(page.locator('figure.chart canvas').first());
        expect(await page.locator('details.chart-table').first().getAttribute('open')).toBeNull();
      });
    });
  });

  describe('without JavaScript', () => {
    it.each(LANGS.flatMap((lang) => CHART_PAGES.map((p) => localePath(lang, p))))('%s shows the chart tables open', async (url) => {
      await withPage(url, { javaScript: false }, async ({ page }) => {
        const details = page.locator('details.chart-table').first();
        expect(await details.getAttribute('open')).toBe('');
        const yearly = details.locator('table').first();
        expect(await yearly.isVisible()).toBe(true);
        expect(await yearly.locator('tbody tr').count()).toBe(7);
        expect(await page.locator('.chart-box').first().isVisible()).toBe(false);
      });
    });

    it('keeps the sortable tables whole', async () => {
      const rowsOf = (url: string, table: string) => withPage(url, { javaScript: false }, async ({ page }) => {
        expect(await page.locator(`#${table} thead button`).count()).toBe(0);
        return page.locator(`#${table} tbody tr`).count();
      });
      expect(await rowsOf('/services/', 'all-services')).toBe(SERVICE_CODES.length);
      expect(await rowsOf('/', 'province-ranking')).toBe(34);
      expect(await rowsOf('/localities/', 'all-provinces')).toBe(34);
      expect(await rowsOf('/en/localities/08/', 'services-by-rate')).toBe(3);
    });
  });

  describe('services list', () => {
    it('sorts by the 12-month rate, descending then ascending', async () => {
      // The 12 complete months to 2026-10, from the engine.
      const rate12 = (code: string) => {
        const months = engine(site.t.db.sqlite, 'VN', 'month', code, '2025-11', '2026-10');
        return rateOf(months.reduce((s, m) => s + m.online_count, 0), months.reduce((s, m) => s + m.total_count, 0))!;
      };
      const descending = [...SERVICE_CODES].sort((a, b) => rate12(b) - rate12(a));
      expect(new Set(descending.map(rate12)).size).toBe(SERVICE_CODES.length);

      await withPage('/services/', {}, async ({ page }) => {
        const header = page.locator('#all-services thead th').nth(3);
        const button = page.getByRole('button', { name: 'Tỷ lệ 12 tháng' });
        await button.click();
        expect(await header.getAttribute('aria-sort')).toBe('descending');
        const keys = (await column(page, 'all-services', 3, 'sort')).map(Number);
        expect(keys).toEqual([...keys].sort((a, b) => b - a));
        expect(keys).toEqual(descending.map(rate12));
        expect((await column(page, 'all-services', 1, 'text'))).toEqual(descending);

        await button.click();
        expect(await header.getAttribute('aria-sort')).toBe('ascending');
        expect((await column(page, 'all-services', 1, 'text'))).toEqual([...descending].reverse());
        // Only the sorted column says so.
        expect(await page.locator('#all-services thead th[aria-sort]').count()).toBe(1);
      });
    });

    it('filters without diacritics and updates the count', async () => {
      await withPage('/services/', {}, async ({ page }) => {
        const count = page.locator('[data-count-for="all-services"]');
        expect(await count.textContent()).toBe('5 dịch vụ');
        await page.locator('#service-search').fill('dang ky');
        expect((await column(page, 'all-services', 1, 'text')).sort()).toEqual([...DANG_KY].sort());
        expect(DANG_KY).toHaveLength(2);
        expect(await count.textContent()).toBe('2 dịch vụ');
        await page.locator('#service-search').fill('');
        expect(await page.locator('#all-services tbody tr:not([hidden])').count()).toBe(5);
        expect(await count.textContent()).toBe('5 dịch vụ');
      });
    });
  });

  describe('watch list', () => {

    const visibleSignals = (page: Page, table = 'watch-flags') => page.$$eval(`#${table} tbody tr:not([hidden])`, (rows) => rows.map((r) => r.getAttribute('data-signal')));

    it('filters the national flags by the chosen signal, and back', async () => {
      await withPage('/watch/', {}, async ({ page }) => {
        expect(await page.locator('form.filters').isVisible()).toBe(true);
        const all = await visibleSignals(page);
        expect(all.length).toBeGreaterThan(0);
        const signal = all[0]!;
        await page.getByLabel('Loại cảnh báo').selectOption(signal);
        const only = await visibleSignals(page);
        expect(only.length).toBe(all.filter((s) => s === signal).length);
        expect(only.every((s) => s === signal)).toBe(true);
        expect(await page.locator('[data-count-for="watch-flags"]').textContent()).toBe(`${only.length} cảnh báo`);
        // A signal the page has no flag of: no row, and the count says so.
        await page.getByLabel('Loại cảnh báo').selectOption('target');
        expect(await visibleSignals(page)).toHaveLength(0);
        expect(await page.locator('[data-count-for="watch-flags"]').textContent()).toBe('0 cảnh báo');
        await page.getByLabel('Loại cảnh báo').selectOption('');
        expect(await visibleSignals(page)).toHaveLength(all.length);
      });
    });

    it('preselects the signal of a link from the provinces table', async () => {
      await withPage('/en/watch/', {}, async ({ page }) => {
        const link = page.locator('#watch-province-table a[href*="/01/?signal=low_usage"]');
        await link.click();
        await page.waitForURL(/\/en\/watch\/01\/\?signal=low_usage$/);
        expect(await page.locator('#watch-flags-signal').inputValue()).toBe('low_usage');
        const shown = await visibleSignals(page);
        expect(shown.length).toBeGreaterThan(0);
        expect(shown.every((s) => s === 'low_usage')).toBe(true);
      });
    });

    it('serves a feed that a strict XML parser accepts', async () => {
      await withPage('/watch/', {}, async ({ page }) => {
        const result = await page.evaluate(async () => {
          const link = document.querySelector<HTMLLinkElement>('link[type="application/atom+xml"]')!;
          const response = await fetch(link.href);
          const doc = new DOMParser().parseFromString(await response.text(), 'application/xml');
          return { type: response.headers.get('content-type'), error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.namespaceURI, entries: doc.getElementsByTagName('entry').length };
        });
        expect(result).toMatchObject({ error: null, root: 'http://www.w3.org/2005/Atom' });
        expect(result.type).toContain('application/atom+xml');
        expect(result.entries).toBeGreaterThan(0);
      });
    });
  });

  describe('accessibility (axe, WCAG 2.1 A and AA)', () => {
    it.each(ALL)('%s has no violations', async (_name, p) => {
      await withPage(p.url, {}, async ({ page }) => {
        if (CHART_PAGES.includes(p.url.replace(/^\/en/, ''))) await chartDrawn(page);
        await expectNoAxeViolations(page);
      });
    });
  });

  describe('hostile service name', () => {
    it.each(LANGS.flatMap((lang) => HOSTILE_PAGES.map((p) => localePath(lang, p))))('is shown as text on %s', async (url) => {
      await withPage(url, {}, async ({ page }) => {
        expect(await page.getByText(HOSTILE_NAME).first().isVisible()).toBe(true);
        expect(await page.getByText(HOSTILE_AGENCY).first().isVisible()).toBe(true);
        expect(await page.locator('img').count()).toBe(0);
        // Let any late script run before the dialog check in withPage.
        await page.waitForTimeout(100);
      });
    });
  });

  describe('small screens', () => {
    it.each(ALL)('%s fits 320 px without horizontal scroll', async (_name, p) => {
      await withPage(p.url, { width: 320 }, async ({ page }) => {
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width).toBeLessThanOrEqual(320);
      });
    });
  });

  describe('screenshots', () => {
    it.each(ALL.flatMap(([name, p]) => [375, 1280].map((width) => [`${name} at ${width}`, p, width] as const)))('%s', async (_name, p, width) => {
      await withPage(p.url, { width }, async ({ page }) => {
        if (CHART_PAGES.includes(p.url.replace(/^\/en/, ''))) await chartDrawn(page);
        const path = join(SCREENSHOTS, `${p.lang}-${p.type}-${width}.png`);
        await page.screenshot({ path, fullPage: true });
        expect(existsSync(path)).toBe(true);
      });
    });
  });
});
