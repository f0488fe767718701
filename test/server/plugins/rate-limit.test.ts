import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, addServices, adminHeaders, csv, testApp } from '../../helper.ts';

const ROW = [['2024-01', 'A', '01', 1, 2]];

describe('write rate limit and audit trail', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp({ writeRateLimit: 3 });
    addServices(t.db, 'A');
  });
  afterEach(() => t.close());

  const post = (headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/observations', headers: { ...headers, 'content-type': 'text/csv' }, payload: csv(ROW) });

  it('answers 429 with Retry-After once a token has used its writes, per token', async () => {
    const first = await t.publisher(['01']);
    const second = await t.publisher(['01']);
    for (let i = 0; i < 3; i++) expect((await post(first.headers)).statusCode).toBe(201);
    const limited = await post(first.headers);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ error: 'rate_limited', message: expect.stringContaining('3 writes a minute') });
    // Another token is counted on its own.
    expect((await post(second.headers)).statusCode).toBe(201);
  });

  it('never limits reads', async () => {
    for (let i = 0; i < 10; i++) expect((await t.app.inject('/api/v1/adoption')).statusCode).toBe(200);
  });

  it('lets the admin read who sent which batch, from where, stored or refused', async () => {
    const p = await t.publisher(['01']);
    expect((await post(p.headers)).statusCode).toBe(201);
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/observations', headers: { ...p.headers, 'content-type': 'text/csv' }, payload: csv([['2024-01', 'A', '01', 5, 2]]) });
    expect(refused.statusCode).toBe(422);
    const res = await t.app.inject({ url: '/api/v1/batches', headers: adminHeaders() });
    expect(res.statusCode).toBe(200);
    const { batches } = res.json() as { batches: Array<Record<string, unknown>> };
    expect(batches.map((b) => [b.outcome, b.status_code, b.publisher_id, b.publisher_name, b.remote_addr])).toEqual([
      ['rejected', 422, p.id, 'Sở TT&TT', '127.0.0.1'],
      ['stored', 201, p.id, 'Sở TT&TT', '127.0.0.1'],
    ]);
    expect((await t.app.inject({ url: '/api/v1/batches', headers: p.headers })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/batches?outcome=stored', headers: adminHeaders() })).json().count).toBe(1);
  });
});
