import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { localityRegistry } from '../localities/registry.ts';
import { currentMonth } from '../months.ts';
import { serviceIdsByCode } from '../services.ts';
import { parseCsv } from './parse-csv.ts';
import { parseJson } from './parse-json.ts';
import { type BatchInfo, recordRejectedBatch, storeBatch } from './store.ts';
import { MAX_LISTED_ERRORS, type ParseResult, type RawRow, type RowError, WITHDRAWAL_FIELDS } from './types.ts';
import { type Scope, validateRows, validateWithdrawals } from './validate.ts';

export type Format = 'csv' | 'json';

export interface Writer {
  source: BatchInfo['source'];
  publisherId: number | null;
  scope: Scope;
  remoteAddr?: string | null;
}

export const UNRESTRICTED: Scope = { localityIds: null, serviceIds: null };

export interface Accepted {
  batch_id: number;
  rows: number;
  inserted: number;
  revised: number;
  unchanged: number;
  /** Stored rows withdrawn first, when the body had withdrawals. */
  withdrawn?: number;
}

/** What a body holds: observations (which may carry withdrawals, in JSON), or withdrawals only. */
export type BodyKind = 'observations' | 'withdrawals';

/** The contract's answers to a batch, status and body. */
export type IngestOutcome =
  | { status: 201; body: Accepted }
  | { status: 400; body: { error: string; message: string } }
  | { status: 403; body: { error: 'out_of_scope'; message: string; errors: RowError[] } }
  | { status: 422; body: { error: 'invalid_rows'; message: string; error_count: number; errors: RowError[] } };

export interface IngestOptions {
  kind?: BodyKind;
  now?: Date;
  onProgress?: (phase: 'validate' | 'write', done: number, total: number) => void;
}

/** Parses, validates and stores one body, all or nothing. */
export function ingestBody(sqlite: Database.Database, body: Buffer, format: Format, writer: Writer, options: IngestOptions = {}): IngestOutcome {
  const parsed = parseBody(body, format, options.kind ?? 'observations');
  const info = batchInfo(body, format, writer, options.now);
  if (!parsed.ok) {
    recordRejectedBatch(sqlite, info, 400, 0, 1);
    return { status: 400, body: parsed.failure };
  }
  return ingestRows(sqlite, parsed.rows, info, writer.scope, options, parsed.withdrawals);
}

function parseBody(body: Buffer, format: Format, kind: BodyKind): ParseResult {
  if (kind === 'observations') return format === 'csv' ? parseCsv(body) : parseJson(body, 'observations', 'withdrawals');
  const parsed = format === 'csv' ? parseCsv(body, WITHDRAWAL_FIELDS) : parseJson(body, 'withdrawals');
  return parsed.ok ? { ok: true, format, rows: [], withdrawals: parsed.rows } : parsed;
}

export function batchInfo(body: Buffer, format: Format, writer: Writer, now = new Date()): BatchInfo {
  return {
    source: writer.source,
    format,
    publisherId: writer.publisherId,
    sha256: createHash('sha256').update(body).digest('hex'),
    byteSize: body.length,
    remoteAddr: writer.remoteAddr ?? null,
    receivedAt: now.toISOString(),
  };
}

/**
 * Validates and stores rows that were already read (by a parser, or made by the demo generator),
 * with the withdrawals that go first. Withdrawals beside observations are told apart in errors
 * by their column ("withdrawals.locality_code") and message.
 */
export function ingestRows(sqlite: Database.Database, raw: RawRow[], info: BatchInfo, scope: Scope, options: IngestOptions = {}, rawWithdrawals: RawRow[] = []): IngestOutcome {
  const localities = localityRegistry(sqlite);
  options.onProgress?.('validate', 0, raw.length);
  const ctx = { localities, serviceIds: serviceIdsByCode(sqlite), latestMonth: currentMonth(options.now), scope, format: info.format };
  const observations = validateRows(raw, ctx);
  const withdrawals = validateWithdrawals(rawWithdrawals, ctx);
  const beside = options.kind !== 'withdrawals' ? withdrawalErrors : (e: RowError[]) => e;
  const { rows } = observations;
  const errors = [...beside(withdrawals.errors), ...observations.errors];
  const scopeErrors = [...beside(withdrawals.scopeErrors), ...observations.scopeErrors];
  options.onProgress?.('validate', raw.length, raw.length);

  if (scopeErrors.length > 0) {
    recordRejectedBatch(sqlite, info, 403, raw.length + rawWithdrawals.length, scopeErrors.length);
    return {
      status: 403,
      body: { error: 'out_of_scope', message: `${scopeErrors.length} row(s) are outside this token's scope; nothing was stored`, errors: scopeErrors.slice(0, MAX_LISTED_ERRORS) },
    };
  }
  if (errors.length > 0) return rejectRows(sqlite, info, raw.length + rawWithdrawals.length, errors);

  const stored = storeBatch(sqlite, localities, rows, info, (done) => options.onProgress?.('write', done, rows.length), withdrawals.rows);
  if (!stored.ok) return rejectRows(sqlite, info, raw.length + rawWithdrawals.length, [...beside(stored.withdrawalErrors), ...stored.errors]);
  const { batchId, withdrawn, ...counts } = stored.counts;
  return { status: 201, body: { batch_id: batchId, ...counts, ...(rawWithdrawals.length > 0 || options.kind === 'withdrawals' ? { withdrawn } : {}) } };
}

/** Errors of the withdrawals beside observations: the column and message say which list. */
function withdrawalErrors(errors: RowError[]): RowError[] {
  return errors.map((e) => ({ ...e, column: e.column === null ? 'withdrawals' : `withdrawals.${e.column}`, message: `withdrawal ${e.row}: ${e.message}` }));
}

function rejectRows(sqlite: Database.Database, info: BatchInfo, rowCount: number, errors: RowError[]): IngestOutcome {
  recordRejectedBatch(sqlite, info, 422, rowCount, errors.length);
  errors.sort((a, b) => a.row - b.row);
  return {
    status: 422,
    body: {
      error: 'invalid_rows',
      message: `${errors.length} error(s) in ${new Set(errors.map((e) => e.row)).size} row(s); nothing was stored. Fix them and send the whole file again`,
      error_count: errors.length,
      errors: errors.slice(0, MAX_LISTED_ERRORS),
    },
  };
}
