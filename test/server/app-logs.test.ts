import { Writable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type TestApp, addServices, adminHeaders, csv, testApp } from '../helper.ts';

/** Every line the app logs, at the most verbose level, with request headers logged as an operator might. */
describe('nothing secret reaches a log line', () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  let t: TestApp;
  const secrets: string[] = [ADMIN_TOKEN];

  beforeAll(async () => {
    t = await testApp({
      maxBodyBytes: 64 * 1024,
      logger: { level: 'trace', stream, serializers: { req: (req: FastifyRequest) => ({ method: req.method, url: req.url, headers: req.headers }) } },
    });
    addServices(t.db, 'KS');
  });
  afterAll(() => t.close());

  it('through admin calls, publisher creation, ingests, refusals and errors', async () => {
    const inject = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Record<string, string>, payload?: string | object) =>
      t.app.inject({ method, url, headers, payload });
    const created = await inject('POST', '/api/v1/publishers', adminHeaders(), { name: 'Sở', localities: ['01'] });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json() as { id: number; token: string };
    secrets.push(token, token.split('_').at(-1)!);
    const bearer = { authorization: `Bearer ${token}` };
    const asCsv = { ...bearer, 'content-type': 'text/csv' };
    const wrong = `td_${token.slice(3, 15)}_${'x'.repeat(43)}`;
    secrets.push(wrong);

    const answers = [
      await inject('PUT', '/api/v1/services/KH', adminHeaders(), { name_vi: 'Kết hôn', online_level: 'full' }),
      await inject('GET', '/api/v1/batches', adminHeaders()),
      await inject('POST', '/api/v1/observations', asCsv, csv([['2024-01', 'KS', '01', 1, 2]])),
      await inject('POST', '/api/v1/observations', asCsv, csv([['2024-01', 'KS', '79', 1, 2]])),
      await inject('POST', '/api/v1/observations', asCsv, csv([['2024-01', 'KS', '01', 3, 2]])),
      await inject('POST', '/api/v1/observations', asCsv, 'not,a,header\n'),
      await inject('POST', '/api/v1/observations', asCsv, 'x'.repeat(100 * 1024)),
      await inject('POST', '/api/v1/observations', { ...bearer, 'content-type': 'text/plain' }, 'x'),
      await inject('POST', '/api/v1/observations', { authorization: `Bearer ${wrong}`, 'content-type': 'text/csv' }, 'x'),
      await inject('PUT', '/api/v1/services/KH', bearer, { name_vi: 'x', online_level: 'full' }),
      await inject('PUT', '/api/v1/services/KH', { authorization: `Bearer ${ADMIN_TOKEN}x` }, { name_vi: 'x', online_level: 'full' }),
      await inject('GET', '/api/v1/nowhere', bearer),
      await inject('DELETE', `/api/v1/publishers/${id}`, adminHeaders()),
      await inject('POST', '/api/v1/observations', asCsv, csv([['2024-02', 'KS', '01', 1, 2]])),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([201, 200, 201, 403, 422, 400, 413, 415, 401, 401, 401, 404, 204, 401]);

    // The requests were logged, with their headers...
    expect(lines.length).toBeGreaterThan(answers.length);
    const withHeaders = lines.filter((l) => l.includes('"authorization"'));
    expect(withHeaders.length).toBeGreaterThanOrEqual(answers.length);
    // ...censored.
    for (const line of withHeaders) expect(line).toContain('"authorization":"[Redacted]"');
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
  });
});
