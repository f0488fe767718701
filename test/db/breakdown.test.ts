import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptionWindow } from '../../db/adoption.ts';
import { breakdown } from '../../db/breakdown.ts';
import { UNRESTRICTED, ingestBody } from '../../db/ingest/ingest.ts';
import { localityRegistry } from '../../db/localities/registry.ts';
import { monthRange } from '../../db/months.ts';
import { serviceIdsByCode } from '../../db/services.ts';
import { HEADER, addServices, testDb } from '../helper.ts';

const NOW = new Date('2026-11-15T00:00:00Z');

/** The communes of a province side by side, read in one pass, against adoptionWindow one commune at a time. */
describe('breakdown by commune', () => {
  const db = testDb();
  beforeAll(() => {
    addServices(db, 'A', 'B');
    const lines: string[] = [];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    // Old communes of old Bình Dương (74) before the reform, communes of 79 after, with gaps.
    for (const period of monthRange('2024-06', '2026-10')) {
      const codes = period < '2025-07' ? ['25760', '25762', '25763', '25771'] : ['25747', '25750', '25760', '25768', '25837'];
      for (const code of codes) for (const service of ['A', 'B']) if (next() > 0.2) {
        const total = 1 + Math.floor(next() * 500);
        lines.push(`${period},${service},${code},${Math.floor(total * next())},${total}`);
      }
    }
    const res = ingestBody(db.sqlite, Buffer.from(`${HEADER}\n${lines.join('\n')}\n`), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW });
    expect(res.status).toBe(201);
  });
  afterAll(() => db.remove());

  it.each([null, 'B'])('gives each commune what adoptionWindow gives it (service %s)', (service) => {
    const registry = localityRegistry(db.sqlite);
    const serviceId = service === null ? null : serviceIdsByCode(db.sqlite).get(service)!;
    const q = { locality: registry.current('79', '2026-11')!, by: 'commune' as const, serviceId, from: '2025-11', to: '2026-10', today: '2026-11' };
    const rows = breakdown(db.sqlite, registry, q);
    expect(rows).toHaveLength(168);
    expect(rows.filter((r) => r.total_count > 0).length).toBeGreaterThanOrEqual(5);
    for (const row of rows) {
      const unit = registry.current(row.code, '2026-11')!;
      const one = adoptionWindow(db.sqlite, registry, { locality: unit, serviceId, from: q.from, to: q.to, today: q.today, granularity: 'month' });
      expect({ code: row.code, ...one }).toEqual({ code: row.code, online_count: row.online_count, total_count: row.total_count, rate: row.rate, coverage: row.coverage });
    }
    // Phường Bình Dương's window reaches back into its old communes' months.
    const windowed = breakdown(db.sqlite, registry, { ...q, from: '2025-01', to: '2025-12' }).find((r) => r.code === '25760')!;
    expect(windowed.coverage.expected).toBeGreaterThan(1);
  });
});
