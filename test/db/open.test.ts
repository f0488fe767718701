import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { seedLocalities } from '../../db/localities/seed.ts';
import { openDb } from '../../db/open.ts';
import { newToken } from '../../db/tokens.ts';
import { buildApp } from '../../server/app.ts';
import { ADMIN_TOKEN, tempDir } from '../helper.ts';

const MIGRATIONS = fileURLToPath(new URL('../../db/migrations', import.meta.url));

/** The migrations folder as it stood before `tag`: its files and a journal that ends before it. */
function migrationsBefore(tag: string, into: string): string {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
  const end = journal.entries.findIndex((e) => e.tag === tag);
  expect(end).toBeGreaterThan(0);
  mkdirSync(join(into, 'meta'), { recursive: true });
  for (const entry of journal.entries.slice(0, end)) cpSync(join(MIGRATIONS, `${entry.tag}.sql`), join(into, `${entry.tag}.sql`));
  writeFileSync(join(into, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, end) }));
  return into;
}

describe('openDb on a database made before delegated administration (migration 0010)', () => {
  const dir = tempDir();
  afterEach(() => dir.remove());

  it('migrates it: the publishers keep working, admins and the audit start empty, the app starts', async () => {
    const file = join(dir.path, 'old.db');
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: migrationsBefore('0010_delegated_admin', join(dir.path, 'migrations')) });
    seedLocalities(old);
    expect(old.prepare("SELECT name FROM sqlite_master WHERE name IN ('admins', 'audit_log')").all()).toEqual([]);
    const token = newToken('td');
    old.prepare("INSERT INTO services (code, name_vi, online_level, updated_at) VALUES ('KS', 'Khai sinh', 'full', '2025-01-01')").run();
    old.prepare("INSERT INTO publishers (name, token_id, token_hash, created_at) VALUES ('Sở cũ', ?, ?, '2025-01-01T00:00:00.000Z')").run(token.tokenId, token.tokenHash);
    old.prepare("INSERT INTO publisher_localities (publisher_id, locality_id) SELECT 1, id FROM localities WHERE code = '79' AND valid_to IS NULL").run();
    old.close();

    const db = openDb(file);
    const app = await buildApp({ db, config: { adminToken: ADMIN_TOKEN, maxBodyBytes: 1 << 20, siteDir: join(dir.path, 'site'), publicUrl: 'http://127.0.0.1', writeRateLimit: 1000 } });
    try {
      expect(db.sqlite.prepare('SELECT count(*) FROM admins').pluck().get()).toBe(0);
      expect(db.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(0);
      expect(db.sqlite.prepare('SELECT expires_at FROM publishers WHERE id = 1').pluck().get()).toBeNull();
      const listed = await app.inject({ method: 'GET', url: '/api/v1/publishers', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(listed.statusCode).toBe(200);
      expect(listed.json().publishers).toEqual([expect.objectContaining({ id: 1, name: 'Sở cũ', localities: ['79'], expires_at: null, revoked_at: null })]);
      const sent = await app.inject({
        method: 'POST',
        url: '/api/v1/observations',
        headers: { authorization: `Bearer ${token.token}`, 'content-type': 'text/csv' },
        payload: 'period,service_code,locality_code,online_count,total_count\n2025-08,KS,79,1,2\n',
      });
      expect(sent.statusCode, sent.body).toBe(201);
      const admin = await app.inject({ method: 'POST', url: '/api/v1/admins', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { name: 'Sở TP.HCM', localities: ['79'] } });
      expect(admin.statusCode).toBe(201);
    } finally {
      await app.close();
      db.sqlite.close();
    }
  });
});
