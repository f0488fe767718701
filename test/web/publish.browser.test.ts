/**
 * The publishers' desk in Chromium, served by the whole app: a CSV with mistakes shows every error
 * with its line in the page's language and a CSV of them to download; the fixed file is checked
 * (nothing stored) and sent (a batch); an XLSX made with exceljs goes in; a withdrawal names its
 * rows before it is confirmed; without JavaScript the page explains the API; axe on every state.
 */
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertServices } from '../../db/services.ts';
import { ADMIN_TOKEN, type TestApp, tempDir, testApp } from '../helper.ts';
import { build, freePort } from '../jobs/site/fixture.ts';
import { CHROMIUM, HAS_CHROMIUM, expectNoAxeViolations, launchBrowser, recordProblems } from './browser.ts';

const HEADER = 'period,service_code,locality_code,online_count,total_count';
/** With the optional measures, left empty where not counted. */
const MEASURED = `${HEADER},end_to_end_count,fee_count,paid_online_count`;
/** Line 3: a count with a decimal point; line 4: online above total; line 5: a province outside the token's scope; line 6: more end-to-end than online. */
const BAD = [MEASURED, '2026-09,KS-01,79,40,100,,,', '2026-09,KS-01,79,1.5,100,,,', '2026-10,KS-01,79,120,100,,,', '2026-10,KS-01,01,1,2,,,', '2026-11,KS-01,79,10,100,11,,'].join('\n') + '\n';
const GOOD = [HEADER, '2026-09,KS-01,79,40,100', '2026-10,KS-01,79,55,100'].join('\n') + '\n';

async function xlsxFile(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Số liệu');
  sheet.addRow(MEASURED.split(','));
  sheet.addRow(['2026-08', 'KS-01', '79', 30, 100, 20, 50, 25]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe.skipIf(!HAS_CHROMIUM)(`the publishers' desk in Chromium (skipped when ${CHROMIUM} is missing)`, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let token: string;
  const dir = tempDir('thuocdo-desk-browser-');
  const stored = () => (t.db.sqlite.prepare("SELECT count(*) AS n FROM observations").get() as { n: number }).n;

  beforeAll(async () => {
    const siteDir = join(dir.path, 'site');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await testApp({ siteDir, publicUrl: base });
    upsertServices(t.db.sqlite, [{ code: 'KS-01', name_vi: 'Đăng ký khai sinh', name_en: 'Birth registration', agency: 'Bộ Tư pháp', online_level: 'full', online_since: '2019-01' }]);
    await build(t.db.sqlite, siteDir, { siteUrl: base });
    await t.app.listen({ port, host: '127.0.0.1' });
    const created = await fetch(`${base}/api/v1/publishers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Sở TT&TT TP. Hồ Chí Minh', localities: ['79'] }),
    });
    expect(created.status).toBe(201);
    token = ((await created.json()) as { token: string }).token;
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled([browser?.close(), t?.close()]);
    dir.remove();
  });

  async function open(path: string, options: { javaScriptEnabled?: boolean } = {}): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 412, height: 900 }, acceptDownloads: true, ...options });
    const page = await context.newPage();
    const problems: string[] = [];
    recordProblems(page, problems);
    await page.goto(base + path, { waitUntil: 'networkidle' });
    return { page, problems, close: () => context.close() };
  }

  /** A refused check answers 403 or 422, which Chromium logs: those are what the test sends on purpose. */
  const unexpected = (problems: string[]) => problems.filter((p) => !/\/api\/v1\/observations/.test(p));

  /** Types the token and waits until the page says its scope. */
  const enterToken = async (page: Page) => {
    await page.fill('#desk-token-input', token);
    await page.dispatchEvent('#desk-token-input', 'change');
    await expect.poll(() => page.textContent('#desk-scope'), { timeout: 15_000 }).toContain('(79)');
  };

  /** Clicks and waits for the API's answer to it. */
  const answered = async (page: Page, selector: string, path: RegExp) => {
    const response = page.waitForResponse((r) => path.test(new URL(r.url()).pathname + new URL(r.url()).search), { timeout: 20_000 });
    await page.click(selector);
    return (await response).status();
  };

  const choose = (page: Page, selector: string, name: string, text: string | Buffer, mimeType: string) => page.setInputFiles(selector, { name, mimeType, buffer: Buffer.isBuffer(text) ? text : Buffer.from(text) });

  it('shows every mistake at once with its line, in Vietnamese, stores nothing, and offers the errors as a CSV', async () => {
    const { page, problems, close } = await open('/publish/');
    try {
      await expectNoAxeViolations(page);
      // By keyboard: the token field, then the file.
      await page.focus('#desk-token-input');
      await page.keyboard.type(token);
      await page.keyboard.press('Tab');
      await expect.poll(() => page.evaluate(() => sessionStorage.getItem('thuocdo-desk-token')), { timeout: 15_000 }).toBe(token);
      // The page says what the token may write before any file is sent.
      await expect.poll(() => page.textContent('#desk-scope'), { timeout: 15_000 }).toMatch(/^Mã này được gửi số liệu cho: Thành phố Hồ Chí Minh \(79\)\. Các tháng từ 01\/2000 đến \d\d\/\d{4}\.$/);
      expect(page.url()).not.toContain(token);
      expect(await page.context().cookies()).toEqual([]);
      await choose(page, '#desk-file', 'so-lieu.csv', BAD, 'text/csv');
      expect(await answered(page, '#desk-upload button[type="submit"]', /\/api\/v1\/observations\?dry_run=1$/)).toBe(403);
      await page.waitForSelector('#desk-errors:not([hidden])');
      const rows = await page.$$eval('#desk-errors-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent ?? '')));
      const lines = rows.map((r) => r[0]);
      // The decimal count (3), online above total (4), the province outside the scope (5) and end-to-end above online (6): one answer.
      expect(lines).toEqual(expect.arrayContaining(['3', '4', '5', '6']));
      expect(rows.find((r) => r[0] === '3')![1]).toBe('online_count');
      expect(rows.find((r) => r[0] === '6')!.slice(1, 3)).toEqual(['end_to_end_count', '11']);
      expect(await page.textContent('#desk-errors-summary')).toMatch(/^Tệp có \d+ lỗi, chưa lưu gì/);
      expect(await page.getAttribute('#desk-errors-summary', 'role')).toBe('alert');
      const download = page.waitForEvent('download');
      await page.click('#desk-errors-csv');
      const csv = await (await download).createReadStream();
      const chunks: Buffer[] = [];
      for await (const chunk of csv) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      expect(text.startsWith('\ufeffdong,cot,gia_tri,can_sua\r\n')).toBe(true);
      expect(text.split('\r\n').filter((l) => l !== '').length).toBe(rows.length + 1);
      expect(stored()).toBe(0);
      await expectNoAxeViolations(page);
      expect(unexpected(problems)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('checks the fixed file without storing it, then sends it as a batch and links the site', async () => {
    const { page, problems, close } = await open('/publish/');
    try {
      await enterToken(page);
      await choose(page, '#desk-file', 'so-lieu.csv', GOOD, 'text/csv');
      expect(await answered(page, '#desk-upload button[type="submit"]', /\/api\/v1\/observations\?dry_run=1$/)).toBe(200);
      await expect.poll(() => page.textContent('#desk-result'), { timeout: 15_000 }).toMatch(/Tệp hợp lệ: 2 dòng\. Nếu gửi sẽ thêm mới 2/);
      expect(stored()).toBe(0);
      expect(await answered(page, '#desk-send', /\/api\/v1\/observations$/)).toBe(201);
      await expect.poll(() => page.textContent('#desk-result'), { timeout: 15_000 }).toMatch(/Đã lưu lô \d+: 2 dòng, thêm mới 2/);
      expect(await page.getAttribute('#desk-progress', 'value')).toBe('100');
      expect(stored()).toBe(2);
      // Links to the pages that show it: the token's province first.
      expect(await page.$$eval('#desk-result a', (as) => as.map((a) => [new URL((a as HTMLAnchorElement).href).pathname, a.textContent]))).toEqual([['/localities/79/', 'Thành phố Hồ Chí Minh'], ['/', 'Tổng quan'], ['/data/', 'Dữ liệu mở']]);
      await expectNoAxeViolations(page);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('takes an XLSX file made with exceljs, in English on /en/publish/', async () => {
    const { page, problems, close } = await open('/en/publish/');
    try {
      await enterToken(page);
      await choose(page, '#desk-file', 'figures.xlsx', await xlsxFile(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(await answered(page, '#desk-send', /\/api\/v1\/observations$/)).toBe(201);
      await expect.poll(() => page.textContent('#desk-result'), { timeout: 15_000 }).toMatch(/Stored as batch \d+: 1 rows, 1 inserted/);
      expect(t.db.sqlite.prepare("SELECT online_count, end_to_end_count, fee_count, paid_online_count FROM observations WHERE period = '2026-08'").get()).toEqual({
        online_count: 30,
        end_to_end_count: 20,
        fee_count: 50,
        paid_online_count: 25,
      });
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('names the rows of a withdrawal before it is confirmed, then withdraws them', async () => {
    const { page, problems, close } = await open('/publish/');
    try {
      await enterToken(page);
      await choose(page, '#desk-withdraw-file', 'rut-lai.csv', 'period,service_code,locality_code\n2026-10,KS-01,79\n', 'text/csv');
      expect(await answered(page, '#desk-withdraw button[type="submit"]', /\/api\/v1\/withdrawals\?dry_run=1$/)).toBe(200);
      await page.waitForSelector('#desk-withdraw-review:not([hidden])');
      expect(await page.$$eval('#desk-withdraw-rows li', (lis) => lis.map((li) => li.textContent))).toEqual(['2026-10,KS-01,79']);
      expect(await page.isDisabled('#desk-withdraw-send')).toBe(true);
      await expectNoAxeViolations(page);
      await page.check('#desk-withdraw-confirm');
      expect(await answered(page, '#desk-withdraw-send', /\/api\/v1\/withdrawals$/)).toBe(201);
      await expect.poll(() => page.textContent('#desk-withdraw-result'), { timeout: 15_000 }).toMatch(/^Đã rút lại 1 dòng/);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('without JavaScript, hides the form and explains the API', async () => {
    const { page, close } = await open('/publish/', { javaScriptEnabled: false });
    try {
      expect(await page.isVisible('.desk')).toBe(false);
      expect(await page.textContent('.desk-api')).toContain('?dry_run=1');
      expect(await page.textContent('.desk-api')).toContain(`${base}/api/v1/observations`);
    } finally {
      await close();
    }
  });
});
