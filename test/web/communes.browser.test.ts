/**
 * Communes on the site, in Chromium: the commune pages in both languages, the search box by
 * keyboard with and without diacritics, the commune table without JavaScript, axe, and the
 * bytes a first visit transfers.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertServices } from '../../db/services.ts';
import { type TestApp, tempDir, testApp } from '../helper.ts';
import { type Row, build, freePort, ingest } from '../jobs/site/fixture.ts';
import { CHROMIUM, HAS_CHROMIUM, expectNoAxeViolations, kb, launchBrowser, load, recordProblems } from './browser.ts';

/** Communes of Hồ Chí Minh City (79): 25760 has whole old communes behind it, 25747 a split source. */
const ROWS: Row[] = [
  ['2025-05', 'A', '25760', 10, 100],
  ['2025-06', 'A', '25762', 30, 100],
  ...['2025-07', '2025-08', '2025-09', '2025-10'].flatMap((m, i): Row[] => [
    [m, 'A', '25760', 50 + i, 100],
    [m, 'A', '25747', 5 + i, 100],
    [m, 'A', '25750', 60, 100],
  ]),
];

describe.skipIf(!HAS_CHROMIUM)(`communes in Chromium (skipped when ${CHROMIUM} is missing)`, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const dir = tempDir('thuocdo-communes-browser-');

  beforeAll(async () => {
    const siteDir = join(dir.path, 'site');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await testApp({ siteDir, publicUrl: base });
    upsertServices(t.db.sqlite, [{ code: 'A', name_vi: 'Đăng ký khai sinh', name_en: 'Birth registration', agency: 'Bộ Tư pháp', online_level: 'full', online_since: '2019-01' }]);
    ingest(t.db.sqlite, ROWS);
    await build(t.db.sqlite, siteDir, { siteUrl: base });
    await t.app.listen({ port, host: '127.0.0.1' });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled([browser?.close(), t?.close()]);
    dir.remove();
  });

  async function open(path: string, options: { javaScriptEnabled?: boolean } = {}): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 412, height: 900 }, ...options });
    const page = await context.newPage();
    const problems: string[] = [];
    recordProblems(page, problems);
    await page.goto(base + path, { waitUntil: 'networkidle' });
    return { page, problems, close: () => context.close() };
  }

  it.each([
    ['/localities/25760/', 'Phường Bình Dương', 'Thành phố Hồ Chí Minh', 'Xu hướng: Phường Bình Dương'],
    ['/en/localities/25760/', 'Phường Bình Dương', 'Thành phố Hồ Chí Minh', 'Trend: Phường Bình Dương'],
  ])('%s: breadcrumbs, the chart drawn, its table, no errors', async (path, name, province, trend) => {
    const { page, problems, close } = await open(path);
    try {
      await expect.poll(() => page.locator('nav.crumbs li').allInnerTexts()).toEqual([path.startsWith('/en/') ? 'Viet Nam' : 'Việt Nam', province, name]);
      expect(await page.locator('h1').innerText()).toBe(name);
      expect(await page.getByRole('heading', { name: trend }).count()).toBe(1);
      await expect.poll(() => page.locator('canvas').count()).toBeGreaterThan(0);
      // The yearly table under the chart: 2025 holds the old communes' May and June.
      expect(await page.locator('table').first().textContent()).toMatch(/2025/);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it.each([
    ['phuc xa', 'Phường Hồng Hà', '/localities/00097/'],
    ['thu dau mot', 'Phường Thủ Dầu Một', '/localities/25747/'],
    ['Thủ Dầu Một', 'Phường Thủ Dầu Một', '/localities/25747/'],
    ['ba dinh', 'Phường Ba Đình', '/localities/00004/'],
  ])('search "%s" by keyboard finds %s', async (query, name, target) => {
    const { page, problems, close } = await open('/');
    try {
      const box = page.getByRole('combobox', { name: 'Tìm xã, phường, tỉnh' });
      await box.focus();
      await page.keyboard.type(query);
      const first = page.getByRole('option').first();
      await expect.poll(() => first.innerText()).toContain(name);
      expect(await box.getAttribute('aria-expanded')).toBe('true');
      await page.keyboard.press('ArrowDown');
      expect(await box.getAttribute('aria-activedescendant')).toBe('search-option-0');
      expect(await first.getAttribute('aria-selected')).toBe('true');
      await page.keyboard.press('Enter');
      await page.waitForURL(`**${target}`);
      expect(await page.locator('h1').innerText()).toBe(name);
      await page.keyboard.press('Escape');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('reads the commune table and every commune link without JavaScript', async () => {
    const { page, close } = await open('/localities/79/', { javaScriptEnabled: false });
    try {
      expect(await page.locator('#communes-table tbody tr').count()).toBe(168);
      const row = page.locator('#communes-table tbody tr', { hasText: 'Phường Bình Dương' });
      // (10 + 30 + 50 + 51 + 52 + 53) / 600: the old communes' months are in its 12-month window.
      expect(await row.locator('td').first().innerText()).toBe('41,0%');
      await page.goto(`${base}/localities/`);
      expect(await page.locator('#all-communes a').count()).toBe(3321);
      // The search form still leads somewhere: the index.
      expect(await page.locator('form.site-search').getAttribute('action')).toBe('../localities/');
    } finally {
      await close();
    }
  });

  it.each(['/localities/25760/', '/en/localities/25747/', '/localities/79/', '/localities/', '/localities/before-2025-07/01/'])('%s has no axe violations, the search list open', async (path) => {
    const { page, close } = await open(path);
    try {
      await page.getByRole('combobox').fill('ba');
      await expect.poll(() => page.getByRole('option').count()).toBeGreaterThan(0);
      await expectNoAxeViolations(page);
    } finally {
      await close();
    }
  });

  it.each([
    ['/localities/25760/', 120],
    ['/localities/79/', 150],
    ['/embed/localities/25760/', 90],
  ] as const)('%s: under %i KB on a first visit', async (path, budget) => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      const first = await load(page, cdp, base + path);
      console.log(`${path}: ${kb(first).toFixed(1)} KB in ${first.length} resources`);
      expect(first.every((r) => r.status === 200)).toBe(true);
      expect(kb(first)).toBeLessThan(budget);
    } finally {
      await context.close();
    }
  });
});
