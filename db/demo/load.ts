import type Database from 'better-sqlite3';
import { UNRESTRICTED, batchInfo, ingestRows } from '../ingest/ingest.ts';
import type { RawRow } from '../ingest/types.ts';
import { lastCompleteMonth } from '../months.ts';
import { upsertServices } from '../services.ts';
import { upsertTargets } from '../watch/targets.ts';
import { generateDemo } from './generate.ts';

const DEMO_WRITER = { source: 'demo' as const, publisherId: null, scope: UNRESTRICTED };

/**
 * Loads the labelled demo dataset into a database with no observations, through the same
 * validation and write path as a publisher's batch (one batch per year). Returns null when
 * the database already has data.
 */
export function loadDemoIfEmpty(sqlite: Database.Database, now = new Date()): { rows: number; ms: number } | null {
  if (sqlite.prepare('SELECT 1 FROM observations LIMIT 1').get()) return null;
  const started = performance.now();
  const demo = generateDemo(lastCompleteMonth(now));
  upsertServices(sqlite, demo.services);

  const byYear = new Map<string, RawRow[]>();
  demo.rows.forEach((values, i) => {
    const year = values.period.slice(0, 4);
    const list = byYear.get(year) ?? [];
    list.push({ row: i + 1, values: values as unknown as Record<string, unknown> });
    byYear.set(year, list);
  });
  for (const [year, rows] of byYear) {
    const info = batchInfo(Buffer.from(`demo ${year}`), 'json', DEMO_WRITER, now);
    const outcome = ingestRows(sqlite, rows, info, UNRESTRICTED, { now });
    if (outcome.status !== 201) throw new Error(`demo data for ${year} was refused: ${JSON.stringify(outcome.body).slice(0, 500)}`);
  }
  seedDemoTargets(sqlite, demo.services[0]!.code, lastCompleteMonth(now), now);
  return { rows: demo.rows.length, ms: Math.round(performance.now() - started) };
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
      { service_code: serviceCode, locality_code: 'VN', due_month: due, target_rate: 0.8 },
    ],
    now,
  );
  if (outcome.status !== 200) throw new Error(`demo targets were refused: ${JSON.stringify(outcome.body).slice(0, 500)}`);
}
