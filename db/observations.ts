import type Database from 'better-sqlite3';
import { rateOf } from './adoption.ts';
import type { Month } from './months.ts';

export interface ObservationRow {
  period: string;
  service_code: string;
  locality_code: string;
  locality_name: string;
  online_count: number;
  total_count: number;
  end_to_end_count: number | null;
  fee_count: number | null;
  paid_online_count: number | null;
  rate: number | null;
  batch_id: number;
}

export interface ObservationFilter {
  serviceId: number | null;
  /** Units to include: every unit that had the asked code. */
  localityIds: number[] | null;
  from?: Month;
  to?: Month;
  limit: number;
  offset: number;
}

/** Rows as reported (each under the unit its code meant in its month), in key order. */
export function listObservations(sqlite: Database.Database, f: ObservationFilter): { rows: ObservationRow[]; more: boolean } {
  const where: string[] = ['o.period BETWEEN ? AND ?'];
  const params: unknown[] = [f.from ?? '0000-00', f.to ?? '9999-99'];
  if (f.serviceId !== null) {
    where.push('o.service_id = ?');
    params.push(f.serviceId);
  }
  if (f.localityIds !== null) {
    where.push(`o.locality_id IN (${f.localityIds.map(() => '?').join(',')})`);
    params.push(...f.localityIds);
  }
  const rows = sqlite
    .prepare(
      `SELECT o.period, s.code AS service_code, l.code AS locality_code, l.name AS locality_name,
              o.online_count, o.total_count, o.end_to_end_count, o.fee_count, o.paid_online_count, o.batch_id
       FROM observations o JOIN services s ON s.id = o.service_id JOIN localities l ON l.id = o.locality_id
       WHERE ${where.join(' AND ')}
       ORDER BY o.locality_id, o.service_id, o.period LIMIT ? OFFSET ?`,
    )
    .all(...params, f.limit + 1, f.offset) as Array<Omit<ObservationRow, 'rate'>>;
  const more = rows.length > f.limit;
  return { rows: rows.slice(0, f.limit).map((r) => ({ ...r, rate: rateOf(r.online_count, r.total_count) })), more };
}

export interface RevisionRow {
  online_count: number;
  total_count: number;
  end_to_end_count: number | null;
  fee_count: number | null;
  paid_online_count: number | null;
  rate: number | null;
  batch_id: number;
  received_at: string;
  current: boolean;
  superseded_by: number | null;
  /** The batch that withdrew this value (then superseded_by is the same batch), or null. */
  withdrawn_by: number | null;
}

/** Every value a key has had, oldest first; the last one is current, unless it was withdrawn. */
export function observationHistory(sqlite: Database.Database, localityId: number, serviceId: number, period: Month): RevisionRow[] {
  const earlier = sqlite
    .prepare(
      `SELECT r.online_count, r.total_count, r.end_to_end_count, r.fee_count, r.paid_online_count, r.batch_id, b.received_at, r.superseded_by,
              CASE WHEN r.withdrawn THEN r.superseded_by END AS withdrawn_by
       FROM observation_revisions r JOIN batches b ON b.id = r.batch_id
       WHERE r.locality_id = ? AND r.service_id = ? AND r.period = ? ORDER BY r.id`,
    )
    .all(localityId, serviceId, period) as Array<Omit<RevisionRow, 'rate' | 'current'>>;
  const current = sqlite
    .prepare(
      `SELECT o.online_count, o.total_count, o.end_to_end_count, o.fee_count, o.paid_online_count, o.batch_id, b.received_at, NULL AS superseded_by, NULL AS withdrawn_by
       FROM observations o JOIN batches b ON b.id = o.batch_id
       WHERE o.locality_id = ? AND o.service_id = ? AND o.period = ?`,
    )
    .all(localityId, serviceId, period) as Array<Omit<RevisionRow, 'rate' | 'current'>>;
  return [
    ...earlier.map((r) => ({ ...r, rate: rateOf(r.online_count, r.total_count), current: false })),
    ...current.map((r) => ({ ...r, rate: rateOf(r.online_count, r.total_count), current: true })),
  ];
}
