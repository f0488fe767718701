/**
 * Reads a spreadsheet body (.xlsx): the first sheet, header in row 1, one observation a row;
 * rows are numbered as the sheet numbers them.
 *
 * A .xlsx is a zip, so the bytes are checked before exceljs sees them. The zip's central
 * directory gives each part's sizes (fflate); only the parts that hold cells are kept (the
 * workbook, its styles and shared strings, the worksheets), and they are inflated here with a
 * budget: a part that inflates past its declared size, or all of them past XLSX_LIMITS.partBytes,
 * stops the inflation at once (a zip bomb costs at most the budget). Rows, cells and shared
 * strings are counted in the XML before exceljs builds its model of them. The parts are then
 * handed to exceljs as a stored (uncompressed) zip.
 */
import ExcelJS from 'exceljs';
import { Inflate, unzipSync, zipSync } from 'fflate';
import { columnProblems } from './columns.ts';
import * as say from './messages.ts';
import type { ParseResult, RawRow, Texts } from './types.ts';

export const XLSX_LIMITS = {
  /** Entries in the zip's directory. */
  entries: 10_000,
  /** The parts read (workbook, styles, shared strings, worksheets), uncompressed, together. */
  partBytes: 96 * 1024 * 1024,
  rows: 500_000,
  cells: 5_000_000,
  sharedStrings: 1_000_000,
};

/** Parts exceljs needs to give the cells' values and number formats. */
const KEPT = /^(\[Content_Types\]\.xml|_rels\/\.rels|xl\/workbook\.xml|xl\/_rels\/workbook\.xml\.rels|xl\/styles\.xml|xl\/sharedStrings\.xml|xl\/worksheets\/[^/]+\.xml)$/;

class Refusal extends Error {
  constructor(
    readonly error: string,
    readonly texts: Texts,
    readonly status: 400 | 413 = 400,
  ) {
    super(texts.en);
  }
}

export async function parseXlsx(body: Buffer, fields?: readonly string[], required?: readonly string[]): Promise<ParseResult> {
  try {
    const parts = readParts(body);
    const workbook = new ExcelJS.Workbook();
    try {
      await workbook.xlsx.load(Buffer.from(zipSync(parts, { level: 0 })) as unknown as ArrayBuffer);
    } catch {
      throw new Refusal('not_xlsx', say.notXlsx());
    }
    return readSheet(workbook, fields, required);
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, failure: say.parseFailure(err.error, err.texts, err.status) };
    // Anything else a hostile file makes the readers throw is a file we cannot read, not our fault.
    return { ok: false, failure: say.parseFailure('not_xlsx', say.notXlsx()) };
  }
}

/** The parts that hold cells, inflated within the budget. */
function readParts(body: Buffer): Record<string, Uint8Array> {
  // An OLE compound file: an old .xls, or a .xlsx encrypted with a password.
  if (body.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) throw new Refusal('not_xlsx', say.xlsxOldOrProtected());
  if (body.length < 22 || body[0] !== 0x50 || body[1] !== 0x4b) throw new Refusal('not_xlsx', say.notXlsx());

  const entries: Array<{ name: string; size: number; originalSize: number; compression: number }> = [];
  let count = 0;
  try {
    // The filter sees the central directory and keeps nothing: no part is inflated here.
    unzipSync(body, {
      filter: (file) => {
        if (++count > XLSX_LIMITS.entries) throw new Refusal('xlsx_too_large', say.xlsxTooBig('entries', String(XLSX_LIMITS.entries)), 413);
        if (KEPT.test(file.name)) entries.push(file);
        return false;
      },
    });
  } catch (err) {
    if (err instanceof Refusal) throw err;
    throw new Refusal('not_xlsx', say.notXlsx());
  }
  const declared = entries.reduce((sum, e) => sum + e.originalSize, 0);
  if (declared > XLSX_LIMITS.partBytes) throw tooBig('parts');
  if (!entries.some((e) => e.name === 'xl/workbook.xml')) throw new Refusal('not_xlsx', say.notXlsx());

  // Where each kept part's data starts: its local header, found again from the directory.
  const offsets = localOffsets(body);
  const parts: Record<string, Uint8Array> = {};
  let budget = XLSX_LIMITS.partBytes;
  for (const e of entries) {
    const at = offsets.get(e.name);
    if (at === undefined || at + e.size > body.length) throw new Refusal('not_xlsx', say.notXlsx());
    const data = body.subarray(at, at + e.size);
    const part = e.compression === 0 ? data : e.compression === 8 ? inflateWithin(data, Math.min(e.originalSize, budget)) : null;
    if (!part || part.length !== e.originalSize) throw new Refusal('not_xlsx', say.notXlsx());
    budget -= part.length;
    parts[e.name] = part;
  }
  for (const [name, part] of Object.entries(parts)) {
    if (name.startsWith('xl/worksheets/')) {
      if (occurrences(part, '<row') > XLSX_LIMITS.rows) throw tooBig('rows');
      if (occurrences(part, '<c ') + occurrences(part, '<c>') > XLSX_LIMITS.cells) throw tooBig('cells');
    }
  }
  if (parts['xl/sharedStrings.xml'] && occurrences(parts['xl/sharedStrings.xml'], '<si') > XLSX_LIMITS.sharedStrings) throw tooBig('shared strings');
  return parts;
}

const tooBig = (what: 'parts' | 'rows' | 'cells' | 'shared strings') =>
  new Refusal(
    'xlsx_too_large',
    say.xlsxTooBig(what, what === 'parts' ? `${XLSX_LIMITS.partBytes / 1024 / 1024} MB` : String(XLSX_LIMITS[what === 'shared strings' ? 'sharedStrings' : what])),
    413,
  );

/** Each entry's data offset, from the central directory and the local headers it points to. */
function localOffsets(body: Buffer): Map<string, number> {
  const offsets = new Map<string, number>();
  let end = body.length - 22;
  while (end >= 0 && body.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) return offsets;
  let count = body.readUInt16LE(end + 10);
  let at = body.readUInt32LE(end + 16);
  // ZIP64: the real count and directory offset are in the zip64 end record.
  if (end >= 20 && body.readUInt32LE(end - 20) === 0x07064b50) {
    const z = Number(body.readBigUInt64LE(end - 12));
    if (z + 56 <= body.length && body.readUInt32LE(z) === 0x06064b50) {
      count = Number(body.readBigUInt64LE(z + 32));
      at = Number(body.readBigUInt64LE(z + 48));
    }
  }
  for (let i = 0; i < count && at + 46 <= body.length && body.readUInt32LE(at) === 0x02014b50; i++) {
    const nameLength = body.readUInt16LE(at + 28);
    const extraLength = body.readUInt16LE(at + 30);
    const commentLength = body.readUInt16LE(at + 32);
    const name = body.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    let local = body.readUInt32LE(at + 42);
    if (local === 0xffffffff) {
      // The zip64 extra field holds the offset after whichever sizes were too big for 32 bits.
      const extra = body.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
      for (let e = 0; e + 4 <= extra.length; ) {
        const id = extra.readUInt16LE(e);
        const size = extra.readUInt16LE(e + 2);
        if (id === 1) {
          let f = e + 4;
          if (body.readUInt32LE(at + 24) === 0xffffffff) f += 8;
          if (body.readUInt32LE(at + 20) === 0xffffffff) f += 8;
          if (f + 8 <= extra.length) local = Number(extra.readBigUInt64LE(f));
        }
        e += 4 + size;
      }
    }
    if (local + 30 <= body.length && body.readUInt32LE(local) === 0x04034b50) {
      offsets.set(name, local + 30 + body.readUInt16LE(local + 26) + body.readUInt16LE(local + 28));
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  return offsets;
}

/** Inflates in small steps and stops as soon as the output passes `limit`: null then. */
function inflateWithin(data: Uint8Array, limit: number): Uint8Array | null {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflate = new Inflate((chunk) => {
    total += chunk.length;
    if (total <= limit) chunks.push(chunk);
  });
  // 16 KB of input inflates to at most ~16 MB: the overrun past the limit stays small.
  const STEP = 16 * 1024;
  for (let i = 0; i < data.length; i += STEP) {
    inflate.push(data.subarray(i, i + STEP), i + STEP >= data.length);
    if (total > limit) return null;
  }
  if (data.length === 0) inflate.push(new Uint8Array(0), true);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function occurrences(bytes: Uint8Array, text: string): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let n = 0;
  for (let i = buffer.indexOf(text); i !== -1; i = buffer.indexOf(text, i + text.length)) n++;
  return n;
}

// ---- Cells to rows ---------------------------------------------------------------------------

type Cell = { value: string | number | Date | null } | { problem: Texts; shown: string };

/** A cell as the rules read it: text, a number, a date (the period's month), or why it cannot be read. */
function cellOf(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return { value: null };
  if (typeof value === 'number' || typeof value === 'string' || value instanceof Date) return { value };
  if (typeof value === 'boolean') return { value: value ? 'TRUE' : 'FALSE' };
  if (typeof value === 'object') {
    if ('error' in value) return { problem: say.cellError(String(value.error)), shown: String(value.error) };
    if ('richText' in value && Array.isArray(value.richText)) return { value: value.richText.map((r) => r.text).join('') };
    if ('formula' in value || 'sharedFormula' in value) {
      const formula = String(('formula' in value ? value.formula : undefined) ?? ('sharedFormula' in value ? value.sharedFormula : '') ?? '');
      const result = (value as { result?: ExcelJS.CellValue }).result;
      if (result === undefined || result === null) return { problem: say.formulaWithoutValue(formula), shown: `=${formula}` };
      return cellOf(result);
    }
    if ('text' in value) return cellOf((value as { text: ExcelJS.CellValue }).text);
  }
  return { value: String(value) };
}

/** A date as its month (a date cell in `period`), or as its day elsewhere (where it is an error). */
function dateText(date: Date, column: string): string {
  if (Number.isNaN(date.getTime())) return 'NaN';
  const month = `${String(date.getUTCFullYear()).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
  return column === 'period' ? month : `${month}-${String(date.getUTCDate()).padStart(2, '0')}`;
}

function readSheet(workbook: ExcelJS.Workbook, fields?: readonly string[], required?: readonly string[]): ParseResult {
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Refusal('not_xlsx', say.xlsxNoSheet());
  const header = sheet.getRow(1);
  const columns = new Map<number, string>();
  header.eachCell({ includeEmpty: false }, (cell, col) => {
    const c = cellOf(cell.value);
    const name = 'value' in c && c.value !== null ? (c.value instanceof Date ? dateText(c.value, '') : String(c.value)).trim() : '';
    if (name !== '') columns.set(col, name);
  });
  if (columns.size === 0) throw new Refusal('empty_body', say.xlsxHeaderNotInRow1());
  const problems = columnProblems([...columns.values()], fields, required);
  if (problems.length > 0) throw new Refusal('bad_columns', say.badColumns(problems, fields));

  const rows: RawRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (sheetRow, number) => {
    if (number === 1) return;
    const row: RawRow = { row: number, values: {} };
    let filled = false;
    sheetRow.eachCell({ includeEmpty: false }, (cell, col) => {
      const c = cellOf(cell.value);
      const column = columns.get(col);
      if ('value' in c && (c.value === null || c.value === '')) return;
      filled = true;
      if (column === undefined) {
        row.problem ??= say.xlsxOutsideHeader(col);
        return;
      }
      if ('problem' in c) {
        (row.cellProblems ??= {})[column] = { value: c.shown, texts: c.problem };
        return;
      }
      const value = c.value;
      // Codes are text, as in CSV: a number cell is read as the digits it shows (1.01399, 1).
      row.values[column] = value instanceof Date ? dateText(value, column) : typeof value === 'number' && column !== 'online_count' && column !== 'total_count' ? String(value) : value;
    });
    if (filled) rows.push(row);
  });
  if (rows.length === 0) throw new Refusal('no_rows', say.noRows());
  return { ok: true, rows, format: 'xlsx' };
}
