import type Database from 'better-sqlite3';
import { parseCsv } from './ingest/parse-csv.ts';
import { parseJson } from './ingest/parse-json.ts';
import { type RowKind, invalidRowsSummary, place, rowError, unknownField } from './ingest/messages.ts';
import { closest, valueText } from './ingest/text.ts';
import { MAX_LISTED_ERRORS, type RawRow, type RowError, type Texts } from './ingest/types.ts';
import { MONTH_PATTERN } from './months.ts';
import { SERVICE_CODE_PATTERN, type ServiceInput, upsertServices } from './services.ts';

export const CATALOGUE_FIELDS = ['code', 'name_vi', 'name_en', 'agency', 'online_level', 'online_since'] as const;
const REQUIRED = ['code', 'name_vi', 'online_level'];

export type CatalogueOutcome =
  | { status: 200; body: { services: number; created: number; updated: number } }
  | { status: 400; body: { error: string; message: string; message_vi: string; message_en: string } }
  | { status: 422; body: { error: 'invalid_rows'; message: string; message_vi: string; message_en: string; error_count: number; errors: RowError[] } };

/**
 * The catalogue's rules, each with its message in both languages, written once: the import's row
 * errors use them, and PUT /api/v1/services/{code} answers a body that breaks one with the same words.
 */
export const CATALOGUE_MESSAGES = {
  code: {
    vi: 'mã thủ tục (code) là bắt buộc: chỉ gồm chữ cái, chữ số và các dấu ".", "_", "-", bắt đầu bằng chữ cái hoặc chữ số, tối đa 64 ký tự.',
    en: 'code is required: letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64',
  },
  name_vi: { vi: 'tên tiếng Việt của thủ tục (name_vi) là bắt buộc. Xin nhập tên thủ tục.', en: 'name_vi is required' },
  online_level: {
    vi: 'mức độ trực tuyến (online_level) phải là "full" (toàn trình), "partial" (một phần) hoặc "none" (chưa cung cấp trực tuyến).',
    en: 'online_level must be "full", "partial" or "none" (not offered online)',
  },
  online_since: { vi: 'tháng bắt đầu trực tuyến (online_since) phải ghi theo dạng YYYY-MM, ví dụ 2019-01, hoặc để trống.', en: 'online_since must be YYYY-MM' },
} satisfies Record<string, Texts>;

function notText(column: string): Texts {
  return { vi: `${column} phải là chuỗi văn bản.`, en: `${column} must be text` };
}
function codeGivenTwice(earlier: number, format: RowKind): Texts {
  const where = place(format, earlier, null).vi.slice(0, -2).toLowerCase();
  return { vi: `mã thủ tục này đã có ở ${where}. Mỗi thủ tục chỉ được ghi một lần trong một tệp.`, en: `code already given at row ${earlier}` };
}

/** Checks one service description; the same rules as PUT /api/v1/services/{code}. */
function serviceProblems(values: Record<string, unknown>): Array<{ column: string; texts: Texts }> {
  const problems: Array<{ column: string; texts: Texts }> = [];
  const text = (k: string) => (typeof values[k] === 'string' ? (values[k] as string).trim() : values[k]);
  const code = text('code');
  if (typeof code !== 'string' || !new RegExp(SERVICE_CODE_PATTERN).test(code)) problems.push({ column: 'code', texts: CATALOGUE_MESSAGES.code });
  if (typeof text('name_vi') !== 'string' || text('name_vi') === '') problems.push({ column: 'name_vi', texts: CATALOGUE_MESSAGES.name_vi });
  if (!['full', 'partial', 'none'].includes(valueText(text('online_level')) ?? '')) problems.push({ column: 'online_level', texts: CATALOGUE_MESSAGES.online_level });
  for (const k of ['name_en', 'agency']) {
    if (values[k] !== undefined && values[k] !== null && typeof values[k] !== 'string') problems.push({ column: k, texts: notText(k) });
  }
  const since = text('online_since');
  if (since !== undefined && since !== null && since !== '' && !(typeof since === 'string' && MONTH_PATTERN.test(since))) {
    problems.push({ column: 'online_since', texts: CATALOGUE_MESSAGES.online_since });
  }
  for (const k of Object.keys(values)) {
    if (!(CATALOGUE_FIELDS as readonly string[]).includes(k)) problems.push({ column: k, texts: unknownField(k, closest(k, CATALOGUE_FIELDS)) });
  }
  return problems;
}

function toInput(values: Record<string, unknown>): ServiceInput {
  const optional = (k: string) => {
    const v = typeof values[k] === 'string' ? (values[k] as string).trim() : values[k];
    return v === undefined || v === null || v === '' ? null : String(v);
  };
  return {
    code: String(values.code).trim(),
    name_vi: String(values.name_vi),
    name_en: optional('name_en'),
    agency: optional('agency'),
    online_level: String(values.online_level).trim() as ServiceInput['online_level'],
    online_since: optional('online_since'),
  };
}

/** Imports a service catalogue (CSV or {"services": [...]}) in one transaction, all or nothing. */
export function importCatalogue(sqlite: Database.Database, body: Buffer, format: 'csv' | 'json'): CatalogueOutcome {
  const parsed = format === 'csv' ? parseCsv(body, CATALOGUE_FIELDS, REQUIRED) : parseJson(body, 'services');
  if (!parsed.ok) return { status: 400, body: parsed.failure };
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  for (const raw of parsed.rows as RawRow[]) {
    if (raw.problem) errors.push(rowError(format, raw.row, null, null, raw.problem));
    for (const p of serviceProblems(raw.values)) errors.push(rowError(format, raw.row, p.column, valueText(raw.values[p.column]), p.texts));
    const code = (valueText(raw.values.code) ?? '').trim();
    const earlier = seen.get(code);
    if (earlier !== undefined) errors.push(rowError(format, raw.row, 'code', code, codeGivenTwice(earlier, format)));
    seen.set(code, raw.row);
  }
  if (errors.length > 0) {
    const summary = invalidRowsSummary(errors.length, new Set(errors.map((e) => e.row)).size);
    return {
      status: 422,
      body: { error: 'invalid_rows', message: summary.en, message_vi: summary.vi, message_en: summary.en, error_count: errors.length, errors: errors.slice(0, MAX_LISTED_ERRORS) },
    };
  }
  const counts = upsertServices(sqlite, parsed.rows.map((r) => toInput(r.values)));
  return { status: 200, body: { services: parsed.rows.length, ...counts } };
}
