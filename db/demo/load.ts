import type Database from 'better-sqlite3';
import { UNRESTRICTED, batchInfo, ingestRows } from '../ingest/ingest.ts';
import type { RawRow } from '../ingest/types.ts';
import { lastCompleteMonth } from '../months.ts';
import { upsertServices } from '../services.ts';
import { upsertTargets } from '../watch/targets.ts';
import { type DemoDataset, type DemoRow, generateDemo } from './generate.ts';

const DEMO_WRITER = { source: 'demo' as const, publisherId: null, scope: UNRESTRICTED };

/**
 * Loads the labelled demo dataset into a database with no observations, through the same
 * validation and write path as a publisher's batch (one batch per year, then Đà Nẵng's move to
 * commune rows as a withdrawal batch). Returns null when
 * the database already has data.
 */
export function loadDemoIfEmpty(sqlite: Database.Database, now = new Date()): { rows: number; ms: number } | null {
  if (sqlite.prepare('SELECT 1 FROM observations LIMIT 1').get()) return null;
  const started = performance.now();
  const demo = generateDemo(lastCompleteMonth(now));
  upsertServices(sqlite, demo.services);

  const { moved, sums } = splitMoved(demo);
  const byYear = new Map<string, DemoRow[]>();
  for (const row of [...demo.rows.filter((r) => !isMoved(demo, r)), ...sums]) {
    const year = row.period.slice(0, 4);
    const list = byYear.get(year) ?? [];
    list.push(row);
    byYear.set(year, list);
  }
  for (const [year, rows] of byYear) store(sqlite, `demo ${year}`, rows, [], now);
  // The province that moves to commune rows: its own rows withdrawn, its communes' sent, in one batch.
  const withdrawals = sums.map(({ period, service_code, locality_code }) => ({ period, service_code, locality_code }));
  store(sqlite, `demo move ${demo.moved.province}`, moved, withdrawals, now);
  seedDemoTargets(sqlite, demo.services[0]!.code, lastCompleteMonth(now), now);
  return { rows: demo.rows.length, ms: Math.round(performance.now() - started) };
}

function store(sqlite: Database.Database, label: string, rows: object[], withdrawals: object[], now: Date): void {
  const raw = (list: object[]): RawRow[] => list.map((values, i) => ({ row: i + 1, values: values as Record<string, unknown> }));
  const info = batchInfo(Buffer.from(label), 'json', DEMO_WRITER, now);
  const outcome = ingestRows(sqlite, raw(rows), info, UNRESTRICTED, { now }, raw(withdrawals));
  if (outcome.status !== 201) throw new Error(`${label} was refused: ${JSON.stringify(outcome.body).slice(0, 500)}`);
}

const isMoved = (demo: DemoDataset, r: DemoRow) => r.period >= demo.moved.from && demo.moved.communes.has(r.locality_code);

/** The moved province's commune rows, and what the province sent for them before: their sums per service and month. */
function splitMoved(demo: DemoDataset): { moved: DemoRow[]; sums: DemoRow[] } {
  const moved = demo.rows.filter((r) => isMoved(demo, r));
  const sums = new Map<string, DemoRow>();
  for (const r of moved) {
    const key = `${r.period}|${r.service_code}`;
    const sum = sums.get(key);
    if (!sum) {
      sums.set(key, { ...r, locality_code: demo.moved.province });
      continue;
    }
    sum.online_count += r.online_count;
    sum.total_count += r.total_count;
    sum.end_to_end_count = addMeasure(sum.end_to_end_count, r.end_to_end_count);
    // paid_online_count needs its fee_count: both are summed, or neither.
    const paid = addMeasure(sum.paid_online_count, r.paid_online_count);
    const fee = addMeasure(sum.fee_count, r.fee_count);
    [sum.fee_count, sum.paid_online_count] = fee === null ? [null, null] : [fee, paid];
  }
  return { moved, sums: [...sums.values()] };
}

/** A province's sum of an optional measure: only when every one of its communes reported it. */
function addMeasure(sum: number | null, value: number | null): number | null {
  return sum === null || value === null ? null : sum + value;
}

/** Targets for the year's end, so that the watch list's target signal shows on the demo site. */
function seedDemoTargets(sqlite: Database.Database, serviceCode: string, lastMonth: string, now: Date): void {
  const year = Number(lastMonth.slice(0, 4)) + (lastMonth.endsWith('-12') ? 1 : 0);
  const due = `${year}-12`;
  const outcome = upsertTargets(
    sqlite,
    [
      { service_code: null, locality_code: 'VN', due_month: due, target_rate: 0.6 },
      { service_code: null, locality_code: '79', due_month: due, target_rate: 0.7 },
      { service_code: null, locality_code: '12', due_month: due, target_rate: 0.5 },
      { service_code: null, locality_code: '00004', due_month: due, target_rate: 0.8 },
      { service_code: serviceCode, locality_code: 'VN', due_month: due, target_rate: 0.8 },
      // The national target of 80% of dossiers handled end-to-end (set for the end of 2025, still unmet).
      { indicator: 'end_to_end_rate', service_code: null, locality_code: 'VN', due_month: due, target_rate: 0.8 },
    ],
    now,
  );
  if (outcome.status !== 200) throw new Error(`demo targets were refused: ${JSON.stringify(outcome).slice(0, 500)}`);
}
