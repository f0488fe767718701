import { existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type IngestRunner, ingestWorker } from '../../../db/ingest/worker.ts';
import { createPublisher, revokePublisher } from '../../../db/publishers.ts';
import { type SourceInput, getSource, upsertSource } from '../../../db/pull-sources.ts';
import { computeSignals } from '../../../db/watch/signals.ts';
import { type PullControl, pullScheduler } from '../../../jobs/pull/scheduler.ts';
import { FAST_PULLS, addServices, count, csv, tempDir, testDb } from '../../helper.ts';
import { downUrl, sourceServer } from './source-server.ts';

const GOOD = csv([
  ['2025-08', 'KS', '01', 120, 400],
  ['2025-09', 'KS', '01', 150, 410],
]);
const BAD = csv([
  ['2025-08', 'KS', '01', 120, 400],
  ['2025-09', 'KS', '01', 500, 410],
]);
const JSON_BODY = JSON.stringify({ observations: [{ period: '2025-10', service_code: 'KS', locality_code: '01', online_count: 7, total_count: 9 }] });


describe('scheduled pulls', () => {
  let db: ReturnType<typeof testDb>;
  let publisherId: number;
  let pulls: PullControl;
  let stored: number;
  let ingest: IngestRunner;
  let server: Awaited<ReturnType<typeof sourceServer>>;
  const cleanups: Array<() => unknown> = [];

  const source = (name: string, location: string, extra: Partial<SourceInput> = {}) =>
    upsertSource(db.sqlite, {
      name,
      kind: location.startsWith('http') ? 'url' : 'folder',
      location,
      format: null,
      publisherId,
      schedule: '0 0 1 1 *',
      timeoutMs: 2_000,
      retries: 2,
      enabled: true,
      ...extra,
    }).source;
  const observations = () => count(db, 'observations');
  const scheduler = (options: { backoffMs?: number; settleMs?: number; maxBytes?: number } = {}) => {
    const control = pullScheduler(db.sqlite, { ...FAST_PULLS, ...options, ingest: ingest.ingest, onBatchStored: () => stored++ });
    cleanups.push(() => control.stop());
    return control;
  };

  beforeEach(async () => {
    db = testDb();
    addServices(db, 'KS');
    const created = createPublisher(db.sqlite, { name: 'Sở KH&CN Hà Nội', localities: ['01'] });
    if (!created.ok) throw new Error(created.message);
    publisherId = created.id;
    stored = 0;
    ingest = ingestWorker(db.file, db.sqlite);
    server = await sourceServer({
      '/good.csv': (req, res) => {
        if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end();
        res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', etag: '"v1"' }).end(GOOD);
      },
      '/no-etag.csv': (_req, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end(GOOD),
      '/data.json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON_BODY),
      '/bad.csv': (_req, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end(BAD),
      '/slow.csv': (_req, res) => {
        // Headers at once, then the body never ends: only a timeout on the whole download helps.
        res.writeHead(200, { 'content-type': 'text/csv' });
        res.write('period,service_code,');
      },
      '/flaky.csv': (_req, res, hit) => {
        if (hit <= 2) return res.writeHead(503, { 'retry-after': '0' }).end('busy');
        res.writeHead(200, { 'content-type': 'text/csv' }).end(GOOD);
      },
      '/huge.csv': (_req, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end('x'.repeat(2048)),
    });
    pulls = scheduler();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await ingest.close();
    await server.close();
    db.remove();
  });

  it('stores a good file as one batch of the source\'s publisher, then skips it when unchanged (ETag)', async () => {
    source('hanoi', server.url('/good.csv'));
    const first = await pulls.runNow('hanoi');
    expect(first).toMatchObject({ source: 'hanoi', outcome: 'stored', error: null, files: [{ status: 201, rows: 2 }] });
    expect(observations()).toBe(2);
    expect(stored).toBe(1);
    const batch = db.sqlite.prepare('SELECT source, publisher_id, remote_addr, outcome FROM batches WHERE id = ?').get(first!.files[0]!.batch_id) as Record<string, unknown>;
    expect(batch).toEqual({ source: 'pull', publisher_id: publisherId, remote_addr: server.url('/good.csv'), outcome: 'stored' });

    const second = await pulls.runNow('hanoi');
    expect(second).toMatchObject({ outcome: 'unchanged', files: [] });
    expect(server.requests.at(-1)!.headers['if-none-match']).toBe('"v1"');
    expect(count(db, 'batches')).toBe(1);
    expect(stored).toBe(1);
    expect(getSource(db.sqlite, 'hanoi')).toMatchObject({ lastOutcome: 'unchanged', consecutiveFailures: 0, failingSince: null, lastBatchId: first!.files[0]!.batch_id });
  });

  it('skips the same bytes again without validators, by their hash', async () => {
    source('plain', server.url('/no-etag.csv'));
    expect((await pulls.runNow('plain'))!.outcome).toBe('stored');
    expect((await pulls.runNow('plain'))!.outcome).toBe('unchanged');
    expect(server.hits('/no-etag.csv')).toBe(2);
    expect(count(db, 'batches')).toBe(1);
  });

  it('reads JSON by its content type', async () => {
    source('json', server.url('/data.json'));
    expect(await pulls.runNow('json')).toMatchObject({ outcome: 'stored', files: [{ rows: 1 }] });
    expect(db.sqlite.prepare('SELECT online_count, total_count FROM observations').get()).toEqual({ online_count: 7, total_count: 9 });
  });

  it('times out a slow source on the whole download, retries it, and counts the failures', async () => {
    source('slow', server.url('/slow.csv'), { timeoutMs: 300, retries: 2 });
    const result = await pulls.runNow('slow');
    expect(result).toMatchObject({ outcome: 'failed', files: [] });
    expect(result!.error).toContain('did not send the whole file within 0.3 s');
    expect(server.hits('/slow.csv')).toBe(3);
    const failed = getSource(db.sqlite, 'slow')!;
    expect(failed).toMatchObject({ lastOutcome: 'failed', consecutiveFailures: 1, lastSuccessAt: null });
    expect(failed.failingSince).toBe(failed.lastAttemptAt);

    await pulls.runNow('slow');
    expect(getSource(db.sqlite, 'slow')).toMatchObject({ consecutiveFailures: 2, failingSince: failed.failingSince });
    expect(observations()).toBe(0);
  });

  it('reports a source that is down, after its retries', async () => {
    source('down', await downUrl());
    const result = await pulls.runNow('down');
    expect(result!.outcome).toBe('failed');
    expect(result!.error).toMatch(/could not reach http:\/\/127\.0\.0\.1:\d+\/data\.csv: ECONNREFUSED/);
  });

  it('refuses a bad file whole, with its row errors, and does not retry it', async () => {
    source('bad', server.url('/bad.csv'));
    const result = await pulls.runNow('bad');
    expect(result).toMatchObject({ outcome: 'rejected', files: [{ status: 422, batch_id: null }] });
    expect(result!.error).toContain('HTTP 422 invalid_rows');
    expect(result!.error).toContain('line 3, online_count');
    expect(server.hits('/bad.csv')).toBe(1);
    expect(observations()).toBe(0);
    expect(db.sqlite.prepare("SELECT source, outcome, status_code FROM batches").all()).toEqual([{ source: 'pull', outcome: 'rejected', status_code: 422 }]);
    expect(getSource(db.sqlite, 'bad')).toMatchObject({ lastOutcome: 'rejected', consecutiveFailures: 1 });
    expect(stored).toBe(0);

    // The same bad file on the next pull: refused again with its errors, but no second batch.
    const again = await pulls.runNow('bad');
    expect(again).toMatchObject({ outcome: 'rejected', error: result!.error, files: [] });
    expect(server.hits('/bad.csv')).toBe(2);
    expect(count(db, 'batches')).toBe(1);
    expect(getSource(db.sqlite, 'bad')).toMatchObject({ lastOutcome: 'rejected', consecutiveFailures: 2, lastError: result!.error });
  });

  it('retries a busy source (503) and stores the file when it answers', async () => {
    source('flaky', server.url('/flaky.csv'), { retries: 3 });
    expect(await pulls.runNow('flaky')).toMatchObject({ outcome: 'stored', error: null });
    expect(server.hits('/flaky.csv')).toBe(3);
  });

  it('does not retry a missing file (404) and refuses a file over the size limit', async () => {
    source('gone', server.url('/gone.csv'));
    expect((await pulls.runNow('gone'))!.error).toContain('answered HTTP 404');
    expect(server.hits('/gone.csv')).toBe(1);

    const small = scheduler({ maxBytes: 1000 });
    source('huge', server.url('/huge.csv'));
    expect((await small.runNow('huge'))!.error).toContain('serves more than');
    expect(server.hits('/huge.csv')).toBe(1);
  });

  it('raises late_data for a failing source, without its error or address, and clears it on success', async () => {
    source('hanoi', server.url('/bad.csv'));
    await pulls.runNow('hanoi');
    const flag = computeSignals(db.sqlite).flags.find((f) => f.metrics.source === 'hanoi');
    expect(flag).toMatchObject({ signal: 'late_data', service_code: null, locality_code: null, metrics: { publisher_id: publisherId, consecutive_failures: 1, last_success_at: null, last_outcome: 'rejected' } });
    expect(flag!.explanation_en).toContain('Pull source "hanoi" (a URL) of "Sở KH&CN Hà Nội" has failed 1 time in a row');
    expect(flag!.explanation_vi).toContain('bị lỗi 1 lần liên tiếp');
    expect(flag!.explanation_en).not.toContain('127.0.0.1');

    source('hanoi', server.url('/good.csv'));
    expect((await pulls.runNow('hanoi'))!.outcome).toBe('stored');
    expect(computeSignals(db.sqlite).flags.some((f) => f.metrics.source === 'hanoi')).toBe(false);
  });

  it('fails, without retrying, when the source\'s publisher was revoked', async () => {
    source('revoked', server.url('/good.csv'));
    revokePublisher(db.sqlite, publisherId);
    expect((await pulls.runNow('revoked'))!.error).toContain('is revoked');
    expect(server.hits('/good.csv')).toBe(0);
  });

  describe('drop folder', () => {
    let folder: ReturnType<typeof tempDir>;
    beforeEach(() => {
      folder = tempDir('thuocdo-drop-');
      cleanups.push(folder.remove);
    });

    it('loads each settled file as its own batch, in name order, and files it away', async () => {
      writeFileSync(join(folder.path, '2025-09.csv'), csv([['2025-09', 'KS', '01', 9, 10]]));
      writeFileSync(join(folder.path, '2025-08.csv'), csv([['2025-09', 'KS', '01', 1, 10]]));
      writeFileSync(join(folder.path, 'bad.csv'), BAD);
      writeFileSync(join(folder.path, '.hidden.csv'), GOOD);
      writeFileSync(join(folder.path, 'copying.csv.part'), GOOD);
      source('drop', folder.path);

      const result = await pulls.runNow('drop');
      expect(result!.files.map((f) => [f.file, f.status])).toEqual([
        ['2025-08.csv', 201],
        ['2025-09.csv', 201],
        ['bad.csv', 422],
      ]);
      // Data arrived: a partial pull is a success with a warning, not a failure.
      expect(result!.outcome).toBe('partial');
      expect(result!.error).toContain('1 of 3 file(s) refused');
      expect(getSource(db.sqlite, 'drop')).toMatchObject({ lastOutcome: 'partial', lastSuccessAt: expect.any(String), consecutiveFailures: 0, failingSince: null });
      expect(computeSignals(db.sqlite).flags.some((f) => f.metrics.source === 'drop')).toBe(false);
      // The later name wins: its counts are current, the earlier ones a revision.
      expect(db.sqlite.prepare('SELECT online_count FROM observations').all()).toEqual([{ online_count: 9 }]);
      expect(count(db, 'observation_revisions')).toBe(1);

      expect(readdirSync(folder.path).sort()).toEqual(['.hidden.csv', 'copying.csv.part', 'processed', 'rejected']);
      expect(readdirSync(join(folder.path, 'processed'))).toHaveLength(2);
      const rejected = readdirSync(join(folder.path, 'rejected')).sort();
      expect(rejected).toHaveLength(2);
      expect(rejected[0]).toMatch(/_bad\.csv$/);
      const errors = JSON.parse(readFileSync(join(folder.path, 'rejected', rejected[1]!), 'utf8'));
      expect(errors).toMatchObject({ error: 'invalid_rows', error_count: 1, errors: [{ row: 3, column: 'online_count' }] });

      expect(await pulls.runNow('drop')).toMatchObject({ outcome: 'empty', error: null, files: [] });
      expect(getSource(db.sqlite, 'drop')).toMatchObject({ consecutiveFailures: 0 });
    });

    it('files away a copy of the last stored file as unchanged, with no batch', async () => {
      source('drop', folder.path);
      writeFileSync(join(folder.path, 'october.csv'), GOOD);
      expect((await pulls.runNow('drop'))!.outcome).toBe('stored');
      const batches = () => count(db, 'batches');
      expect(batches()).toBe(1);
      // The same bytes again, under another name: nothing to store.
      writeFileSync(join(folder.path, 'october-again.csv'), GOOD);
      expect(await pulls.runNow('drop')).toMatchObject({ outcome: 'unchanged', error: null, files: [{ file: 'october-again.csv', status: 200, batch_id: null }] });
      expect(batches()).toBe(1);
      expect(readdirSync(join(folder.path, 'processed'))).toHaveLength(2);
      // Other bytes, then the first file again: each changes the data, so each is a batch.
      writeFileSync(join(folder.path, 'a.csv'), csv([['2025-08', 'KS', '01', 121, 400]]));
      writeFileSync(join(folder.path, 'b.csv'), GOOD);
      expect((await pulls.runNow('drop'))!.files.map((f) => f.status)).toEqual([201, 201]);
      expect(batches()).toBe(3);
      expect(db.sqlite.prepare("SELECT online_count FROM observations WHERE period = '2025-08'").pluck().get()).toBe(120);
    });

    it('leaves a file that is still being written for the next pull', async () => {
      const settling = scheduler({ settleMs: 60_000 });
      const file = join(folder.path, 'fresh.csv');
      writeFileSync(file, GOOD);
      source('drop', folder.path);
      expect((await settling.runNow('drop'))!.outcome).toBe('empty');
      const old = new Date(Date.now() - 120_000);
      utimesSync(file, old, old);
      expect((await settling.runNow('drop'))!.outcome).toBe('stored');
      expect(existsSync(file)).toBe(false);
    });

    it('fails when the folder is missing', async () => {
      source('nowhere', join(folder.path, 'missing'));
      expect((await pulls.runNow('nowhere'))!.error).toMatch(/cannot read the drop folder .*missing: ENOENT/);
    });
  });

  it('pulls on the source\'s cron schedule, and stops cleanly', async () => {
    const folder = tempDir('thuocdo-drop-');
    cleanups.push(folder.remove);
    mkdirSync(folder.path, { recursive: true });
    writeFileSync(join(folder.path, 'a.csv'), GOOD);
    source('every-second', folder.path, { schedule: '* * * * * *' });
    pulls.reload();
    expect(pulls.nextRun('every-second')).toBeInstanceOf(Date);
    for (let i = 0; i < 100 && getSource(db.sqlite, 'every-second')!.lastAttemptAt === null; i++) await new Promise((r) => setTimeout(r, 50));
    expect(getSource(db.sqlite, 'every-second')!.lastOutcome).toBe('stored');
    await pulls.stop();
    expect(pulls.nextRun('every-second')).toBeNull();
  });

  it('cuts a retry wait short on stop, so shutdown is not held by a failing source', async () => {
    const patient = scheduler({ backoffMs: 60_000 });
    source('down', await downUrl(), { retries: 5 });
    const running = patient.runNow('down');
    await new Promise((r) => setTimeout(r, 100));
    await patient.stop();
    expect((await running)!.outcome).toBe('failed');
  });
});
