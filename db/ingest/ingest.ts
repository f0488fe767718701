import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { localityRegistry } from '../localities/registry.ts';
import { currentMonth } from '../months.ts';
import { serviceIdsByCode } from '../services.ts';
import * as say from './messages.ts';
import { parseCsv } from './parse-csv.ts';
import { parseJson } from './parse-json.ts';
import { parseXlsx } from './parse-xlsx.ts';
import { type BatchInfo, recordRejectedBatch, storeBatch } from './store.ts';
import { type Format, MAX_LISTED_ERRORS, type ParseFailure, type ParseResult, type RawRow, type RowError, type Texts, WITHDRAWAL_FIELDS } from './types.ts';
import { type Scope, rowErrorMaker, validateRows, validateWithdrawals } from './validate.ts';

export type { Format };

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

/** What a dry run found: the counts a real send would get; nothing was stored, no batch made. */
export interface DryRunAnswer {
  dry_run: true;
  rows: number;
  inserted: number;
  revised: number;
  unchanged: number;
  withdrawn?: number;
}

/** What a body holds: observations (which may carry withdrawals, in JSON), or withdrawals only. */
export type BodyKind = 'observations' | 'withdrawals';

/** A refused batch's answer: `message` is English here, and both languages are given. */
export interface RowErrorsBody<E extends string> {
  error: E;
  message: string;
  message_vi: string;
  message_en: string;
  error_count: number;
  errors: RowError[];
}

/** The contract's answers to a batch, status and body. */
export type IngestOutcome =
  | { status: 201; body: Accepted }
  | { status: 200; body: DryRunAnswer }
  | { status: 400 | 413; body: ParseFailure }
  | { status: 403; body: RowErrorsBody<'out_of_scope'> }
  | { status: 422; body: RowErrorsBody<'invalid_rows'> };

export interface IngestOptions {
  kind?: BodyKind;
  now?: Date;
  /** Validate and compare with the stored rows, store nothing and record no batch. */
  dryRun?: boolean;
  onProgress?: (phase: 'validate' | 'write', done: number, total: number) => void;
}

/** Parses, validates and stores one CSV or JSON body, all or nothing. */
export function ingestBody(sqlite: Database.Database, body: Buffer, format: 'csv' | 'json', writer: Writer, options: IngestOptions = {}): IngestOutcome {
  const kind = options.kind ?? 'observations';
  const fields = kind === 'observations' ? undefined : WITHDRAWAL_FIELDS;
  let parsed: ParseResult;
  if (kind === 'observations') parsed = format === 'csv' ? parseCsv(body) : parseJson(body, 'observations', 'withdrawals');
  else parsed = asWithdrawals(format === 'csv' ? parseCsv(body, fields) : parseJson(body, 'withdrawals'));
  return ingestParsed(sqlite, parsed, batchInfo(body, format, writer, options.now), writer, options);
}

/**
 * Any body, a spreadsheet included: exceljs reads a workbook asynchronously, so this one answers
 * with a promise (the ingest thread and the CLI call it; CSV and JSON go through ingestBody).
 */
export async function ingestUpload(sqlite: Database.Database, body: Buffer, format: Format, writer: Writer, options: IngestOptions = {}): Promise<IngestOutcome> {
  if (format !== 'xlsx') return ingestBody(sqlite, body, format, writer, options);
  const kind = options.kind ?? 'observations';
  const parsed = kind === 'observations' ? await parseXlsx(body) : asWithdrawals(await parseXlsx(body, WITHDRAWAL_FIELDS));
  return ingestParsed(sqlite, parsed, batchInfo(body, format, writer, options.now), writer, options);
}

function ingestParsed(sqlite: Database.Database, parsed: ParseResult, info: BatchInfo, writer: Writer, options: IngestOptions): IngestOutcome {
  if (!parsed.ok) {
    const { status = 400, ...failure } = parsed.failure;
    if (!options.dryRun) recordRejectedBatch(sqlite, info, status, 0, 1);
    return { status, body: failure };
  }
  return ingestRows(sqlite, parsed.rows, info, writer.scope, options, parsed.withdrawals);
}

const asWithdrawals = (parsed: ParseResult): ParseResult => (parsed.ok ? { ok: true, format: parsed.format, rows: [], withdrawals: parsed.rows } : parsed);

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
 *
 * One pass: rows that break a rule, rows outside the writer's scope, repeated keys, withdrawals
 * of rows that are not stored and double counts are all found and listed in one answer. The
 * checks that need the stored rows run in the write transaction, which is rolled back when
 * anything was found (or on a dry run).
 */
export function ingestRows(sqlite: Database.Database, raw: RawRow[], info: BatchInfo, scope: Scope, options: IngestOptions = {}, rawWithdrawals: RawRow[] = []): IngestOutcome {
  const localities = localityRegistry(sqlite);
  const dryRun = options.dryRun ?? false;
  options.onProgress?.('validate', 0, raw.length);
  const ctx = { localities, serviceIds: serviceIdsByCode(sqlite), latestMonth: currentMonth(options.now), scope, format: info.format };
  const beside = options.kind !== 'withdrawals';
  const observations = validateRows(raw, ctx);
  const withdrawals = validateWithdrawals(rawWithdrawals, ctx, beside);
  const { rows } = observations;
  const errors = [...withdrawals.errors, ...observations.errors];
  const scopeErrors = [...withdrawals.scopeErrors, ...observations.scopeErrors];
  options.onProgress?.('validate', raw.length, raw.length);
  const rowCount = raw.length + rawWithdrawals.length;

  const stored = storeBatch(sqlite, localities, rows, info, withdrawals.rows, {
    onProgress: (done) => options.onProgress?.('write', done, rows.length),
    dryRun,
    refused: errors.length + scopeErrors.length > 0,
    observationError: rowErrorMaker(info.format),
    withdrawalError: rowErrorMaker(info.format, beside),
  });
  if (!stored.ok) {
    const all = [...errors, ...scopeErrors, ...stored.withdrawalErrors, ...stored.errors];
    // A stable sort: a row's errors stay in the order its cells were checked.
    all.sort((a, b) => a.row - b.row);
    const status = scopeErrors.length > 0 ? 403 : 422;
    if (!dryRun) recordRejectedBatch(sqlite, info, status, rowCount, all.length);
    const summary = status === 403 ? say.outOfScopeSummary(scopeErrors.length, all.length) : say.invalidRowsSummary(all.length, new Set(all.map((e) => e.row)).size);
    const body = { ...texts(summary), error_count: all.length, errors: all.slice(0, MAX_LISTED_ERRORS) };
    return status === 403 ? { status, body: { error: 'out_of_scope', ...body } } : { status, body: { error: 'invalid_rows', ...body } };
  }
  const { batchId, withdrawn, ...counts } = stored.counts;
  const withWithdrawn = rawWithdrawals.length > 0 || options.kind === 'withdrawals' ? { withdrawn } : {};
  if (dryRun) return { status: 200, body: { dry_run: true, ...counts, ...withWithdrawn } };
  return { status: 201, body: { batch_id: batchId, ...counts, ...withWithdrawn } };
}

/** `message` (English until the server picks the client's language) and both texts. */
function texts(t: Texts): { message: string; message_vi: string; message_en: string } {
  return { message: t.en, message_vi: t.vi, message_en: t.en };
}
