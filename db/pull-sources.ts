import type Database from 'better-sqlite3';

export type SourceKind = 'url' | 'folder';
/** `partial`: some files stored, some refused (a drop folder); data arrived, so it is not a failure. */
export type PullOutcome = 'stored' | 'partial' | 'unchanged' | 'empty' | 'failed' | 'rejected';

/** What an admin sets for a source. */
export interface SourceInput {
  name: string;
  kind: SourceKind;
  /** The URL, or the drop folder's absolute path. */
  location: string;
  format: 'csv' | 'json' | null;
  publisherId: number;
  schedule: string;
  timeoutMs: number;
  retries: number;
  enabled: boolean;
}

/** A source with its status, as admins see it. */
export interface PullSource extends SourceInput {
  id: number;
  createdAt: string;
  publisherName: string;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastOutcome: PullOutcome | null;
  lastError: string | null;
  lastBatchId: number | null;
  consecutiveFailures: number;
  failingSince: string | null;
  etag: string | null;
  lastModified: string | null;
  lastSha256: string | null;
  rejectedSha256: string | null;
}

/** What one pull did, recorded on its source. */
export interface PullRecord {
  at: string;
  outcome: PullOutcome;
  error: string | null;
  batchId: number | null;
  etag?: string | null;
  lastModified?: string | null;
  sha256?: string | null;
  /** The hash of a refused file. */
  rejectedSha256?: string | null;
}

const SELECT = `SELECT s.id, s.name, s.kind, s.location, s.format, s.publisher_id AS publisherId, p.name AS publisherName,
  s.schedule, s.timeout_ms AS timeoutMs, s.retries, s.enabled, s.created_at AS createdAt,
  s.last_attempt_at AS lastAttemptAt, s.last_success_at AS lastSuccessAt, s.last_outcome AS lastOutcome,
  s.last_error AS lastError, s.last_batch_id AS lastBatchId, s.consecutive_failures AS consecutiveFailures,
  s.failing_since AS failingSince, s.etag, s.last_modified AS lastModified, s.last_sha256 AS lastSha256, s.rejected_sha256 AS rejectedSha256
  FROM pull_sources s JOIN publishers p ON p.id = s.publisher_id`;

type Row = Omit<PullSource, 'enabled'> & { enabled: number };

/** SQLite keeps booleans as 0/1. */
function fromRow(row: Row): PullSource {
  return { ...row, enabled: row.enabled === 1 };
}

export function listSources(sqlite: Database.Database): PullSource[] {
  return (sqlite.prepare(`${SELECT} ORDER BY s.name`).all() as Row[]).map(fromRow);
}

export function getSource(sqlite: Database.Database, name: string): PullSource | null {
  const row = sqlite.prepare(`${SELECT} WHERE s.name = ?`).get(name) as Row | undefined;
  return row ? fromRow(row) : null;
}

/**
 * Creates or replaces a source's settings. A changed location starts afresh: the validators and
 * hash of the old file say nothing about the new one.
 */
export function upsertSource(sqlite: Database.Database, input: SourceInput, now = new Date()): { created: boolean; source: PullSource } {
  const existing = getSource(sqlite, input.name);
  const params = [input.kind, input.location, input.format, input.publisherId, input.schedule, input.timeoutMs, input.retries, input.enabled ? 1 : 0];
  if (existing) {
    const moved = existing.kind !== input.kind || existing.location !== input.location;
    sqlite
      .prepare(
        `UPDATE pull_sources SET kind = ?, location = ?, format = ?, publisher_id = ?, schedule = ?, timeout_ms = ?, retries = ?, enabled = ?
         ${moved ? ', etag = NULL, last_modified = NULL, last_sha256 = NULL, rejected_sha256 = NULL' : ''} WHERE name = ?`,
      )
      .run(...params, input.name);
  } else {
    sqlite
      .prepare(
        `INSERT INTO pull_sources (name, kind, location, format, publisher_id, schedule, timeout_ms, retries, enabled, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(input.name, ...params, now.toISOString());
  }
  return { created: !existing, source: getSource(sqlite, input.name)! };
}

export function deleteSource(sqlite: Database.Database, name: string): boolean {
  return sqlite.prepare('DELETE FROM pull_sources WHERE name = ?').run(name).changes === 1;
}

const FAILED: ReadonlySet<PullOutcome> = new Set(['failed', 'rejected']);

/** Records a pull's outcome: a failure counts up and keeps when the trouble began; a success clears both. */
export function recordPull(sqlite: Database.Database, name: string, r: PullRecord): void {
  const failed = FAILED.has(r.outcome) ? 1 : 0;
  sqlite
    .prepare(
      `UPDATE pull_sources SET last_attempt_at = @at, last_outcome = @outcome, last_error = @error,
         last_batch_id = coalesce(@batchId, last_batch_id),
         last_success_at = CASE WHEN @failed THEN last_success_at ELSE @at END,
         consecutive_failures = CASE WHEN @failed THEN consecutive_failures + 1 ELSE 0 END,
         failing_since = CASE WHEN @failed THEN coalesce(failing_since, @at) ELSE NULL END,
         etag = CASE WHEN @failed THEN etag ELSE coalesce(@etag, etag) END,
         last_modified = CASE WHEN @failed THEN last_modified ELSE coalesce(@lastModified, last_modified) END,
         last_sha256 = CASE WHEN @failed THEN last_sha256 ELSE coalesce(@sha256, last_sha256) END,
         rejected_sha256 = CASE WHEN @outcome = 'rejected' THEN coalesce(@rejectedSha256, rejected_sha256) WHEN @failed THEN rejected_sha256 ELSE NULL END
       WHERE name = @name`,
    )
    .run({ name, at: r.at, outcome: r.outcome, error: r.error, batchId: r.batchId, failed, etag: r.etag ?? null, lastModified: r.lastModified ?? null, sha256: r.sha256 ?? null, rejectedSha256: r.rejectedSha256 ?? null });
}

/** Enabled sources whose last pull failed: each is a late_data signal until a pull succeeds. */
export function failingSources(sqlite: Database.Database): PullSource[] {
  return (sqlite.prepare(`${SELECT} WHERE s.enabled = 1 AND s.consecutive_failures > 0 ORDER BY s.name`).all() as Row[]).map(fromRow);
}
