import type Database from 'better-sqlite3';

export interface BatchRecord {
  id: number;
  publisher_id: number | null;
  publisher_name: string | null;
  source: string;
  format: string;
  received_at: string;
  sha256: string;
  byte_size: number;
  remote_addr: string | null;
  outcome: string;
  status_code: number;
  rows: number;
  inserted: number;
  revised: number;
  unchanged: number;
  error_count: number;
}

/** The audit trail: who sent which batch, from where, and what became of it; newest first. */
export function listBatches(sqlite: Database.Database, filter: { publisherId?: number; outcome?: string; limit: number; offset: number }): BatchRecord[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.publisherId !== undefined) {
    where.push('b.publisher_id = ?');
    params.push(filter.publisherId);
  }
  if (filter.outcome !== undefined) {
    where.push('b.outcome = ?');
    params.push(filter.outcome);
  }
  return sqlite
    .prepare(
      `SELECT b.id, b.publisher_id, p.name AS publisher_name, b.source, b.format, b.received_at, b.sha256, b.byte_size,
              b.remote_addr, b.outcome, b.status_code, b.rows, b.inserted, b.revised, b.unchanged, b.error_count
       FROM batches b LEFT JOIN publishers p ON p.id = b.publisher_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY b.id DESC LIMIT ? OFFSET ?`,
    )
    .all(...params, filter.limit, filter.offset) as BatchRecord[];
}
