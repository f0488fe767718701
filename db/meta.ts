import type Database from 'better-sqlite3';

/** Small key-value facts about the database: its data version, when the site was built. */
export function readMeta(sqlite: Database.Database, key: string): string | undefined {
  const row = sqlite.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function writeMeta(sqlite: Database.Database, key: string, value: string): void {
  sqlite.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** Goes up by one with every batch that changed a count: caches and the site key on it. */
export function dataVersion(sqlite: Database.Database): number {
  return Number(readMeta(sqlite, 'data_version') ?? 0);
}

export function bumpDataVersion(sqlite: Database.Database): void {
  writeMeta(sqlite, 'data_version', String(dataVersion(sqlite) + 1));
}

/** True while any current observation came from the demo dataset (a partial index answers it). */
export function hasDemoRows(sqlite: Database.Database): boolean {
  return sqlite.prepare('SELECT 1 FROM observations WHERE demo = 1 LIMIT 1').get() !== undefined;
}

/** The id of the newest stored batch (0 before any): the state every archived answer is "as of". */
export function lastStoredBatch(sqlite: Database.Database): number {
  const row = sqlite.prepare("SELECT max(id) AS id FROM batches WHERE outcome = 'stored'").get() as { id: number | null };
  return row.id ?? 0;
}
