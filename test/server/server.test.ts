import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataVersion, readMeta } from '../../db/meta.ts';
import type { Db } from '../../db/open.ts';
import { buildsDir } from '../../jobs/site/publish.ts';
import { tempDir } from '../helper.ts';
import {
  type Answer,
  type Batch,
  type ServerProcess,
  createPublisher,
  currentProvinces,
  inDb,
  killServers,
  makeBatch,
  monthsFrom,
  postCsv,
  registerServices,
  rollupMismatches,
  serverFiles,
  startServer,
  until,
} from './child.ts';

const PROVINCES = currentProvinces();
const ROWS = 200_000;
// An hour's quiet time: no site build competes with the ingest for the CPU or the file.
const NO_SITE_BUILDS = { SITE_BUILD_DELAY_MS: '3600000' };

/** Set k's service codes: each attempt writes keys of its own, so what it left behind is plain. */
const serviceSet = (k: number, n = 100) => Array.from({ length: n }, (_, i) => `K${k}.${String(i).padStart(2, '0')}`);

/** 200,000 rows: 100 services × 34 provinces × months from 2020-01 (read as the old provinces of those codes). */
function bigBatch(k: number): Batch {
  return makeBatch({ services: serviceSet(k), localities: PROVINCES, months: monthsFrom('2020-01', 59), limit: ROWS }, (i) => [(i + k) % 7, 7 + (i % 13)]);
}

type Accepted = { batch_id: number; rows: number; inserted: number };

/** A POST through node:http, so the test decides when the second half of the body leaves. */
interface Upload {
  /** The first half of the body has been handed to the socket. */
  halfSent: Promise<void>;
  /** Sends the rest; resolves once the whole body has left. */
  finish: () => Promise<void>;
  /** The answer, or the error if the connection broke first. */
  answer: Promise<Answer<Accepted> | Error>;
  /** The answer (or the error) has arrived. */
  settled: () => boolean;
}

// Like a browser, keeps its connection open after an answer, for as long as the server allows.
let keepAlive: Agent;

function upload(url: string, headers: Record<string, string>, csv: string): Upload {
  const body = Buffer.from(csv);
  const half = body.length >> 1;
  const req = request(`${url}/api/v1/observations`, {
    method: 'POST',
    agent: keepAlive,
    headers: { ...headers, 'content-type': 'text/csv', 'content-length': body.length },
  });
  const answer = new Promise<Answer<Accepted> | Error>((resolve) => {
    req.on('error', resolve);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('error', resolve);
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as Accepted }));
    });
  });
  let finishing: Promise<void> | null = null;
  let settled = false;
  void answer.finally(() => (settled = true));
  return {
    halfSent: new Promise((resolve) => req.write(body.subarray(0, half), () => resolve())),
    finish: () => (finishing ??= new Promise((resolve) => req.end(body.subarray(half), () => resolve()))),
    answer,
    settled: () => settled,
  };
}

/** The server logged the POST's arrival (LOG_LEVEL info): its request is in progress, not an idle connection. */
const postArrived = (server: ServerProcess) => until(() => server.output().includes('"url":"/api/v1/observations"'));

const walSize = (dbPath: string) => (existsSync(`${dbPath}-wal`) ? statSync(`${dbPath}-wal`).size : 0);
// A batch's pages are tens of MiB: growth past this is its write transaction reaching the WAL.
const WAL_GROWTH = 1 << 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the file holds: integrity, rows and sums per batch, the stored batches, and the rollups against the raw rows. */
function inspect(db: Db) {
  return {
    integrity: db.sqlite.pragma('integrity_check', { simple: true }),
    perBatch: db.sqlite
      .prepare('SELECT batch_id AS id, count(*) AS rows, sum(online_count) AS online, sum(total_count) AS total FROM observations GROUP BY batch_id ORDER BY batch_id')
      .all() as Array<{ id: number; rows: number; online: number; total: number }>,
    stored: db.sqlite.prepare("SELECT id, sha256, rows FROM batches WHERE outcome = 'stored' ORDER BY id").all() as Array<{ id: number; sha256: string; rows: number }>,
    rollupMismatches: rollupMismatches(db),
  };
}

/** Every stored batch is one we sent and is whole (all its rows, its sums); nothing else is in the table; the rollups agree. */
function expectWholeBatches(db: Db, sent: Batch[]): Set<string> {
  const state = inspect(db);
  expect(state.integrity).toBe('ok');
  const bySha = new Map(sent.map((b) => [b.sha256, b]));
  expect(state.stored.every((b) => bySha.has(b.sha256)), 'a stored batch is one the test sent').toBe(true);
  expect(state.perBatch).toEqual(
    state.stored.map((b) => ({ id: b.id, rows: bySha.get(b.sha256)!.rows, online: bySha.get(b.sha256)!.online, total: bySha.get(b.sha256)!.total })),
  );
  expect(state.rollupMismatches).toEqual([]);
  return new Set(state.stored.map((b) => b.sha256));
}

describe('the server process', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('thuocdo-server-');
    keepAlive = new Agent({ keepAlive: true });
  });
  afterEach(async () => {
    keepAlive.destroy();
    await killServers();
    dir.remove();
  });

  it('never leaves part of a batch: SIGKILL at any moment of a 200,000-row ingest leaves it whole or absent', async () => {
    const files = serverFiles(dir.path);
    let server = await startServer(files, NO_SITE_BUILDS);
    const batches = Array.from({ length: 6 }, (_, k) => bigBatch(k));
    await registerServices(server.url, batches.flatMap((_, k) => serviceSet(k)));
    const { headers: publisher } = await createPublisher(server.url, PROVINCES);

    // One whole ingest first, timed, to place the kills inside its phases on this machine.
    const walBefore = walSize(files.dbPath);
    const timed = upload(server.url, publisher, batches[0]!.csv);
    await timed.halfSent;
    await timed.finish();
    const sent = performance.now();
    let walAt = 0;
    while (!timed.settled()) {
      if (!walAt && walSize(files.dbPath) > walBefore + WAL_GROWTH) walAt = performance.now();
      await sleep(2);
    }
    expect(await timed.answer).toMatchObject({ status: 201, body: { rows: ROWS, inserted: ROWS } });
    // Parsing, validating and writing happen before the transaction's pages reach the WAL.
    const beforeWal = (walAt || performance.now()) - sent;

    // Between the first and the last, the kill may land before or after the commit: either is fine.
    const kills: Array<{ phase: string; moment: (u: Upload, walBase: number) => Promise<unknown>; leaves?: 'stored' | 'absent' }> = [
      { phase: 'uploading (half the body sent)', moment: (u) => u.halfSent, leaves: 'absent' },
      { phase: 'parsing and validating', moment: (u) => u.finish().then(() => sleep(0.3 * beforeWal)) },
      { phase: 'writing rows', moment: (u) => u.finish().then(() => sleep(0.75 * beforeWal)) },
      {
        phase: 'committing (pages reaching the WAL)',
        moment: (u, walBase) => u.finish().then(() => until(() => u.settled() || walSize(files.dbPath) > walBase + WAL_GROWTH, 2)),
      },
      // Committed is durable even if the process dies the moment it answers.
      { phase: 'just answered 201', moment: (u) => u.finish().then(() => u.answer), leaves: 'stored' },
    ];
    for (const [i, { phase, moment, leaves }] of kills.entries()) {
      const batch = batches[i + 1]!;
      const u = upload(server.url, publisher, batch.csv);
      await moment(u, walSize(files.dbPath));
      await server.signal('SIGKILL');
      const answer = await u.answer;
      const stored = inDb(files.dbPath, (db) => expectWholeBatches(db, batches));
      // A 201 that reached the client is a promise kept: the batch must be there.
      if (!(answer instanceof Error)) expect(answer.status, phase).toBe(201);
      if (!(answer instanceof Error)) expect(stored.has(batch.sha256), phase).toBe(true);
      if (leaves) expect(stored.has(batch.sha256) ? 'stored' : 'absent', phase).toBe(leaves);
      // The same file opens cleanly and takes the next batch.
      server = await startServer(files, NO_SITE_BUILDS);
    }

    // After the last restart it still works end to end: a small batch goes in and is read back.
    const small = makeBatch({ services: serviceSet(0, 1), localities: PROVINCES, months: ['2026-01'] }, () => [1, 2]);
    expect(await postCsv(server.url, publisher, small.csv)).toMatchObject({ status: 201, body: { inserted: small.rows } });
    const adoption = await (await fetch(`${server.url}/api/v1/adoption?service=${serviceSet(0, 1)[0]}&from=2026-01&to=2026-01`)).json();
    expect(adoption).toMatchObject({ series: [{ period: '2026-01', online_count: small.online, total_count: small.total }] });
  }, 240_000);

  describe('on SIGTERM', () => {
    it('refuses new connections, finishes the ingest in flight with its 201, and exits 0', async () => {
      const files = serverFiles(dir.path);
      const server = await startServer(files, { ...NO_SITE_BUILDS, LOG_LEVEL: 'info' });
      await registerServices(server.url, serviceSet(0));
      const { headers: publisher } = await createPublisher(server.url, PROVINCES);
      const batch = bigBatch(0);

      const u = upload(server.url, publisher, batch.csv);
      await u.halfSent;
      await postArrived(server);
      const exited = server.signal('SIGTERM');
      await until(() => server.messages().includes('shutting down'));
      // New work is turned away while the old finishes: refused, answered 503, or (when fetch reuses
      // an idle keep-alive connection of the requests above, which the closing server ends) cut off.
      const late = await fetch(`${server.url}/api/v1/health`).then(
        (res) => res.status,
        (err: Error & { cause?: { code?: string } }) => err.cause?.code,
      );
      expect(['ECONNREFUSED', 503, 'UND_ERR_SOCKET']).toContain(late);

      await u.finish();
      expect(await u.answer).toMatchObject({ status: 201, body: { rows: ROWS, inserted: ROWS } });
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(server.messages()).not.toContain('shutdown timed out; exiting without waiting further');
      inDb(files.dbPath, (db) => expect(expectWholeBatches(db, [batch])).toEqual(new Set([batch.sha256])));
    }, 120_000);

    it('gives up after SHUTDOWN_TIMEOUT_MS on a client that never finishes its upload, exits 1 and stores nothing', async () => {
      const files = serverFiles(dir.path);
      const server = await startServer(files, { ...NO_SITE_BUILDS, LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '500' });
      await registerServices(server.url, serviceSet(0, 1));
      const { headers: publisher } = await createPublisher(server.url, PROVINCES);
      const batch = makeBatch({ services: serviceSet(0, 1), localities: PROVINCES, months: ['2026-01'] }, () => [1, 2]);

      const u = upload(server.url, publisher, batch.csv);
      await u.halfSent;
      await postArrived(server);
      expect(await server.signal('SIGTERM')).toEqual({ code: 1, signal: null });
      expect(server.messages()).toContain('shutdown timed out; exiting without waiting further');
      expect(await u.answer).toBeInstanceOf(Error);
      inDb(files.dbPath, (db) => expect(expectWholeBatches(db, [batch]).size).toBe(0));
    }, 60_000);

    it('finishes the site build in flight: SITE_DIR is then the complete new site', async () => {
      const files = serverFiles(dir.path);
      const server = await startServer(files, { SITE_BUILD_DELAY_MS: '0', LOG_LEVEL: 'info' });
      // The first build (no site yet) runs at start-up; let it finish.
      await until(() => server.messages().includes('site rebuilt'));
      const first = realpathSync(files.siteDir);
      const services = serviceSet(0, 5);
      await registerServices(server.url, services);
      const { headers: publisher } = await createPublisher(server.url, PROVINCES);
      const batch = makeBatch({ services, localities: PROVINCES, months: monthsFrom('2020-01', 59) }, (i) => [i % 7, 7 + (i % 13)]);
      expect(await postCsv(server.url, publisher, batch.csv)).toMatchObject({ status: 201 });

      // The batch starts a build at once; its staging folder shows it is under way.
      const builds = buildsDir(files.siteDir);
      await until(() => readdirSync(builds).some((name) => join(builds, name) !== first), 5);
      expect(await server.signal('SIGTERM')).toEqual({ code: 0, signal: null });

      const log = server.messages();
      expect(log.lastIndexOf('site rebuilt'), 'the build finished after the signal').toBeGreaterThan(log.indexOf('shutting down'));
      expect(log).not.toContain('site build failed; the previous site is still served');
      // A build begun after the batch is the live site, built from the data as it now stands.
      expect(realpathSync(files.siteDir)).not.toBe(first);
      inDb(files.dbPath, (db) => expect(readMeta(db.sqlite, 'site_data_version')).toBe(String(dataVersion(db.sqlite))));

      // Served again (nothing to rebuild: the site is current), every page linked from the
      // home pages and the data page answers.
      const again = await startServer(files, NO_SITE_BUILDS);
      const broken: string[] = [];
      for (const page of ['/', '/en/', '/data/', '/en/data/', `/services/${services[0]}/`]) {
        const res = await fetch(`${again.url}${page}`);
        expect(res.status, page).toBe(200);
        const html = await res.text();
        expect(html.trimEnd().endsWith('</html>'), page).toBe(true);
        const links = new Set([...html.matchAll(/(?:href|src)="([^"#]+)/g)].map((m) => new URL(m[1]!, `${again.url}${page}`)));
        for (const link of links) {
          if (link.origin !== again.url) continue;
          const status = (await fetch(link)).status;
          if (status !== 200) broken.push(`${page} → ${link.pathname}: ${status}`);
        }
      }
      expect(broken).toEqual([]);
    }, 120_000);
  });
});
