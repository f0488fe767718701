import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { Format, IngestOutcome, Writer } from '../../db/ingest/ingest.ts';
import type { IngestRunner } from '../../db/ingest/worker.ts';
import { publisherExists, publisherScope } from '../../db/publishers.ts';
import { type PullOutcome, type PullRecord, type PullSource, recordPull } from '../../db/pull-sources.ts';
import { PROCESSED, REJECTED, fileAway, readyFiles } from './drop-folder.ts';
import { PullError } from './errors.ts';
import { fetchUrl } from './fetch-url.ts';
import { detectFormat } from './format.ts';
import { withRetries } from './retry.ts';

export interface PullOptions {
  /** Where each file is validated and stored: the server's ingest thread, as for the API. */
  ingest: IngestRunner['ingest'];
  maxBytes: number;
  /** First wait between attempts; it doubles each time. */
  backoffMs: number;
  maxBackoffMs: number;
  /** A dropped file must be this long unchanged before it is read. */
  settleMs: number;
  signal?: AbortSignal;
  now?: () => Date;
  onRetry?: (source: string, error: string, delayMs: number) => void;
}

/** One ingested file: the batch it became, or why it was refused; status 200 = the same bytes as the last stored file, skipped. */
export interface PulledFile {
  file: string;
  status: number;
  batch_id: number | null;
  rows: number;
  error: string | null;
}

export interface PullResult {
  source: string;
  at: string;
  outcome: PullOutcome;
  error: string | null;
  files: PulledFile[];
}

/**
 * Pulls one source once: each file becomes a batch with the API's validation and its
 * all-or-nothing rule, under the source's publisher and scope. The outcome is recorded on the
 * source, so a failing source shows in the admin status and on the watch list.
 */
export async function pullSource(sqlite: Database.Database, source: PullSource, options: PullOptions): Promise<PullResult> {
  const at = (options.now ?? (() => new Date()))();
  let result: Omit<PullResult, 'source' | 'at'>;
  let record: Partial<PullRecord> = {};
  try {
    if (!publisherExists(sqlite, source.publisherId)) {
      throw new PullError(`publisher #${source.publisherId} (${source.publisherName}) is revoked or has expired: give the source an active publisher`, false);
    }
    // One writer for every file of the pull: the publisher, its scope, where the files came from.
    const writer: Writer = {
      source: 'pull',
      publisherId: source.publisherId,
      scope: publisherScope(sqlite, source.publisherId),
      remoteAddr: source.kind === 'url' ? source.location : `folder:${source.location}`,
    };
    ({ result, record } = source.kind === 'url' ? await pullUrl(writer, source, options) : await pullFolder(writer, source, options, at));
  } catch (err) {
    const message = err instanceof PullError ? err.message : `unexpected error: ${(err as Error).message}`;
    result = { outcome: 'failed', error: message, files: [] };
  }
  const batchId = result.files.findLast((f) => f.batch_id !== null && f.status === 201)?.batch_id ?? null;
  recordPull(sqlite, source.name, { at: at.toISOString(), outcome: result.outcome, error: result.error, batchId, ...record });
  return { source: source.name, at: at.toISOString(), ...result };
}

async function pullUrl(writer: Writer, source: PullSource, options: PullOptions) {
  const fetched = await withRetries(
    () => fetchUrl(source.location, { timeoutMs: source.timeoutMs, maxBytes: options.maxBytes, etag: source.etag, lastModified: source.lastModified, signal: options.signal }),
    { retries: source.retries, baseDelayMs: options.backoffMs, maxDelayMs: options.maxBackoffMs, signal: options.signal },
    (error, delay) => options.onRetry?.(source.name, error.message, delay),
  );
  if (fetched.notModified) return { result: unchanged([]), record: {} };
  const sha256 = createHash('sha256').update(fetched.body).digest('hex');
  // The same bytes as the last accepted file: storing them again would change nothing.
  if (sha256 === source.lastSha256) return { result: unchanged([]), record: { etag: fetched.etag, lastModified: fetched.lastModified } };
  // The same bytes as the last refused file: refused again, without another batch in the audit trail.
  if (sha256 === source.rejectedSha256 && source.lastOutcome === 'rejected') return { result: { outcome: 'rejected', error: source.lastError, files: [] } satisfies Omit<PullResult, 'source' | 'at'>, record: {} };
  const format = detectFormat(source.format, fetched.contentType, new URL(source.location).pathname, fetched.body);
  const { file } = await ingestFile(options, writer, fetched.body, format, source.location);
  const accepted = file.status === 201;
  return {
    result: { outcome: accepted ? 'stored' : 'rejected', error: file.error, files: [file] } satisfies Omit<PullResult, 'source' | 'at'>,
    record: accepted ? { etag: fetched.etag, lastModified: fetched.lastModified, sha256 } : { rejectedSha256: sha256 },
  };
}

async function pullFolder(writer: Writer, source: PullSource, options: PullOptions, at: Date): Promise<{ result: Omit<PullResult, 'source' | 'at'>; record: Partial<PullRecord> }> {
  const files: PulledFile[] = [];
  // As for URLs: a copy of the last stored file would change nothing, so it makes no batch.
  let last = source.lastSha256;
  for (const dropped of readyFiles(source.location, options.settleMs, at.getTime())) {
    if (dropped.size > options.maxBytes) {
      const error = `larger than ${Math.round(options.maxBytes / 1024 / 1024)} MB (MAX_BODY_MB); split the file`;
      fileAway(source.location, dropped, REJECTED, at, { error: 'too_large', message: error });
      files.push({ file: dropped.name, status: 413, batch_id: null, rows: 0, error });
      continue;
    }
    const body = readFileSync(dropped.path);
    const sha256 = createHash('sha256').update(body).digest('hex');
    if (sha256 === last) {
      fileAway(source.location, dropped, PROCESSED, at);
      files.push({ file: dropped.name, status: 200, batch_id: null, rows: 0, error: null });
      continue;
    }
    const { file, outcome } = await ingestFile(options, writer, body, detectFormat(source.format, null, dropped.name, body), dropped.name);
    fileAway(source.location, dropped, file.status === 201 ? PROCESSED : REJECTED, at, file.status === 201 ? undefined : outcome.body);
    if (file.status === 201) last = sha256;
    files.push(file);
  }
  const record = last !== source.lastSha256 && last !== null ? { sha256: last } : {};
  return { result: folderOutcome(files), record };
}

/** What a pull of several files came to: some stored and some refused is `partial`, not a failure. */
function folderOutcome(files: PulledFile[]): Omit<PullResult, 'source' | 'at'> {
  if (files.length === 0) return { outcome: 'empty', error: null, files };
  const refused = files.filter((f) => f.status >= 400);
  if (refused.length === 0) return files.some((f) => f.status === 201) ? { outcome: 'stored', error: null, files } : unchanged(files);
  const error = `${refused.length} of ${files.length} file(s) refused (moved to ${REJECTED}/ with their errors): ${refused.map((f) => `${f.file}: ${f.error}`).join('; ')}`;
  return { outcome: files.some((f) => f.status === 201) ? 'partial' : 'rejected', error, files };
}

const unchanged = (files: PulledFile[]): Omit<PullResult, 'source' | 'at'> => ({ outcome: 'unchanged', error: null, files });

async function ingestFile(options: PullOptions, writer: Writer, body: Buffer, format: Format, name: string): Promise<{ file: PulledFile; outcome: IngestOutcome }> {
  const outcome = await options.ingest(body, format, writer);
  if (outcome.status === 201) return { outcome, file: { file: name, status: 201, batch_id: outcome.body.batch_id, rows: outcome.body.rows, error: null } };
  return { outcome, file: { file: name, status: outcome.status, batch_id: null, rows: 0, error: describeRefusal(outcome) } };
}

/** A refusal in one line for the status endpoint: the message and the first few row errors. */
function describeRefusal(outcome: Exclude<IngestOutcome, { status: 201 }>): string {
  const rows = 'errors' in outcome.body ? outcome.body.errors.slice(0, 3).map((e) => `line ${e.row}, ${e.column}: ${e.message}`) : [];
  return ['error' in outcome.body ? `HTTP ${outcome.status} ${outcome.body.error}: ${outcome.body.message}` : `HTTP ${outcome.status}`, ...rows].join(' | ');
}
