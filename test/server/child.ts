import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Db, openDb } from '../../db/open.ts';
import { ADMIN_TOKEN, adminHeaders, HEADER } from '../helper.ts';

/** The project's folder: children run from it, as npm scripts do. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** server/server.ts running as its own process, the way `npm start` runs it. */
export interface ServerProcess {
  url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
  /** The `msg` of each JSON log line so far, in order. */
  messages: () => string[];
  /** Sends a signal to the server process alone (not its site builder) and waits for the exit. */
  signal: (name: NodeJS.Signals) => Promise<Exit>;
}

/** Where a server keeps its data: reused across restarts to show a file survives them. */
export interface ServerFiles {
  dbPath: string;
  siteDir: string;
}

export function serverFiles(dir: string): ServerFiles {
  return { dbPath: join(dir, 'thuocdo.db'), siteDir: join(dir, 'site') };
}

const alive = new Set<ChildProcess>();

/** SIGKILLs every server (and its site builder) still running: for afterEach/afterAll, so a failing test leaves none behind. */
export async function killServers(): Promise<void> {
  await Promise.all(
    [...alive].map(async (child) => {
      const exit = once(child, 'exit');
      try {
        // The server leads its own process group, so this reaches a forked site builder too.
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        return;
      }
      await exit;
    }),
  );
}

/** Asks the OS for a port nobody listens on. */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

/**
 * Starts the server on `files` with a test admin token, no demo data and quiet logs, and
 * resolves once /api/v1/health answers. `env` adds or overrides variables.
 */
export async function startServer(files: ServerFiles, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/server.ts'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DB_PATH: files.dbPath,
      SITE_DIR: files.siteDir,
      ADMIN_TOKEN,
      SEED_DEMO: '0',
      LOG_LEVEL: 'warn',
      WRITE_RATE_LIMIT: '100000',
      ...env,
    },
  });
  alive.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      alive.delete(child);
      resolve({ code, signal });
    }),
  );
  let gone: Exit | null = null;
  void exited.then((e) => (gone = e));

  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (gone) throw new Error(`server exited (${JSON.stringify(gone)}) before it answered:\n${output}`);
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    output: () => output,
    messages: () => output.split('\n').flatMap((line) => {
      try {
        return [(JSON.parse(line) as { msg: string }).msg];
      } catch {
        return [];
      }
    }),
    signal: (name) => {
      child.kill(name);
      return exited;
    },
  };
}

/** Polls `check` every `everyMs` until it holds (the test's own timeout bounds the wait). */
export async function until(check: () => boolean, everyMs = 20): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, everyMs));
}

/** A response's status and parsed JSON body. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

async function answer<T>(res: Response): Promise<Answer<T>> {
  return { status: res.status, body: (await res.json()) as T };
}

export async function getJson<T = Record<string, unknown>>(url: string): Promise<Answer<T>> {
  return answer<T>(await fetch(url));
}

/** POSTs a CSV body with the given headers (a publisher's bearer token). */
export async function postCsv<T = Record<string, unknown>>(url: string, headers: Record<string, string>, body: string): Promise<Answer<T>> {
  return answer<T>(await fetch(`${url}/api/v1/observations`, { method: 'POST', headers: { ...headers, 'content-type': 'text/csv' }, body }));
}

/** Registers services through the admin catalogue import. */
export async function registerServices(url: string, codes: string[]): Promise<void> {
  const catalogue = ['code,name_vi,online_level', ...codes.map((c) => `${c},Dịch vụ ${c},full`)].join('\n');
  const res = await fetch(`${url}/api/v1/services`, { method: 'POST', headers: { ...adminHeaders(), 'content-type': 'text/csv' }, body: catalogue });
  if (res.status !== 200) throw new Error(`service import failed: ${res.status} ${await res.text()}`);
}

/** Creates a publisher through the admin API; returns its id and bearer header. */
export async function createPublisher(url: string, localities: string[]): Promise<{ id: number; headers: Record<string, string> }> {
  const res = await fetch(`${url}/api/v1/publishers`, {
    method: 'POST',
    headers: { ...adminHeaders(), 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Sở TT&TT', localities }),
  });
  if (res.status !== 201) throw new Error(`publisher create failed: ${res.status} ${await res.text()}`);
  const { id, token } = (await res.json()) as { id: number; token: string };
  return { id, headers: { authorization: `Bearer ${token}` } };
}

/** A batch to send, with the sums it should leave behind. */
export interface Batch {
  csv: string;
  /** As the batches table records it: the audit trail's link back to this batch. */
  sha256: string;
  rows: number;
  online: number;
  total: number;
}

/**
 * One row per service × locality × month, in that nesting order, until `limit` rows;
 * `counts` gives each row's [online, total] from its position.
 */
export function makeBatch(
  keys: { services: string[]; localities: string[]; months: string[]; limit?: number },
  counts: (i: number) => [number, number],
): Batch {
  const lines = [HEADER];
  let online = 0;
  let total = 0;
  const limit = keys.limit ?? Infinity;
  outer: for (const s of keys.services) {
    for (const l of keys.localities) {
      for (const m of keys.months) {
        if (lines.length - 1 >= limit) break outer;
        const [o, t] = counts(lines.length - 1);
        lines.push(`${m},${s},${l},${o},${t}`);
        online += o;
        total += t;
      }
    }
  }
  const csv = lines.join('\n') + '\n';
  return { csv, sha256: createHash('sha256').update(csv).digest('hex'), rows: lines.length - 1, online, total };
}

/** Every month from `from` for `n` months, as YYYY-MM. */
export function monthsFrom(from: string, n: number): string[] {
  const [y, m] = from.split('-').map(Number) as [number, number];
  return Array.from({ length: n }, (_, i) => {
    const k = y * 12 + (m - 1) + i;
    return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
  });
}

/** Opens the server's file the way the app does (recovering the WAL), runs `read`, closes it. */
export function inDb<T>(dbPath: string, read: (db: Db) => T): T {
  const db = openDb(dbPath);
  try {
    return read(db);
  } finally {
    db.sqlite.close();
  }
}

/**
 * Rows of the rollup tables that differ from sums recomputed from the observations table
 * alone (at most ten, both ways; none when they agree). Each observation is mapped to its
 * area in today's boundaries in plain SQL: a commune counts towards its province, an old
 * province towards the province it merged into, VN towards itself.
 */
export function rollupMismatches(db: Db): unknown[] {
  // A keyed temp table, so the joins below are a lookup per row and not a scan.
  db.sqlite.exec(`
    DROP TABLE IF EXISTS temp.area_of;
    CREATE TEMP TABLE area_of (locality_id INTEGER PRIMARY KEY, area_id INTEGER NOT NULL);
    INSERT INTO temp.area_of
      SELECT l.id, CASE l.level WHEN 'country' THEN l.id ELSE coalesce(p.successor_id, p.id) END
      FROM localities l JOIN localities p ON p.id = CASE l.level WHEN 'commune' THEN l.parent_id ELSE l.id END;`);
  const nonEmpty = 'WHERE online_count != 0 OR total_count != 0 OR self_rows != 0 OR sub_rows != 0';
  // Each measure's numerator, denominator and rows, over the rows that reported it.
  const stored = 'end_to_end_count, end_to_end_base, end_to_end_rows, paid_online_count, paid_online_base, paid_online_rows';
  const recomputed = `coalesce(sum(o.end_to_end_count), 0), coalesce(sum(CASE WHEN o.end_to_end_count IS NOT NULL THEN o.total_count END), 0), count(o.end_to_end_count),
    coalesce(sum(o.paid_online_count), 0), coalesce(sum(CASE WHEN o.paid_online_count IS NOT NULL THEN o.fee_count END), 0), count(o.paid_online_count)`;
  const differ = (table: string, stored: string, recomputed: string) =>
    db.sqlite
      .prepare(
        `WITH stored AS (${stored}), recomputed AS (${recomputed})
         SELECT '${table} only' AS side, * FROM (SELECT * FROM stored EXCEPT SELECT * FROM recomputed)
         UNION ALL SELECT 'observations only', * FROM (SELECT * FROM recomputed EXCEPT SELECT * FROM stored)
         LIMIT 10`,
      )
      .all();
  return [
    ...differ(
      'rollup_service_area',
      `SELECT service_id, period, area_id, online_count, total_count, ${stored} FROM rollup_service_area ${nonEmpty}`,
      `SELECT o.service_id, o.period, a.area_id, sum(o.online_count), sum(o.total_count), ${recomputed}
       FROM observations o JOIN temp.area_of a USING (locality_id) GROUP BY o.service_id, o.period, a.area_id`,
    ),
    ...differ(
      'rollup_area',
      `SELECT area_id, period, online_count, total_count, ${stored} FROM rollup_area ${nonEmpty}`,
      `SELECT a.area_id, o.period, sum(o.online_count), sum(o.total_count), ${recomputed}
       FROM observations o JOIN temp.area_of a USING (locality_id) GROUP BY a.area_id, o.period`,
    ),
    ...differ(
      'rollup_unit',
      `SELECT locality_id, period, rows, online_count, total_count, ${stored} FROM rollup_unit WHERE rows != 0`,
      `SELECT o.locality_id, o.period, count(*), sum(o.online_count), sum(o.total_count), ${recomputed} FROM observations o GROUP BY o.locality_id, o.period`,
    ),
  ];
}

/** The rows of one of the project's reference files (db/reference), without the header. */
function reference(name: string): string[][] {
  const text = readFileSync(new URL(`../../db/reference/${name}`, import.meta.url), 'utf8');
  return text.trim().split(/\r?\n/).slice(1).map((line) => line.split(','));
}

/** Today's provinces: the 34 since 2025-07-01. */
export function currentProvinces(): string[] {
  return reference('vn-provinces-2025.csv').map((r) => r[0]!);
}

/** The 63 provinces before 2025-07-01, each with the code of the province it became part of. */
export function provincesBefore2025(): Map<string, string> {
  return new Map(reference('vn-provinces-before-2025-07.csv').map((r) => [r[0]!, r[2]!]));
}
