import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HEADER, type TestApp, addServices, testApp } from '../../helper.ts';

describe('GET /api/v1/adoption', () => {
  let t: TestApp;
  let headers: Record<string, string>;
  const post = (body: string) => t.app.inject({ method: 'POST', url: '/api/v1/observations', headers: { ...headers, 'content-type': 'text/csv' }, payload: body });

  beforeEach(async () => {
    t = await testApp();
    addServices(t.db, 'A');
    ({ headers } = await t.publisher(['VN']));
  });
  afterEach(() => t.close());

  it('carries coverage and completeness in every bucket', async () => {
    expect((await post(`${HEADER}\n2025-01,A,01,1,2\n2025-01,A,79,1,2\n2025-02,A,01,1,4\n`)).statusCode).toBe(201);
    const res = await t.app.inject({ url: '/api/v1/adoption?granularity=month' });
    expect(res.statusCode).toBe(200);
    expect(res.json().series.map((b: { period: string; coverage: unknown; complete: boolean }) => [b.period, b.coverage, b.complete])).toEqual([
      ['2025-01', { reporting: 2, expected: 2 }, true],
      ['2025-02', { reporting: 1, expected: 2 }, false],
    ]);
  });

  it('answers 404, never cached for good, for a batch beyond the last stored one or a refused one', async () => {
    const stored = (await post(`${HEADER}\n2025-01,A,01,1,2\n`)).json().batch_id as number;
    expect((await post(`${HEADER}\n2025-01,A,01,3,2\n`)).statusCode).toBe(422);
    const refused = stored + 1;

    const frozen = await t.app.inject({ url: `/api/v1/adoption?as_of_batch=${stored}` });
    expect(frozen.statusCode).toBe(200);
    expect(frozen.headers['cache-control']).toContain('immutable');

    for (const [id, says] of [
      [99999, `batch 99999 does not exist yet; the last stored batch is ${stored}`],
      [refused, `batch ${refused} was refused and has no state of its own; the last stored batch is ${stored}`],
    ] as const) {
      const res = await t.app.inject({ url: `/api/v1/adoption?as_of_batch=${id}` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: 'not_found', message: says });
      expect(String(res.headers['cache-control'] ?? '')).not.toContain('immutable');
    }
  });
});
