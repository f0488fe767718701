/**
 * Fuzzing POST /api/v1/observations with spreadsheets: workbooks made with exceljs from valid
 * rows, then spoilt as a zip (truncated, bytes flipped or inserted, a part's declared size
 * changed, shared strings blown up) or as cells (formulas with and without a saved result,
 * fractions, dates, error values, text). The property is the CSV fuzzing's (ingest-fuzz.ts):
 * a 4xx or a consistent 201, never a 5xx, a refused body changes nothing, the rollups equal the
 * observations. 200 cases (XLSX_FUZZ_RUNS for more), well under a minute on two busy cores.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { OBSERVATION_FIELDS } from '../../../db/ingest/types.ts';
import { XLSX } from '../../../server/raw-bodies.ts';
import { type FuzzTarget, caseOf, checkCase, fuzzTarget, rows } from './ingest-fuzz.ts';

const RUNS = Number(process.env.XLSX_FUZZ_RUNS) > 0 ? Number(process.env.XLSX_FUZZ_RUNS) : 200;

/** What a cell may become instead of its plain value. */
const cellSpoil = fc.oneof(
  fc.constant<ExcelJS.CellValue>(null),
  fc.record({ formula: fc.constantFrom('A1+1', 'SUM(D2:E2)', '1/0', 'NOW()') }).map((f) => f as ExcelJS.CellValue),
  fc.record({ formula: fc.constantFrom('D2*2', 'E2'), result: fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.double({ noNaN: true }), fc.string({ maxLength: 8 })) }).map((f) => f as ExcelJS.CellValue),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.date({ min: new Date(Date.UTC(1990, 0, 1)), max: new Date(Date.UTC(2040, 0, 1)), noInvalidDate: true }),
  fc.constantFrom<ExcelJS.CellValue>({ error: '#N/A' } as ExcelJS.CellValue, { error: '#DIV/0!' } as ExcelJS.CellValue, true, '1,234', ' 12 ', '=1+1', '\u202Eevil', { richText: [{ text: '7' }, { text: '9' }] }),
  fc.string({ maxLength: 30 }),
);

type ZipSpoil =
  | { kind: 'none' }
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; byte: number; times: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'sizes'; entry: number; size: number }
  | { kind: 'sharedStrings'; count: number; length: number }
  | { kind: 'dropPart'; entry: number };

const zipSpoil: fc.Arbitrary<ZipSpoil> = fc.oneof(
  fc.constant<ZipSpoil>({ kind: 'none' }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.nat({ max: 255 }), times: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('sizes' as const), entry: fc.nat(), size: fc.oneof(fc.nat({ max: 100 }), fc.constant(0xffffffff), fc.integer({ min: 0, max: 2 ** 31 })) }),
  fc.record({ kind: fc.constant('sharedStrings' as const), count: fc.oneof(fc.nat({ max: 1000 }), fc.integer({ min: 1_000_001, max: 1_100_000 })), length: fc.oneof(fc.nat({ max: 10 }), fc.integer({ min: 100_000, max: 2_000_000 })) }),
  fc.record({ kind: fc.constant('dropPart' as const), entry: fc.nat() }),
);

const workbookCase = fc.record({
  rows,
  cells: fc.array(fc.record({ row: fc.nat(), column: fc.nat({ max: 4 }), value: cellSpoil }), { maxLength: 4 }),
  spoil: zipSpoil,
});

type WorkbookCase = typeof workbookCase extends fc.Arbitrary<infer T> ? T : never;

async function build({ rows: data, cells, spoil }: WorkbookCase) {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Số liệu');
  sheet.addRow([...OBSERVATION_FIELDS]);
  for (const r of data) sheet.addRow(OBSERVATION_FIELDS.map((f) => r[f]));
  for (const c of cells) sheet.getCell(2 + (c.row % data.length), 1 + c.column).value = c.value;
  const clean = Buffer.from(await book.xlsx.writeBuffer());
  const valid = cells.length === 0 && spoil.kind === 'none';
  return caseOf(spoilt(clean, spoil), XLSX, valid ? { rows: data.length, valid: true } : {});
}

function spoilt(zip: Buffer, spoil: ZipSpoil): Buffer {
  const at = (n: number) => n % Math.max(1, zip.length);
  switch (spoil.kind) {
    case 'none':
      return zip;
    case 'truncate':
      return zip.subarray(0, at(spoil.at));
    case 'flip': {
      const copy = Buffer.from(zip);
      for (let i = 0; i < spoil.times; i++) copy[at(spoil.at + i * 7919)] = spoil.byte;
      return copy;
    }
    case 'insert':
      return Buffer.concat([zip.subarray(0, at(spoil.at)), spoil.bytes, zip.subarray(at(spoil.at))]);
    case 'sizes': {
      // The n-th central directory entry's uncompressed size, changed.
      const copy = Buffer.from(zip);
      const entries: number[] = [];
      for (let i = 0; i + 46 <= copy.length; i++) if (copy.readUInt32LE(i) === 0x02014b50) entries.push(i);
      if (entries.length > 0) copy.writeUInt32LE(spoil.size >>> 0, entries[spoil.entry % entries.length]! + 24);
      return copy;
    }
    case 'sharedStrings': {
      const parts = unzipSync(zip);
      const si = `<si><t>${'x'.repeat(spoil.length)}</t></si>`;
      const xml = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${spoil.count}">${spoil.length > 10 ? si : si.repeat(spoil.count)}</sst>`;
      return Buffer.from(zipSync({ ...parts, 'xl/sharedStrings.xml': [new TextEncoder().encode(xml), { level: 6 }] }));
    }
    case 'dropPart': {
      const parts = unzipSync(zip);
      const names = Object.keys(parts);
      delete parts[names[spoil.entry % names.length]!];
      return Buffer.from(zipSync(parts));
    }
  }
}

describe('fuzzing POST /api/v1/observations with spreadsheets', () => {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await fuzzTarget();
  });
  afterAll(() => target.close());

  it(`answers ${RUNS} made and spoilt workbooks with a 4xx or a consistent 201, never a 5xx`, async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(workbookCase, async (c) => checkCase(target, await build(c))),
      { numRuns: RUNS, interruptAfterTimeLimit: 55_000 },
    );
    if (RUNS <= 200 && Date.now() - started > 58_000) throw new Error('the spreadsheet fuzzing took longer than a minute');
  }, 120_000);
});
