import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { seedLocalities } from './localities/seed.ts';
import * as schema from './schema.ts';

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));

export type Drizzle = BetterSQLite3Database<typeof schema>;

/** One open database: the raw handle for hot paths, drizzle for everything else. */
export interface Db {
  sqlite: Database.Database;
  orm: Drizzle;
  file: string;
}

/** Opens (creating if needed) the SQLite file, applies migrations and the locality registry. */
export function openDb(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // NORMAL is durable in WAL mode except for the last commits on power loss, never corrupt.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  // Batches touch keys all over the observations tree: a 64 MiB page cache keeps it in memory.
  sqlite.pragma('cache_size = -65536');
  const orm = drizzle(sqlite, { schema });
  migrate(orm, { migrationsFolder: MIGRATIONS });
  seedLocalities(sqlite);
  return { sqlite, orm, file };
}
