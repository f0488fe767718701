import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redrawStaleImages } from '../../../jobs/site/build.ts';
import { SPREADSHEET_MANIFEST } from '../../../jobs/site/spreadsheets.ts';
import type { DataPackage, TableMetadata } from '../../../web/model.ts';
import { FORMULA_NAME, HOSTILE_NAME, LONG_NAME, build, fixtureSite, ingest, parseCsv } from './fixture.ts';

const TABLES = ['adoption-national-monthly', 'adoption-province-monthly', 'adoption-commune-monthly', 'adoption-service-monthly', 'services', 'flags', 'online-service-share', 'scorecards', 'indicators-national-monthly'];

async function readSheet(path: string): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  return book;
}

/** A sheet's rows as exceljs reads them: the header, then typed values. */
function sheetRows(sheet: ExcelJS.Worksheet): ExcelJS.CellValue[][] {
  const rows: ExcelJS.CellValue[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1)));
  return rows;
}

describe('spreadsheets', () => {
  let fx: ReturnType<typeof fixtureSite>;
  const data = (path: string) => join(fx.site, 'data', path);
  beforeAll(async () => {
    fx = fixtureSite();
    await build(fx.db.sqlite, fx.site);
  });
  afterAll(() => fx.close());

  it('every main table comes as NAME.xlsx, listed in datapackage.json, with the same rows as its CSV in typed cells', async () => {
    const pkg = JSON.parse(readFileSync(data('datapackage.json'), 'utf8')) as DataPackage;
    expect(pkg.resources.filter((r) => r.format === 'xlsx').map((r) => r.name).sort()).toEqual(TABLES.map((t) => `${t}-xlsx`).sort());
    for (const name of TABLES) {
      const csv = parseCsv(readFileSync(data(`${name}.csv`), 'utf8'));
      const fields = pkg.resources.find((r) => r.name === name)!.schema!.fields;
      const book = await readSheet(data(`${name}.xlsx`));
      const sheet = book.getWorksheet('data')!;
      const [header, ...rows] = sheetRows(sheet);
      expect(header, name).toEqual(csv.header);
      expect(rows.length, name).toBe(csv.rows.length);
      expect(sheet.views[0], name).toMatchObject({ state: 'frozen', ySplit: 1 });
      rows.forEach((row, i) => {
        fields.forEach((field, j) => {
          const text = csv.rows[i]![j]!;
          const cell = row[j] ?? null;
          if (text === '') expect(cell, `${name} ${i} ${field.name}`).toBeNull();
          else if (field.type === 'integer' || field.type === 'number') expect(cell, `${name} ${i} ${field.name}`).toBe(Number(text));
          else if (field.type === 'boolean') expect(cell, `${name} ${i} ${field.name}`).toBe(text === 'true');
          // Text as text: the CSV's apostrophe before a formula-like name is the CSV's own guard.
          else expect(cell, `${name} ${i} ${field.name}`).toBe(text.replace(/^'(?=[=+\-@\t\r])/, ''));
        });
      });
      // Rates shown as percentages, months kept as text.
      fields.forEach((field, j) => {
        const format = sheet.getColumn(j + 1).numFmt;
        if (field.unit === 'ratio (0–1)') expect(format, `${name}.${field.name}`).toBe('0.00%');
        if (field.type === 'yearmonth') expect(rows.every((r) => r[j] === null || r[j] === undefined || /^\d{4}-\d{2}$/.test(String(r[j])))).toBe(true);
      });
    }
  });

  it('keeps Vietnamese and hostile names as plain text', async () => {
    const [, ...rows] = sheetRows((await readSheet(data('services.xlsx'))).getWorksheet('data')!);
    const names = rows.map((r) => r[1]);
    expect(names).toContain('Đăng ký khai sinh');
    expect(names).toContain(LONG_NAME);
    expect(names).toContain(HOSTILE_NAME);
    // A string cell, never a formula.
    expect(names).toContain(FORMULA_NAME);
  });

  it('has a second sheet with the metadata: title, source, licence, citation, build, batch, and every field with its unit', async () => {
    const meta = JSON.parse(readFileSync(data('adoption-national-monthly.metadata.json'), 'utf8')) as TableMetadata;
    const rows = sheetRows((await readSheet(data('adoption-national-monthly.xlsx'))).getWorksheet('metadata')!);
    const value = (key: string) => rows.find((r) => r[0] === key)?.[1];
    expect(value('title')).toBe('Tỷ lệ hồ sơ trực tuyến cả nước, theo tháng');
    expect(value('citation')).toBe(meta.citation.vi);
    expect(value('citation (en)')).toBe(meta.citation.en);
    expect(value('built_at')).toBe(meta.built_at);
    expect(value('last_batch_id')).toBe(1);
    expect(value('licence')).toContain('CC-BY-4.0');
    expect(rows.find((r) => r[0] === 'rate')).toEqual(['rate', expect.any(String), 'number', 'ratio (0–1)']);
  });

  it('a quick build links the spreadsheets, and the step after it writes those whose table changed', async () => {
    const ino = (path: string) => statSync(data(path)).ino;
    const [national, communes] = [ino('adoption-national-monthly.xlsx'), ino('adoption-commune-monthly.xlsx')];
    const manifest = () => (JSON.parse(readFileSync(data(SPREADSHEET_MANIFEST), 'utf8')) as { spreadsheets: Record<string, string> }).spreadsheets;
    const csvHash = (name: string) => (JSON.parse(readFileSync(data('datapackage.json'), 'utf8')) as DataPackage).resources.find((r) => r.name === name)!.hash;
    ingest(fx.db.sqlite, [['2026-10', 'KS-01', '01', 900, 900]]);
    const result = await build(fx.db.sqlite, fx.site, { quick: true });
    // Published at once with the spreadsheet from before the batch, which says so in its manifest.
    expect(ino('adoption-national-monthly.xlsx')).toBe(national);
    expect(manifest()['adoption-national-monthly.xlsx']).not.toBe(csvHash('adoption-national-monthly'));
    const live = realpathSync(fx.site);
    expect(await redrawStaleImages(result.redraw!)).not.toBeNull();
    expect(realpathSync(fx.site)).not.toBe(live);
    expect(ino('adoption-national-monthly.xlsx')).not.toBe(national);
    expect(manifest()['adoption-national-monthly.xlsx']).toBe(csvHash('adoption-national-monthly'));
    const rows = sheetRows((await readSheet(data('adoption-national-monthly.xlsx'))).getWorksheet('data')!);
    const csv = parseCsv(readFileSync(data('adoption-national-monthly.csv'), 'utf8'));
    expect(rows.at(-1)!.slice(0, 3)).toEqual([csv.rows.at(-1)![0], Number(csv.rows.at(-1)![1]), Number(csv.rows.at(-1)![2])]);
    // No commune's figures changed: that spreadsheet is linked.
    expect(manifest()['adoption-commune-monthly.xlsx']).toBe(csvHash('adoption-commune-monthly'));
    expect(ino('adoption-commune-monthly.xlsx')).toBe(communes);
  });
});
