import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, addServices, adminHeaders, count, csv, testApp } from '../../helper.ts';

type Headers = Record<string, string>;

/**
 * Forgery and abuse of bearer tokens. Constant-time comparison is by construction (timingSafeEqual
 * over SHA-256 digests, so lengths never differ); without timed assertions, these tests hold the
 * behaviour around it: near-miss tokens are refused, only hashes are stored.
 */
describe('bearer tokens', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
    addServices(t.db, 'KS', 'KH');
  });
  afterEach(() => t.close());

  const ingest = (headers: Headers, body: string) => t.app.inject({ method: 'POST', url: '/api/v1/observations', headers: { ...headers, 'content-type': 'text/csv' }, payload: body });
  const tokenOf = (headers: Headers) => headers.authorization!.replace('Bearer ', '');

  it('stores only the SHA-256 of the secret, never the token or the secret', async () => {
    const { id, headers } = await t.publisher(['01']);
    const token = tokenOf(headers);
    const [, tokenId, secret] = /^td_(.{12})_(.+)$/.exec(token)!;
    const row = t.db.sqlite.prepare('SELECT * FROM publishers WHERE id = ?').get(id) as Record<string, unknown>;
    expect(row.token_id).toBe(tokenId);
    expect(row.token_hash).toBe(createHash('sha256').update(secret!).digest('hex'));
    const everything = JSON.stringify(t.db.sqlite.prepare('SELECT * FROM publishers').all());
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(token);
  });

  it.each([
    ['the right id with another secret', (token: string) => token.slice(0, 16) + 'A'.repeat(token.length - 16)],
    ['the right id with the last character changed', (token: string) => token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')],
    ['the right secret under another id', (token: string) => `td_${'Z'.repeat(12)}${token.slice(15)}`],
    ['a secret one character short', (token: string) => token.slice(0, -1)],
    ['a secret one character long', (token: string) => `${token}A`],
    ['the token in lower case', (token: string) => token.toLowerCase()],
  ])('refuses %s (401) and stores nothing', async (_name, forge) => {
    const { headers } = await t.publisher(['01']);
    const res = await ingest({ authorization: `Bearer ${forge(tokenOf(headers))}` }, csv([['2024-01', 'KS', '01', 1, 2]]));
    expect(res.statusCode).toBe(401);
    expect(count(t.db, 'observations')).toBe(0);
  });

  it('stops a revoked token at once, and the other tokens keep working', async () => {
    const revoked = await t.publisher(['01']);
    const kept = await t.publisher(['01']);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/publishers/${revoked.id}`, headers: adminHeaders() })).statusCode).toBe(204);
    expect((await ingest(revoked.headers, csv([['2024-01', 'KS', '01', 1, 2]]))).statusCode).toBe(401);
    expect((await ingest(kept.headers, csv([['2024-01', 'KS', '01', 1, 2]]))).statusCode).toBe(201);
  });

  it('checks the scope of every row, localities and services, and lists each row outside it', async () => {
    const { headers } = await t.publisher(['01'], ['KS']);
    const res = await ingest(
      headers,
      csv([
        ['2024-01', 'KS', '01', 1, 2],
        ['2024-01', 'KS', '79', 1, 2],
        ['2024-02', 'KS', '01', 1, 2],
        ['2024-01', 'KH', '01', 1, 2],
        ['2024-03', 'KS', '08', 1, 2],
      ]),
    );
    expect(res.statusCode).toBe(403);
    expect((res.json() as { errors: Array<{ row: number; column: string }> }).errors.map((e) => [e.row, e.column])).toEqual([
      [3, 'locality_code'],
      [5, 'service_code'],
      [6, 'locality_code'],
    ]);
    expect(count(t.db, 'observations')).toBe(0);
  });

  it('refuses a publisher token on every admin endpoint (401), however wide its scope', async () => {
    const { headers } = await t.publisher(['VN']);
    const requests = [
      { method: 'PUT' as const, url: '/api/v1/services/KT', payload: { name_vi: 'x', online_level: 'full' } },
      { method: 'POST' as const, url: '/api/v1/services', payload: 'code,name_vi,online_level\nKT,x,full\n', type: 'text/csv' },
      { method: 'POST' as const, url: '/api/v1/publishers', payload: { name: 'x', localities: ['01'] } },
      { method: 'DELETE' as const, url: '/api/v1/publishers/1' },
      { method: 'GET' as const, url: '/api/v1/batches' },
      { method: 'POST' as const, url: '/api/v1/targets', payload: { targets: [] } },
      { method: 'GET' as const, url: '/api/v1/targets' },
    ];
    for (const { type, ...request } of requests) {
      const res = await t.app.inject({ ...request, headers: { ...headers, ...(type ? { 'content-type': type } : {}) } });
      expect(res.statusCode, `${request.method} ${request.url}`).toBe(401);
    }
    expect(count(t.db, 'services')).toBe(2);
    expect(count(t.db, 'publishers')).toBe(1);
    expect(t.db.sqlite.prepare('SELECT revoked_at AS r FROM publishers').get()).toEqual({ r: null });
  });

  it('refuses a body over the limit (413), CSV or JSON, and stores nothing', async () => {
    const small = await testApp({ maxBodyBytes: 1024 });
    try {
      addServices(small.db, 'KS');
      const { headers } = await small.publisher(['01']);
      const rows = Array.from({ length: 100 }, (_, i) => [`20${String(10 + Math.floor(i / 12)).padStart(2, '0')}-${String((i % 12) + 1).padStart(2, '0')}`, 'KS', '01', 1, 2]);
      for (const type of ['text/csv', 'application/json']) {
        const payload = type === 'text/csv' ? csv(rows) : JSON.stringify({ observations: rows });
        const res = await small.app.inject({ method: 'POST', url: '/api/v1/observations', headers: { ...headers, 'content-type': type }, payload });
        expect(res.statusCode, type).toBe(413);
        expect(res.json()).toMatchObject({ error: 'body_too_large' });
      }
      expect(count(small.db, 'observations')).toBe(0);
    } finally {
      await small.close();
    }
  });
});
