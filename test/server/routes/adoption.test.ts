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

describe('GET /api/v1/adoption/breakdown', () => {
  let t: TestApp;
  /** Communes of Hà Nội (01) since 2025-07-01. */
  const [BA_DINH, HOAN_KIEM] = ['00004', '00070'];
  const get = async (query: string) => {
    const res = await t.app.inject({ url: `/api/v1/adoption/breakdown${query}` });
    return { status: res.statusCode, body: res.json() as { from: string; to: string; rows: Array<{ code: string; online_count: number; total_count: number; rate: number | null; coverage: { reporting: number; expected: number } }>; message?: string } };
  };

  beforeEach(async () => {
    t = await testApp();
    addServices(t.db, 'A', 'B');
    const { headers } = await t.publisher(['VN']);
    const rows = [
      // 79 at 50% in both months; 01 at 10% (by commune), Hoàn Kiếm silent in September; 08 with no dossier.
      '2025-08,A,79,5,10', '2025-09,A,79,5,10',
      `2025-08,A,${BA_DINH},1,10`, `2025-09,A,${BA_DINH},1,10`, `2025-08,B,${HOAN_KIEM},2,20`,
      '2025-08,A,08,0,0',
    ];
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/observations', headers: { ...headers, 'content-type': 'text/csv' }, payload: [HEADER, ...rows].join('\n') });
    expect(res.statusCode, res.body).toBe(201);
  });
  afterEach(() => t.close());

  it('ranks the provinces of the country, lowest rate first, units without a rate last', async () => {
    const { status, body } = await get('?by=province&from=2025-08&to=2025-09');
    expect(status).toBe(200);
    expect(body).toMatchObject({ from: '2025-08', to: '2025-09' });
    expect(body.rows).toHaveLength(34);
    expect(body.rows.slice(0, 2)).toEqual([
      { code: '01', name: 'Thành phố Hà Nội', online_count: 4, total_count: 40, rate: 0.1, coverage: { reporting: 1, expected: 2 } },
      { code: '79', name: 'Thành phố Hồ Chí Minh', online_count: 10, total_count: 20, rate: 0.5, coverage: { reporting: 1, expected: 1 } },
    ]);
    expect(body.rows.slice(2).every((r) => r.rate === null)).toBe(true);
  });

  it('ranks the communes of a province and the services of a commune', async () => {
    const communes = (await get('?by=commune&locality=01&from=2025-08&to=2025-09')).body.rows;
    expect(communes.length).toBeGreaterThan(100);
    expect(communes.slice(0, 2).map((r) => [r.code, r.rate, r.coverage])).toEqual([
      [BA_DINH, 0.1, { reporting: 1, expected: 1 }],
      [HOAN_KIEM, 0.1, { reporting: 0, expected: 1 }],
    ]);
    const onlyB = (await get('?by=commune&locality=01&service=B&from=2025-08&to=2025-09')).body.rows;
    expect(onlyB[0]).toMatchObject({ code: HOAN_KIEM, online_count: 2, total_count: 20 });
    expect((await get(`?by=service&locality=${HOAN_KIEM}&from=2025-08&to=2025-09`)).body.rows.map((r) => [r.code, r.rate])).toEqual([
      ['B', 0.1],
      ['A', null],
    ]);
  });

  it('says what is wrong with a breakdown that cannot be made', async () => {
    expect(await get('?by=province&locality=01')).toMatchObject({ status: 400, body: { message: '01 is a province: by=province needs locality=VN' } });
    expect((await get('?by=service&service=A')).status).toBe(400);
    expect((await get('?by=region')).status).toBe(400);
    expect((await get('?by=commune&locality=XX')).status).toBe(404);
  });
});
