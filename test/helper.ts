import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, openDb } from '../db/open.ts';
import { type ServiceInput, upsertServices } from '../db/services.ts';
import { ingestWorker } from '../db/ingest/worker.ts';
import { pullScheduler } from '../jobs/pull/scheduler.ts';
import { type App, type AppOptions, buildApp } from '../server/app.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const HEADER = 'period,service_code,locality_code,online_count,total_count';

/** A fresh folder under the system temp dir; remove() deletes it, retrying while a child process that outlived its test (a server's site builder) still closes files in it. */
export function tempDir(prefix = 'thuocdo-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }) };
}

/** A real SQLite file in a temp folder, migrated and seeded with the localities. */
export function testDb(): Db & { remove: () => void } {
  const dir = tempDir();
  const db = openDb(join(dir.path, 'test.db'));
  return {
    ...db,
    remove: () => {
      db.sqlite.close();
      dir.remove();
    },
  };
}

export function service(code: string, extra: Partial<ServiceInput> = {}): ServiceInput {
  return { code, name_vi: `Dịch vụ ${code}`, name_en: `Service ${code}`, agency: 'Bộ Tư pháp', online_level: 'full', online_since: '2019-01', ...extra };
}

export function addServices(db: Db, ...codes: string[]): void {
  upsertServices(db.sqlite, codes.map((c) => service(c)));
}

/** Pull settings for tests: no logging, tiny waits, no settle time for dropped files. */
export const FAST_PULLS = { log: { info: () => {}, error: () => {} }, maxBytes: 1024 * 1024, backoffMs: 10, maxBackoffMs: 50, settleMs: 0 };

export interface TestApp {
  app: App;
  db: Db;
  close: () => Promise<void>;
  /** Creates a publisher through the admin API and returns its bearer header. */
  publisher: (localities: string[], services?: string[]) => Promise<{ id: number; headers: Record<string, string> }>;
}

/** The whole app on a real temp database, for app.inject. */
export async function testApp(
  options: {
    adminToken?: string | null;
    maxBodyBytes?: number;
    onBatchStored?: () => void;
    siteDir?: string;
    publicUrl?: string;
    writeRateLimit?: number;
    writeRateLimitIp?: number;
    /** Server limits (timeouts) beyond the defaults of configFromEnv. */
    limits?: Partial<Pick<AppOptions['config'], 'connectionTimeoutMs' | 'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs' | 'trustProxy'>>;
    logger?: AppOptions['logger'];
    /** Runs scheduled pulls (fast backoff, no settle time) for the admin pull endpoints. */
    withPulls?: boolean;
  } = {},
): Promise<TestApp> {
  const db = testDb();
  const adminToken = options.adminToken === undefined ? ADMIN_TOKEN : options.adminToken;
  const ingest = options.withPulls ? ingestWorker(db.file, db.sqlite) : undefined;
  const pulls = ingest && pullScheduler(db.sqlite, { ingest: ingest.ingest, ...FAST_PULLS, onBatchStored: () => options.onBatchStored?.() });
  const app = await buildApp({
    db,
    config: {
      adminToken,
      maxBodyBytes: options.maxBodyBytes ?? 100 * 1024 * 1024,
      siteDir: options.siteDir ?? join(tmpdir(), 'thuocdo-no-site'),
      publicUrl: options.publicUrl ?? 'http://127.0.0.1:3000',
      writeRateLimit: options.writeRateLimit ?? 100_000,
      writeRateLimitIp: options.writeRateLimitIp ?? 100_000,
      ...options.limits,
    },
    onBatchStored: options.onBatchStored,
    pulls,
    ingest,
    logger: options.logger,
  });
  return {
    app,
    db,
    close: async () => {
      await Promise.all([app.close(), pulls?.stop()]);
      await ingest?.close();
      db.remove();
    },
    publisher: async (localities, services) => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/publishers', headers: adminHeaders(), payload: { name: 'Sở TT&TT', localities, services } });
      if (res.statusCode !== 201) throw new Error(`publisher create failed: ${res.body}`);
      const { id, token } = res.json() as { id: number; token: string };
      return { id, headers: { authorization: `Bearer ${token}` } };
    },
  };
}

export function adminHeaders(): Record<string, string> {
  return { authorization: `Bearer ${ADMIN_TOKEN}` };
}

/** A CSV body from rows of [period, service, locality, online, total]. */
export function csv(rows: Array<Array<string | number>>, header = HEADER): string {
  return [header, ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

export function count(db: Db, table: string): number {
  return (db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}
