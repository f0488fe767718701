import { upsertServices } from '../../../db/services.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, service, testApp } from '../../helper.ts';
import { rollupMismatches } from '../child.ts';

const HEADER = 'period,service_code,locality_code,online_count,total_count,end_to_end_count,fee_count,paid_online_count';

/**
 * The indicators, by hand. Services: A (full, Bộ Tư pháp), B (partial, Bộ Công an), C (not
 * online). Rows of Hà Nội (01) in 2025:
 *   A 2025-01: 60/100 online, 40 end-to-end, 40 with a fee of which 10 paid online
 *   A 2025-02: 70/100 online, end-to-end not reported, 50 with a fee, payment not reported
 *   B 2025-01: 10/100 online, 5 end-to-end
 *   C 2025-01: 0/50
 */
const ROWS = `${HEADER}
2025-01,A,01,60,100,40,40,10
2025-02,A,01,70,100,,50,
2025-01,B,01,10,100,5,,
2025-01,C,01,0,50,,,
`;

describe('indicators, adoption?indicator= and the scorecard', () => {
  let t: TestApp;
  let headers: Record<string, string>;
  const get = async (url: string, lang = 'en') => {
    const res = await t.app.inject({ method: 'GET', url, headers: { 'accept-language': lang } });
    return { status: res.statusCode, body: res.json() };
  };
  const send = (body: string, url = '/api/v1/observations') => t.app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'text/csv' }, payload: body });

  beforeAll(async () => {
    t = await testApp();
    upsertServices(t.db.sqlite, [
      service('A', { agency: 'Bộ Tư pháp', online_level: 'full' }),
      service('B', { agency: 'Bộ Công an', online_level: 'partial' }),
      service('C', { agency: 'Bộ Công an', online_level: 'none', online_since: null }),
    ]);
    ({ headers } = await t.publisher(['01']));
    const res = await send(ROWS);
    expect(res.statusCode, res.body).toBe(201);
  });
  afterAll(() => t.close());

  it('lists every indicator with its formula, 766 reference and threshold; the points add up to 22', async () => {
    const { status, body } = await get('/api/v1/indicators');
    expect(status).toBe(200);
    const ids = body.indicators.map((i: { id: string }) => i.id);
    for (const id of ['online_rate', 'end_to_end_rate', 'online_payment_rate', 'online_service_share', 'services_with_online_dossiers']) expect(ids).toContain(id);
    expect(body.indicators.reduce((n: number, i: { max_points: number }) => n + i.max_points, 0)).toBe(22);
    expect(body.indicators.find((i: { id: string }) => i.id === 'online_rate')).toMatchObject({ reference: '766/QĐ-TTg, 3.3', full_score_at: 0.5, name_vi: 'Tỷ lệ hồ sơ trực tuyến' });
    for (const i of body.indicators) expect(Object.keys(i)).toEqual(expect.arrayContaining(['id', 'name_vi', 'name_en', 'numerator', 'denominator', 'reference', 'full_score_at']));
  });

  it('divides each measure over only the rows that reported it, with their coverage', async () => {
    const e2e = await get('/api/v1/adoption?indicator=end_to_end_rate&locality=01');
    expect(e2e.status).toBe(200);
    expect(e2e.body.indicator).toBe('end_to_end_rate');
    // 2025-02 reported no end-to-end count: it has no bucket, rather than a zero.
    expect(e2e.body.series).toEqual([
      expect.objectContaining({ period: '2025-01', numerator: 45, denominator: 200, rate: 0.225, coverage: { reporting: 1, expected: 1 }, complete: true }),
    ]);
    expect(e2e.body.series[0]).not.toHaveProperty('online_count');
    const paid = await get('/api/v1/adoption?indicator=online_payment_rate&granularity=year');
    expect(paid.body.series).toEqual([expect.objectContaining({ period: '2025', numerator: 10, denominator: 40, rate: 0.25 })]);
    const online = await get('/api/v1/adoption?indicator=online_rate&granularity=year');
    expect(online.body.series).toEqual([expect.objectContaining({ numerator: 140, denominator: 350, rate: 0.4 })]);
    const plain = await get('/api/v1/adoption?granularity=year');
    expect(plain.body.series[0]).toMatchObject({ online_count: 140, total_count: 350, rate: 0.4 });
    expect(plain.body).not.toHaveProperty('indicator');
  });

  it('counts services for the service indicators', async () => {
    const share = await get('/api/v1/adoption?indicator=online_service_share&granularity=year');
    expect(share.body.series).toEqual([expect.objectContaining({ numerator: 2, denominator: 3, rate: 0.6667 })]);
    const used = await get('/api/v1/adoption?indicator=services_with_online_dossiers&locality=01');
    expect(used.body.series.map((b: { period: string; numerator: number; denominator: number }) => [b.period, b.numerator, b.denominator])).toEqual([
      ['2025-01', 2, 2],
      ['2025-02', 1, 1],
    ]);
  });

  it('refuses an unknown indicator, and as_of_batch with a service indicator, in both languages', async () => {
    const unknown = await get('/api/v1/adoption?indicator=nope', 'vi');
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/Không có chỉ số «nope»/);
    expect(unknown.body.message_en).toMatch(/unknown indicator "nope"/);
    const frozen = await get('/api/v1/adoption?indicator=online_service_share&as_of_batch=1');
    expect(frozen.status).toBe(400);
    expect((await get('/api/v1/adoption?indicator=end_to_end_rate&as_of_batch=1')).status).toBe(200);
  });

  it('scores the group: points at and below each threshold, the total out of 22, the formula and the words', async () => {
    const { status, body } = await get('/api/v1/scorecard?locality=01&year=2025', 'vi');
    expect(status).toBe(200);
    const points = Object.fromEntries(body.parts.map((p: { indicator: string; points: number }) => [p.indicator, p.points]));
    expect(points).toEqual({
      online_service_share: 3.33, // 2/3 ÷ 0.8 × 4
      services_with_online_dossiers: 4, // 2/2, full from 50%
      online_rate: 4.8, // 0.4 ÷ 0.5 × 6
      payment_integration: 2, // 1/1
      online_payment_rate: 1.5, // 0.25 ÷ 0.5 × 3
      end_to_end_rate: 0.84, // 0.225 ÷ 0.8 × 3
    });
    expect(body.score).toBe(16.47);
    expect(body.max_score).toBe(22);
    expect(body.to).toBe('2025-12');
    const online = body.parts.find((p: { indicator: string }) => p.indicator === 'online_rate');
    expect(online).toMatchObject({ numerator: 140, denominator: 350, value: 0.4, max_points: 6, full_score_at: 0.5 });
    expect(online.formula_vi).toBe('số hồ sơ nộp trực tuyến ÷ tổng số hồ sơ, mọi hình thức = 140 ÷ 350');
    expect(body.explanation).toMatch(/^Đạt 16,47\/22 điểm: /);
    expect(body.explanation).toContain('tỷ lệ hồ sơ trực tuyến 40% (4,8/6 điểm; đủ điểm từ 50%)');
    expect(body.explanation).toContain('tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ 100% (đủ điểm');
    expect(body.note).toMatch(/không phải điểm chính thức/);
    expect(body.note_en).toMatch(/not the official score/);
  });

  it("scores a ministry's services only, and says which agency is unknown", async () => {
    const { body } = await get(`/api/v1/scorecard?agency=${encodeURIComponent('Bộ Tư pháp')}&year=2025`);
    // A alone: 130/200 online, 40/100 end-to-end (0.5 of the threshold), 10/40 paid online.
    expect(body.score).toBe(4 + 4 + 6 + 2 + 1.5 + 1.5);
    expect(body.agency).toBe('Bộ Tư pháp');
    expect(body.explanation).toMatch(/^Scores 19\/22 points: /);
    const none = await get('/api/v1/scorecard?agency=Nowhere');
    expect(none.status).toBe(404);
    expect((await get('/api/v1/scorecard?year=1999')).status).toBe(400);
    // A year without data scores 0 and says so.
    const empty = await get('/api/v1/scorecard?year=2024');
    expect(empty.body.score).toBe(0);
    expect(empty.body.parts.find((p: { indicator: string }) => p.indicator === 'online_rate').value).toBeNull();
  });

  it('follows revisions and withdrawals of the measures', async () => {
    // A revision adds the end-to-end count to A 2025-02; a withdrawal takes B 2025-01 out.
    const revised = await send(`${HEADER}\n2025-02,A,01,70,100,35,50,20\n`);
    expect(revised.json()).toMatchObject({ revised: 1 });
    const history = await get('/api/v1/observations/history?service=A&locality=01&period=2025-02');
    expect(history.body.revisions.map((r: { end_to_end_count: number | null; paid_online_count: number | null; current: boolean }) => [r.end_to_end_count, r.paid_online_count, r.current])).toEqual([
      [null, null, false],
      [35, 20, true],
    ]);
    const withdrawn = await send('period,service_code,locality_code\n2025-01,B,01\n', '/api/v1/withdrawals');
    expect(withdrawn.statusCode, withdrawn.body).toBe(201);
    const e2e = await get('/api/v1/adoption?indicator=end_to_end_rate&locality=01&granularity=year');
    expect(e2e.body.series).toEqual([expect.objectContaining({ numerator: 75, denominator: 200, rate: 0.375 })]);
    const paid = await get('/api/v1/adoption?indicator=online_payment_rate&locality=01&granularity=year');
    expect(paid.body.series).toEqual([expect.objectContaining({ numerator: 30, denominator: 90 })]);
    // The service counts follow too (the server's cube re-reads what the batches changed): B is gone from January.
    const used = await get('/api/v1/adoption?indicator=services_with_online_dossiers&locality=01');
    expect(used.body.series.map((b: { period: string; numerator: number; denominator: number }) => [b.period, b.numerator, b.denominator])).toEqual([
      ['2025-01', 1, 1],
      ['2025-02', 1, 1],
    ]);
    // As it stood before the revision: the first batch's numbers.
    const before = await get('/api/v1/adoption?indicator=end_to_end_rate&locality=01&granularity=year&as_of_batch=1');
    expect(before.body.series).toEqual([expect.objectContaining({ numerator: 45, denominator: 200 })]);
    // Every rollup still equals the sums recomputed from the rows, measures included.
    expect(rollupMismatches(t.db)).toEqual([]);
  });
});

describe('the optional measures in a body', () => {
  let t: TestApp;
  let headers: Record<string, string>;
  beforeAll(async () => {
    t = await testApp();
    upsertServices(t.db.sqlite, [service('A')]);
    ({ headers } = await t.publisher(['01']));
  });
  afterAll(() => t.close());

  it('refuses every broken rule in one answer, each with its column, in Vietnamese and English', async () => {
    const body = `${HEADER}
2025-01,A,01,10,100,11,,
2025-02,A,01,10,100,,101,
2025-03,A,01,10,100,,20,21
2025-04,A,01,10,100,,,5
2025-05,A,01,10,100,1.5,,
`;
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/observations', headers: { ...headers, 'content-type': 'text/csv', 'accept-language': 'vi' }, payload: body });
    expect(res.statusCode).toBe(422);
    const errors = res.json().errors as Array<{ row: number; column: string; message: string; message_en: string }>;
    expect(errors.map((e) => [e.row, e.column])).toEqual([
      [2, 'end_to_end_count'],
      [3, 'fee_count'],
      [4, 'paid_online_count'],
      [5, 'paid_online_count'],
      [6, 'end_to_end_count'],
    ]);
    expect(errors[0]!.message).toMatch(/toàn trình/);
    expect(errors[0]!.message_en).toMatch(/end_to_end_count \(11\) is greater than online_count \(10\)/);
    expect(errors[3]!.message_en).toMatch(/needs fee_count/);
    expect(t.db.sqlite.prepare('SELECT count(*) FROM observations').pluck().get()).toBe(0);
  });

  it('stores JSON rows with and without the measures; a row without them is not zero', async () => {
    const payload = {
      observations: [
        { period: '2025-01', service_code: 'A', locality_code: '01', online_count: 5, total_count: 10, end_to_end_count: 2, fee_count: 4, paid_online_count: 1 },
        { period: '2025-02', service_code: 'A', locality_code: '01', online_count: 5, total_count: 10 },
        { period: '2025-03', service_code: 'A', locality_code: '01', online_count: 5, total_count: 10, end_to_end_count: null },
      ],
    };
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/observations', headers, payload });
    expect(res.statusCode, res.body).toBe(201);
    const rows = (await t.app.inject({ method: 'GET', url: '/api/v1/observations?locality=01' })).json().observations;
    expect(rows.map((r: { end_to_end_count: number | null; fee_count: number | null; paid_online_count: number | null }) => [r.end_to_end_count, r.fee_count, r.paid_online_count])).toEqual([
      [2, 4, 1],
      [null, null, null],
      [null, null, null],
    ]);
  });
});

describe("the server's cube of the rollups", () => {
  let t: TestApp;
  let headers: Record<string, string>;
  beforeAll(async () => {
    t = await testApp();
    upsertServices(t.db.sqlite, [service('A', { online_since: '2019-01' }), service('B', { online_since: '2019-01' })]);
    ({ headers } = await t.publisher(['01']));
  });
  afterAll(() => t.close());

  const used = async () =>
    (await t.app.inject({ method: 'GET', url: '/api/v1/adoption?indicator=services_with_online_dossiers&locality=01&granularity=year' })).json().series.map(
      (b: { period: string; numerator: number; denominator: number }) => [b.period, b.numerator, b.denominator],
    );

  it('answers after a batch too large to follow cell by cell (read whole again), and after a small one', async () => {
    const send = async (rows: string[]) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/observations', headers: { ...headers, 'content-type': 'text/csv' }, payload: `${HEADER}\n${rows.join('\n')}\n` });
      expect(res.statusCode, res.body).toBe(201);
    };
    await send(['2019-01,A,01,1,2,,,']);
    expect(await used()).toEqual([['2019', 1, 1]]);
    // 70 months of one province: more area-months than a cube re-reads one by one.
    const months = Array.from({ length: 70 }, (_, i) => `${2019 + Math.floor((i + 1) / 12)}-${String(((i + 1) % 12) + 1).padStart(2, '0')}`);
    await send(months.map((m) => `${m},B,01,0,5,,,`));
    const years = await used();
    expect(years[0]).toEqual(['2019', 1, 2]);
    expect(years.find((y: [string]) => y[0] === '2020')).toEqual(['2020', 0, 1]);
    await send(['2020-03,B,01,4,5,,,']);
    expect((await used()).find((y: [string]) => y[0] === '2020')).toEqual(['2020', 1, 1]);
  });
});
