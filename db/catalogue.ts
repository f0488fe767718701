import type Database from 'better-sqlite3';
import { parseCsv } from './ingest/parse-csv.ts';
import { parseJson } from './ingest/parse-json.ts';
import { valueText } from './ingest/text.ts';
import type { RawRow, RowError } from './ingest/types.ts';
import { MONTH_PATTERN } from './months.ts';
import { SERVICE_CODE_PATTERN, type ServiceInput, upsertServices } from './services.ts';

export const CATALOGUE_FIELDS = ['code', 'name_vi', 'name_en', 'agency', 'online_level', 'online_since'] as const;
const REQUIRED = ['code', 'name_vi', 'online_level'];

export type CatalogueOutcome =
  | { status: 200; body: { services: number; created: number; updated: number } }
  | { status: 400; body: { error: string; message: string } }
  | { status: 422; body: { error: 'invalid_rows'; message: string; error_count: number; errors: RowError[] } };

/** Checks one service description; the same rules as PUT /api/v1/services/{code}. */
function serviceProblems(values: Record<string, unknown>): Array<{ column: string; message: string }> {
  const problems: Array<{ column: string; message: string }> = [];
  const text = (k: string) => (typeof values[k] === 'string' ? (values[k] as string).trim() : values[k]);
  const code = text('code');
  if (typeof code !== 'string' || !new RegExp(SERVICE_CODE_PATTERN).test(code)) {
    problems.push({ column: 'code', message: 'code is required: letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64' });
  }
  if (typeof text('name_vi') !== 'string' || text('name_vi') === '') problems.push({ column: 'name_vi', message: 'name_vi is required' });
  if (!['full', 'partial'].includes(valueText(text('online_level')) ?? '')) {
    problems.push({ column: 'online_level', message: 'online_level must be "full" or "partial"' });
  }
  for (const k of ['name_en', 'agency']) {
    if (values[k] !== undefined && values[k] !== null && typeof values[k] !== 'string') problems.push({ column: k, message: `${k} must be text` });
  }
  const since = text('online_since');
  if (since !== undefined && since !== null && since !== '' && !(typeof since === 'string' && MONTH_PATTERN.test(since))) {
    problems.push({ column: 'online_since', message: 'online_since must be YYYY-MM' });
  }
  for (const k of Object.keys(values)) {
    if (!(CATALOGUE_FIELDS as readonly string[]).includes(k)) problems.push({ column: k, message: `unknown field "${k}"` });
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
    if (raw.problem) errors.push({ row: raw.row, column: null, value: null, message: raw.problem.en });
    for (const p of serviceProblems(raw.values)) errors.push({ row: raw.row, column: p.column, value: valueText(raw.values[p.column]), message: p.message });
    const code = (valueText(raw.values.code) ?? '').trim();
    const earlier = seen.get(code);
    if (earlier !== undefined) errors.push({ row: raw.row, column: 'code', value: code, message: `code already given at row ${earlier}` });
    seen.set(code, raw.row);
  }
  if (errors.length > 0) {
    return { status: 422, body: { error: 'invalid_rows', message: `${errors.length} error(s); nothing was stored`, error_count: errors.length, errors: errors.slice(0, 1000) } };
  }
  const counts = upsertServices(sqlite, parsed.rows.map((r) => toInput(r.values)));
  return { status: 200, body: { services: parsed.rows.length, ...counts } };
}
