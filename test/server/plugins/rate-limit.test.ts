import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPublisher } from '../../../db/publishers.ts';
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
    expect(limited.json()).toMatchObject({ error: 'rate_limited', message: expect.stringContaining('3 writes a minute'), message_vi: expect.stringMatching(/^Quá nhiều yêu cầu: mỗi mã truy cập chỉ được gửi tối đa 3 lần ghi/) });
    // Another token is counted on its own.
    expect((await post(second.headers)).statusCode).toBe(201);
  });

  it('also limits one address whatever tokens it sends, so rotating tokens does not help', async () => {
    const perIp = await testApp({ writeRateLimit: 3, writeRateLimitIp: 5 });
    try {
      addServices(perIp.db, 'A');
      const tokens = ['01', '01', '01'].map((l) => {
        const created = createPublisher(perIp.db.sqlite, { name: 'Sở', localities: [l] });
        if (!created.ok) throw new Error(created.message);
        return `Bearer ${created.token}`;
      });
      const from = (remoteAddress: string, authorization: string) =>
        perIp.app.inject({ method: 'POST', url: '/api/v1/observations', remoteAddress, headers: { authorization, 'content-type': 'text/csv' }, payload: csv(ROW) });
      // Five writes from one address, spread over three tokens (none over its own limit of 3)...
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push((await from('203.0.113.7', tokens[i % 3]!)).statusCode);
      expect(answers).toEqual([201, 201, 201, 201, 201]);
      // ...then the address is over its limit, with a fresh token too.
      const limited = await from('203.0.113.7', tokens[2]!);
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.json()).toMatchObject({ error: 'rate_limited', message: expect.stringContaining('5 writes a minute from one address') });
      // Guessed tokens count too: the address stays refused before its token is even checked.
      expect((await from('203.0.113.7', `Bearer td_AAAAAAAAAAAA_${'B'.repeat(43)}`)).statusCode).toBe(429);
      // Another address is counted on its own.
      expect((await from('198.51.100.2', tokens[0]!)).statusCode).toBe(201);
    } finally {
      await perIp.close();
    }
  });

  it('counts refused tokens against the address', async () => {
    const perIp = await testApp({ writeRateLimitIp: 2 });
    try {
      const guess = (n: number) =>
        perIp.app.inject({ method: 'POST', url: '/api/v1/observations', remoteAddress: '203.0.113.9', headers: { authorization: `Bearer td_AAAAAAAAAAA${n}_${'B'.repeat(43)}`, 'content-type': 'text/csv' }, payload: csv(ROW) });
      expect([(await guess(1)).statusCode, (await guess(2)).statusCode, (await guess(3)).statusCode]).toEqual([401, 401, 429]);
    } finally {
      await perIp.close();
    }
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
