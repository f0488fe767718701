import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDb } from '../db/open.ts';
import { benchCatalogueCsv, benchMonths, monthCsv, monthRows, provincesOf } from './dataset.ts';
import { type RunningServer } from './server.ts';

/**
 * The raw ceiling: the same rows through one plain prepared INSERT in one transaction,
 * into a table shaped like observations, with ids already resolved and the same pragmas.
 */
export type CeilingRow = [number, number, string, number, number, number | null, number | null, number | null];

export function rawInsertCeiling(dir: string, rowsOf: () => Iterable<CeilingRow>, name = 'ceiling'): { rows: number; seconds: number; rowsPerSecond: number } {
  const file = join(dir, `${name}.db`);
  openDb(file).sqlite.close();
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('cache_size = -65536');
  sqlite.exec(`CREATE TABLE plain (locality_id INTEGER NOT NULL, service_id INTEGER NOT NULL, period TEXT NOT NULL,
    online_count INTEGER NOT NULL, total_count INTEGER NOT NULL, end_to_end_count INTEGER, fee_count INTEGER, paid_online_count INTEGER,
    batch_id INTEGER NOT NULL, demo INTEGER NOT NULL,
    PRIMARY KEY (locality_id, service_id, period)) WITHOUT ROWID`);
  const insert = sqlite.prepare('INSERT INTO plain VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 0)');
  let rows = 0;
  const started = performance.now();
  sqlite.transaction(() => {
    for (const row of rowsOf()) {
      insert.run(...row);
      rows++;
    }
  })();
  const seconds = (performance.now() - started) / 1000;
  sqlite.close();
  return { rows, seconds, rowsPerSecond: rows / seconds };
}

/** The province dataset as the ceiling's rows, ids already resolved. */
export function* provinceCeilingRows(services: number): Generator<CeilingRow> {
  for (const month of benchMonths()) {
    const provinceIndex = new Map(provincesOf(month).map((p, i) => [p, i + (month < '2025-07' ? 100 : 0)]));
    for (const [period, service, locality, ...counts] of monthRows(month, services)) yield [provinceIndex.get(locality)!, Number(service.slice(2)), period, ...counts];
  }
}

export async function post(server: RunningServer, path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(server.url + path, { method: 'POST', body, headers });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json).slice(0, 500)}`);
  return json;
}

/** Registers the services, then sends every month as one CSV batch over HTTP. */
export async function httpIngest(server: RunningServer, adminToken: string, services: number) {
  const admin = { authorization: `Bearer ${adminToken}` };
  await post(server, '/api/v1/services', benchCatalogueCsv(services), { ...admin, 'content-type': 'text/csv' });
  const { token } = (await post(server, '/api/v1/publishers', JSON.stringify({ name: 'bench', localities: ['VN'] }), {
    ...admin,
    'content-type': 'application/json',
  })) as { token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'text/csv' };
  let rows = 0;
  let busy = 0;
  for (const month of benchMonths()) {
    const body = monthCsv(month, services);
    const started = performance.now();
    const result = await post(server, '/api/v1/observations', body, headers);
    busy += performance.now() - started;
    rows += result.rows as number;
  }
  return { rows, seconds: busy / 1000, rowsPerSecond: rows / (busy / 1000), batches: benchMonths().length, token };
}
