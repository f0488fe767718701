// Commune-scale timing, not a vitest file: `npx tsx test/db/watch/commune-scale.ts /tmp/c.db` builds (once) 3,321 communes × 300 services ×
// 2025-07..2026-11 (16.9 M rows) straight into observations, then times computeSignals and prints its peak RSS.
import { existsSync } from 'node:fs';
import { openDb } from '../../../db/open.ts';
import { upsertServices } from '../../../db/services.ts';
import { computeSignals, flagPage } from '../../../db/watch/signals.ts';

const file = process.argv[2]!;
const make = !existsSync(file);
const db = openDb(file);
const sqlite = db.sqlite;
if (make) {
  const t0 = Date.now();
  upsertServices(sqlite, Array.from({ length: 300 }, (_, i) => ({ code: `C${String(i).padStart(3, '0')}`, name_vi: `Dịch vụ ${i}`, name_en: `Service ${i}`, agency: 'Bộ', online_level: 'full' as const, online_since: i % 10 === 0 ? '2026-12' : '2019-01' })));
  sqlite.prepare(`INSERT INTO batches (id, publisher_id, source, format, received_at, sha256, byte_size, outcome, status_code, rows, inserted, revised, unchanged, error_count) VALUES (1, NULL, 'cli', 'csv', '2026-12-01', 'x', 0, 'stored', 201, 0, 0, 0, 0, 0)`).run();
  sqlite.pragma('foreign_keys = OFF');
  sqlite.exec(`
    CREATE TEMP TABLE months(p TEXT, k INT);
    WITH RECURSIVE m(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM m WHERE k < 16)
    INSERT INTO months SELECT printf('%04d-%02d', 2025 + (6 + k) / 12, (6 + k) % 12 + 1), k FROM m;
    INSERT INTO observations (locality_id, service_id, period, online_count, total_count, batch_id, demo)
    SELECT l.id, s.id, m.p,
      ((abs(random()) % 100) * (abs(l.id * 7 + s.id * 13) % 90)) / 100 + (CASE WHEN m.k = 16 AND l.id % 97 = 0 THEN 0 ELSE 5 END),
      100 + abs(l.id * 31 + s.id * 17) % 400, 1, 0
    FROM localities l CROSS JOIN services s CROSS JOIN months m
    WHERE l.level = 'commune' AND l.valid_from = '2025-07-01' AND NOT (m.k >= 15 AND l.id % 50 = 0)
    ORDER BY l.id, s.id, m.p;
  `);
  console.log('made', sqlite.prepare('SELECT count(*) FROM observations').pluck().get(), 'rows in', Date.now() - t0, 'ms');
}
const rssBefore = process.memoryUsage().rss;
const t1 = Date.now();
const result = computeSignals(sqlite, { now: new Date('2026-12-04T00:00:00Z') });
const ms = Date.now() - t1;
const cf = result.commune_flags;
const bySignal: Record<string, number> = {};
for (let i = 0; i < cf.count; i++) bySignal[cf.key(i).signal] = (bySignal[cf.key(i).signal] ?? 0) + 1;
const t2 = Date.now();
const page = flagPage(result.flags, cf, cf.select({ province: '79' }, 'paper'), 'paper', 0, 100);
console.log({ ms, pageMs: Date.now() - t2, page: page.length, first: page[0]?.explanation_en, flags: result.flags.length, communeFlags: cf.count, bySignal, communes: result.commune_data.communes.length, window: result.window, rssBeforeMiB: Math.round(rssBefore / 2 ** 20), maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20) });
