import ExcelJS from 'exceljs';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XLSX_LIMITS } from '../../../db/ingest/parse-xlsx.ts';
import { XLSX } from '../../../server/raw-bodies.ts';
import { type TestApp, addServices, count, testApp } from '../../helper.ts';

const URL = '/api/v1/observations';
const HEADER = ['period', 'service_code', 'locality_code', 'online_count', 'total_count'];

/** A workbook made with exceljs, as a clerk's Excel would save it: rows by sheet row number. */
async function workbook(rows: Record<number, ExcelJS.CellValue[]>, more?: (sheet: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Số liệu');
  for (const [number, values] of Object.entries(rows)) sheet.getRow(Number(number)).values = values;
  more?.(sheet);
  return Buffer.from(await book.xlsx.writeBuffer());
}

interface Answer {
  error?: string;
  message: string;
  message_vi: string;
  message_en: string;
  error_count?: number;
  errors?: Array<{ row: number; column: string | null; value: string | null; message: string; message_vi: string; message_en: string }>;
  rows?: number;
  inserted?: number;
}

describe('POST /api/v1/observations with a spreadsheet (.xlsx)', () => {
  let t: TestApp;
  let auth: Record<string, string>;

  beforeAll(async () => {
    t = await testApp();
    addServices(t.db, 'KS', '1.013990');
    auth = (await t.publisher(['VN'])).headers;
  });
  afterAll(() => t.close());

  const send = async (body: Buffer, headers: Record<string, string> = {}, url = URL) => {
    const batches = count(t.db, 'batches');
    const observations = count(t.db, 'observations');
    const res = await t.app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': XLSX, ...headers }, payload: body });
    expect(res.statusCode, res.body).toBeLessThan(500);
    if (res.statusCode !== 201) expect(count(t.db, 'observations')).toBe(observations);
    if (res.statusCode === 201) expect(count(t.db, 'batches')).toBe(batches + 1);
    return { status: res.statusCode, body: res.json() as Answer };
  };
  const stored = (period: string, locality: string) =>
    t.db.sqlite
      .prepare('SELECT online_count AS online, total_count AS total FROM observations o JOIN localities l ON l.id = o.locality_id WHERE o.period = ? AND l.code = ?')
      .get(period, locality);

  it('stores a workbook made with exceljs, numbers as they were typed (number cells and text of digits)', async () => {
    const res = await send(
      await workbook({
        1: HEADER,
        2: ['2024-01', 'KS', '01', 1520, 2010],
        3: ['2024-01', 'KS', '79', '7', '12'],
        // A blank row between is skipped, as Excel users leave them.
        5: ['2024-02', 'KS', '79', 0, 999_999_999],
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ rows: 3, inserted: 3 });
    expect(stored('2024-01', '01')).toEqual({ online: 1520, total: 2010 });
    expect(stored('2024-01', '79')).toEqual({ online: 7, total: 12 });
    expect(stored('2024-02', '79')).toEqual({ online: 0, total: 999_999_999 });
    expect((t.db.sqlite.prepare('SELECT format FROM batches ORDER BY id DESC LIMIT 1').get() as { format: string }).format).toBe('xlsx');
  });

  it('refuses 1234.5 with its sheet row number', async () => {
    const res = await send(await workbook({ 1: HEADER, 2: ['2024-03', 'KS', '01', 10, 20], 7: ['2024-03', 'KS', '79', 1234.5, 2000] }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ row: 7, column: 'online_count', value: '1234.5', message: expect.stringContaining('Row 7, column online_count'), message_vi: expect.stringContaining('Hàng 7, cột online_count: giá trị «1234.5» không phải là số nguyên') }),
    ]);
  });

  it('reads a date cell in period as its month', async () => {
    const res = await send(await workbook({ 1: HEADER, 2: [new Date(Date.UTC(2024, 3, 1)), 'KS', '01', 3, 4], 3: [new Date(Date.UTC(2024, 4, 31)), 'KS', '01', 5, 6] }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(stored('2024-04', '01')).toEqual({ online: 3, total: 4 });
    expect(stored('2024-05', '01')).toEqual({ online: 5, total: 6 });
  });

  it('reads a formula by the result saved with it, and refuses one saved without, with a hint', async () => {
    const withResult = await send(await workbook({ 1: HEADER, 2: ['2024-06', 'KS', '01', { formula: 'E2-10', result: 90 }, 100] }));
    expect(withResult.status, JSON.stringify(withResult.body)).toBe(201);
    expect(stored('2024-06', '01')).toEqual({ online: 90, total: 100 });

    const without = await send(await workbook({ 1: HEADER, 2: ['2024-07', 'KS', '01', 1, 2], 3: ['2024-07', 'KS', '79', { formula: 'E3-10' } as ExcelJS.CellValue, 100] }));
    expect(without.status).toBe(422);
    expect(without.body.error_count).toBe(1);
    expect(without.body.errors![0]).toMatchObject({ row: 3, column: 'online_count', value: '=E3-10' });
    expect(without.body.errors![0]!.message_en).toContain('without its result');
    expect(without.body.errors![0]!.message_vi).toContain('Paste Special');
  });

  it('names the code a number cell lost its zeros from: 1.01399 for 1.013990, 1 for 01', async () => {
    const res = await send(await workbook({ 1: HEADER, 2: ['2024-08', 1.01399, '79', 1, 2], 3: ['2024-08', 'KS', 1, 1, 2] }));
    expect(res.status).toBe(422);
    expect(res.body.errors!.map((e) => [e.row, e.column, e.value])).toEqual([
      [2, 'service_code', '1.01399'],
      [3, 'locality_code', '1'],
    ]);
    expect(res.body.errors![0]!.message_en).toContain('did you mean "1.013990"');
    expect(res.body.errors![0]!.message_vi).toContain('«1.013990»');
    expect(res.body.errors![1]!.message_en).toContain('did you mean "01"');
  });

  it('answers in the language asked for', async () => {
    const body = await workbook({ 1: HEADER, 2: ['2024-09', 'KS', '01', 5, 1] });
    const vi = await send(body, { 'accept-language': 'vi-VN,vi;q=0.9,en;q=0.5' });
    expect(vi.status).toBe(422);
    expect(vi.body.message).toBe(vi.body.message_vi);
    expect(vi.body.errors![0]!.message).toBe(vi.body.errors![0]!.message_vi);
    expect(vi.body.errors![0]!.message).toMatch(/^Hàng 2, cột online_count: số hồ sơ trực tuyến \(5\) lớn hơn tổng số hồ sơ \(1\)/);
  });

  it('lists the header problems of the first sheet, and reads only the first sheet', async () => {
    const misspelt = await send(await workbook({ 1: ['period', 'service_code', 'locality_code', 'online_cout', 'total_count'], 2: ['2024-10', 'KS', '01', 1, 2] }));
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.error).toBe('bad_columns');
    expect(misspelt.body.message_en).toContain('did you mean "online_count"');

    const book = new ExcelJS.Workbook();
    book.addWorksheet('Đầu').addRows([HEADER, ['2024-10', 'KS', '01', 1, 2]]);
    book.addWorksheet('Ghi chú').addRows([['không phải số liệu'], ['x']]);
    const first = await send(Buffer.from(await book.xlsx.writeBuffer()));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.rows).toBe(1);

    const noHeader = await send(await workbook({ 2: HEADER, 3: ['2024-10', 'KS', '01', 1, 2] }));
    expect(noHeader.status).toBe(400);
    expect(noHeader.body.message_en).toContain('row 1 of the first sheet must be the header');
  });

  it('refuses what is not a workbook with a 400 that says how to save one', async () => {
    for (const body of [Buffer.from('period,service_code\n'), Buffer.from('PK\u0003\u0004 not really'), Buffer.alloc(0), Buffer.from(zipSync({ 'a.txt': new Uint8Array([1, 2, 3]) }))]) {
      const res = await send(body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.message_vi).toContain('Excel Workbook (.xlsx)');
    }
    const oldXls = await send(Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]));
    expect(oldXls.status).toBe(400);
    expect(oldXls.body.message_en).toContain('password-protected');
  });

  it('refuses a zip bomb: parts declared too large (413), or inflating past their declared size (400), without inflating them', async () => {
    const real = Buffer.from(zipSync({ ...(await parts(await workbook({ 1: HEADER, 2: ['2024-11', 'KS', '01', 1, 2] }))) }));
    expect((await send(real)).status).toBe(201);

    // 100 MB of zeros in the worksheet: about 100 KB on the wire, over the 96 MB of parts read.
    const huge = new Uint8Array(XLSX_LIMITS.partBytes + 4 * 1024 * 1024);
    const declared = Buffer.from(zipSync({ ...(await parts(await workbook({ 1: HEADER }))), 'xl/worksheets/sheet1.xml': [huge, { level: 1 }] }));
    expect(declared.length).toBeLessThan(1024 * 1024);
    const started = Date.now();
    const tooBig = await send(declared);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toBe('xlsx_too_large');
    expect(tooBig.body.message_vi).toContain('Tệp Excel quá lớn');

    // The same bytes with the directory saying the part is 1 KB: inflation stops at the lie.
    const lying = lieAboutSize(declared, 'xl/worksheets/sheet1.xml', 1024);
    const lied = await send(lying);
    expect(lied.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);

  it('refuses a sheet with more shared strings than the limit (413)', async () => {
    const strings = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${'<si><t>x</t></si>'.repeat(XLSX_LIMITS.sharedStrings + 1)}</sst>`;
    const body = Buffer.from(zipSync({ ...(await parts(await workbook({ 1: HEADER, 2: ['2024-11', 'KS', '01', 1, 2] }))), 'xl/sharedStrings.xml': [new TextEncoder().encode(strings), { level: 6 }] }));
    const res = await send(body);
    expect(res.status).toBe(413);
    expect(res.body.message_en).toContain('shared strings');
  }, 60_000);

  it('takes withdrawals as a spreadsheet too, and checks them with ?dry_run=1 first', async () => {
    await send(await workbook({ 1: HEADER, 2: ['2024-12', 'KS', '79', 1, 2] }));
    const body = await workbook({ 1: ['period', 'service_code', 'locality_code'], 2: ['2024-12', 'KS', '79'] });
    const batches = count(t.db, 'batches');
    const dry = await send(body, {}, '/api/v1/withdrawals?dry_run=1');
    expect(dry).toMatchObject({ status: 200, body: { dry_run: true, withdrawn: 1 } });
    expect(count(t.db, 'batches')).toBe(batches);
    expect(stored('2024-12', '79')).toBeDefined();
    const real = await send(body, {}, '/api/v1/withdrawals');
    expect(real.status).toBe(201);
    expect(stored('2024-12', '79')).toBeUndefined();
  });
});

/** A workbook's parts, to rebuild it with one part changed. */
async function parts(xlsx: Buffer): Promise<Record<string, Uint8Array>> {
  return unzipSync(xlsx);
}

/** The zip with one entry's uncompressed size rewritten, in its central directory and its local header. */
function lieAboutSize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip);
  const nameBytes = Buffer.from(name);
  for (let i = 0; i < out.length - 46; i++) {
    const sig = out.readUInt32LE(i);
    if (sig === 0x02014b50 && out.subarray(i + 46, i + 46 + nameBytes.length).equals(nameBytes)) out.writeUInt32LE(size, i + 24);
    if (sig === 0x04034b50 && out.subarray(i + 30, i + 30 + nameBytes.length).equals(nameBytes)) out.writeUInt32LE(size, i + 22);
  }
  return out;
}
