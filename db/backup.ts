import { existsSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * A consistent copy of a live database through SQLite's online backup API: writers keep
 * going, and the copy is one point in time. Written beside the target, then renamed.
 */
export async function backupDatabase(sqlite: Database.Database, file: string): Promise<{ pages: number }> {
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const result = await sqlite.backup(partial);
  checkIntegrity(partial);
  renameSync(partial, file);
  return { pages: result.totalPages };
}

function checkIntegrity(file: string): void {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`${file} failed its integrity check: ${check}`);
    const tables = copy.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('observations', 'batches', 'localities')").get() as { n: number };
    if (tables.n !== 3) throw new Error(`${file} is not a Thước đo database`);
  } finally {
    copy.close();
  }
}

/**
 * Puts a backup back as the database at `dbPath` (stop the server first). The backup is
 * checked before anything is touched, copied beside the target, then renamed into place.
 */
export async function restoreDatabase(backupFile: string, dbPath: string): Promise<{ pages: number }> {
  if (!existsSync(backupFile)) throw new Error(`no backup at ${backupFile}`);
  checkIntegrity(backupFile);
  const source = new Database(backupFile, { readonly: true });
  const partial = `${dbPath}.restoring`;
  rmSync(partial, { force: true });
  try {
    const result = await source.backup(partial);
    for (const suffix of ['-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
    renameSync(partial, dbPath);
    return { pages: result.totalPages };
  } finally {
    source.close();
  }
}
