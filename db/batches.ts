import type Database from 'better-sqlite3';
import { eq, max } from 'drizzle-orm';
import type { Db } from './open.ts';
import { batches } from './schema.ts';
import type { Texts } from './ingest/types.ts';

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
export function listBatches(
  sqlite: Database.Database,
  filter: { publisherId?: number; /** Only these publishers' batches (a scoped admin's). */ publisherIds?: number[]; outcome?: string; limit: number; offset: number },
): BatchRecord[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.publisherIds !== undefined) {
    where.push(`b.publisher_id IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(filter.publisherIds));
  }
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

/**
 * Why an `as_of_batch` has no state of its own, or null when it has: only a stored batch
 * changed the numbers, and one beyond the newest would answer with numbers that will change.
 */
export function asOfBatchProblem(db: Db, id: number): Texts | null {
  const last = db.orm.select({ id: max(batches.id) }).from(batches).where(eq(batches.outcome, 'stored')).get()?.id ?? 0;
  const latest = { vi: `Lô được lưu gần nhất là lô ${last}.`, en: `the last stored batch is ${last}` };
  const found = db.orm.select({ outcome: batches.outcome }).from(batches).where(eq(batches.id, id)).get();
  if (found?.outcome === 'rejected') {
    return { vi: `Lô ${id} đã bị từ chối nên không có số liệu riêng để xem. ${latest.vi}`, en: `batch ${id} was refused and has no state of its own; ${latest.en}` };
  }
  if (!found || id > last) {
    return { vi: `Lô ${id} ${id > last ? 'chưa có' : 'không tồn tại'}. ${latest.vi}`, en: `batch ${id} does not exist${id > last ? ' yet' : ''}; ${latest.en}` };
  }
  return null;
}
