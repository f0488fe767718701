import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, addServices, adminHeaders, count, csv, testApp } from '../../helper.ts';
import { sourceServer } from '../../jobs/pull/source-server.ts';

const GOOD = csv([['2025-08', 'KS', '01', 120, 400]]);
const BAD = csv([['2025-08', 'KS', '01', 500, 400]]);

describe('admin pull sources: /api/v1/sources', () => {
  let t: TestApp;
  let publisherId: number;
  let publisherHeaders: Record<string, string>;
  let server: Awaited<ReturnType<typeof sourceServer>>;
  let builds: number;

  beforeEach(async () => {
    builds = 0;
    t = await testApp({ withPulls: true, onBatchStored: () => builds++ });
    addServices(t.db, 'KS');
    ({ id: publisherId, headers: publisherHeaders } = await t.publisher(['01']));
    server = await sourceServer({
      '/good.csv': (_req, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end(GOOD),
      '/bad.csv': (_req, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end(BAD),
    });
  });
  afterEach(async () => {
    await t.close();
    await server.close();
  });

  const put = (name: string, payload: object, headers = adminHeaders()) => t.app.inject({ method: 'PUT', url: `/api/v1/sources/${name}`, headers, payload });
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: adminHeaders() });

  it('creates a URL source, runs it on demand, and shows its status with the next run', async () => {
    const created = await put('hanoi', { url: server.url('/good.csv'), publisher_id: publisherId, schedule: '5 * * * *', timeout_s: 10, retries: 1 });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'hanoi', kind: 'url', location: server.url('/good.csv'), publisher_id: publisherId, schedule: '5 * * * *', timeout_s: 10, retries: 1, enabled: true, status: { last_outcome: null, consecutive_failures: 0 } });
    expect(Date.parse(created.json().next_run)).toBeGreaterThan(Date.now());

    const pulled = await t.app.inject({ method: 'POST', url: '/api/v1/sources/hanoi/pull', headers: adminHeaders() });
    expect(pulled.statusCode).toBe(200);
    expect(pulled.json()).toMatchObject({ source: 'hanoi', outcome: 'stored', error: null, files: [{ file: server.url('/good.csv'), status: 201, rows: 1 }] });
    expect(count(t.db, 'observations')).toBe(1);
    expect(builds).toBe(1);

    const status = (await get('/api/v1/sources/hanoi')).json();
    expect(status.status).toMatchObject({ last_outcome: 'stored', last_error: null, last_batch_id: pulled.json().files[0].batch_id, consecutive_failures: 0, failing_since: null });
    expect(status.status.last_success_at).toBe(status.status.last_attempt_at);
    const audit = (await get('/api/v1/batches')).json();
    expect(audit.batches[0]).toMatchObject({ source: 'pull', publisher_id: publisherId, remote_addr: server.url('/good.csv'), outcome: 'stored' });
  });

  it('shows a failing source\'s error in the status endpoint, and clears it after a good pull', async () => {
    await put('hanoi', { url: server.url('/bad.csv'), publisher_id: publisherId });
    await t.app.inject({ method: 'POST', url: '/api/v1/sources/hanoi/pull', headers: adminHeaders() });
    const listed = (await get('/api/v1/sources')).json();
    expect(listed.sources).toHaveLength(1);
    expect(listed.sources[0].status).toMatchObject({ last_outcome: 'rejected', consecutive_failures: 1, last_success_at: null });
    expect(listed.sources[0].status.last_error).toContain('line 2, online_count');

    expect((await put('hanoi', { url: server.url('/good.csv'), publisher_id: publisherId })).statusCode).toBe(200);
    await t.app.inject({ method: 'POST', url: '/api/v1/sources/hanoi/pull', headers: adminHeaders() });
    expect((await get('/api/v1/sources/hanoi')).json().status).toMatchObject({ last_outcome: 'stored', last_error: null, consecutive_failures: 0, failing_since: null });
  });

  it('takes a drop folder, and removes a source', async () => {
    const res = await put('drop', { folder: '/srv/drop/hanoi', publisher_id: publisherId, format: 'csv', enabled: false });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'folder', location: '/srv/drop/hanoi', format: 'csv', enabled: false, next_run: null });
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/sources/drop', headers: adminHeaders() })).statusCode).toBe(204);
    expect((await get('/api/v1/sources/drop')).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/sources/drop/pull', headers: adminHeaders() })).statusCode).toBe(404);
  });

  it.each([
    ['both a url and a folder', { url: 'https://example.org/a.csv', folder: '/srv/a', publisher_id: 1 }, 'exactly one of "url"'],
    ['neither', { publisher_id: 1 }, 'exactly one of "url"'],
    ['a relative folder', { folder: 'drop/a', publisher_id: 1 }, 'absolute path'],
    ['a file: URL', { url: 'file:///etc/passwd', publisher_id: 1 }, 'url'],
    ['a bad schedule', { url: 'https://example.org/a.csv', publisher_id: 1, schedule: 'every hour' }, 'not a cron expression'],
    ['an unknown publisher', { url: 'https://example.org/a.csv', publisher_id: 999 }, 'no active publisher 999'],
    ['an unknown field', { url: 'https://example.org/a.csv', publisher_id: 1, token: 'x' }, 'additional'],
    ['a timeout over 600 s', { url: 'https://example.org/a.csv', publisher_id: 1, timeout_s: 601 }, 'timeout_s'],
  ])('refuses %s with 400 and what to fix', async (_what, payload, message) => {
    const res = await put('x', { ...payload, publisher_id: payload.publisher_id === 1 ? publisherId : payload.publisher_id });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain(message);
    expect((await get('/api/v1/sources')).json().sources).toEqual([]);
  });

  it('refuses a bad name, publisher tokens and no token', async () => {
    expect((await put('Bad Name', { folder: '/srv/a', publisher_id: publisherId })).statusCode).toBe(400);
    expect((await put('ok', { folder: '/srv/a', publisher_id: publisherId }, publisherHeaders)).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/sources' })).statusCode).toBe(401);
  });
});

describe('pull endpoints where pulls do not run', () => {
  it('answers 503 to a pull request', async () => {
    const t = await testApp();
    try {
      const publisher = await t.publisher(['01']);
      await t.app.inject({ method: 'PUT', url: '/api/v1/sources/a', headers: adminHeaders(), payload: { folder: '/srv/a', publisher_id: publisher.id } });
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/sources/a/pull', headers: adminHeaders() });
      expect(res.statusCode).toBe(503);
      expect(res.json().error).toBe('pulls_not_running');
    } finally {
      await t.close();
    }
  });
});
