import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase, restoreDatabase } from '../../db/backup.ts';
import { UNRESTRICTED, ingestBody } from '../../db/ingest/ingest.ts';
import { openDb } from '../../db/open.ts';
import { addServices, csv, tempDir } from '../helper.ts';

const NOW = new Date('2026-11-15T00:00:00Z');
const TABLES = ['observations', 'observation_revisions', 'batches', 'rollup_service_area', 'rollup_area', 'services', 'localities'];

describe('backup and restore', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  const counts = (file: string): Record<string, unknown> => {
    const db = openDb(file);
    const out: Record<string, unknown> = Object.fromEntries(TABLES.map((t) => [t, (db.sqlite.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
    const sums = db.sqlite.prepare('SELECT sum(online_count) AS online, sum(total_count) AS total FROM rollup_area').get();
    db.sqlite.close();
    return { ...out, sums };
  };

  it('copies a live database while batches keep arriving, and puts it back', async () => {
    const file = join(dir.path, 'live.db');
    const db = openDb(file);
    addServices(db, 'A', 'B');
    const send = (rows: Array<Array<string | number>>) =>
      expect(ingestBody(db.sqlite, Buffer.from(csv(rows)), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW }).status).toBe(201);
    send([['2024-01', 'A', '01', 10, 100], ['2024-01', 'B', '79', 5, 50]]);
    send([['2024-01', 'A', '01', 20, 100]]);

    const backup = join(dir.path, 'backup.db');
    const copying = backupDatabase(db.sqlite, backup);
    send([['2024-02', 'A', '01', 30, 100]]); // a batch while the copy runs
    await copying;
    db.sqlite.close();
    const atBackup = counts(backup);
    expect(atBackup.observations as number).toBeGreaterThanOrEqual(2);

    // After the backup, more data; a restore brings back exactly what the backup held.
    const later = openDb(file);
    ingestBody(later.sqlite, Buffer.from(csv([['2024-03', 'B', '79', 1, 2]])), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW });
    later.sqlite.close();
    expect(counts(file)).not.toEqual(atBackup);
    await restoreDatabase(backup, file);
    expect(counts(file)).toEqual(atBackup);
  });

  it('refuses to restore something that is not a sound Thước đo database', async () => {
    const file = join(dir.path, 'live.db');
    openDb(file).sqlite.close();
    const before = counts(file);
    const bogus = join(dir.path, 'bogus.db');
    const { default: Database } = await import('better-sqlite3');
    new Database(bogus).exec('CREATE TABLE x (y)');
    await expect(restoreDatabase(bogus, file)).rejects.toThrow(/not a Thước đo database/);
    expect(counts(file)).toEqual(before);
  });
});
