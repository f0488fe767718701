import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RollupCube } from '../../../db/cube.ts';
import { monthRange } from '../../../db/months.ts';
import { HEADER, type TestApp, addServices, count, testApp } from '../../helper.ts';

/** Five communes of Thành phố Hồ Chí Minh (79) since 2025-07-01. */
const COMMUNES = ['25747', '25750', '25760', '25768', '25837'];
const MONTHS = monthRange('2025-07', '2026-11');

describe('withdrawals', () => {
  let t: TestApp;
  let headers: Record<string, string>;
  const post = (url: string, payload: string | object, type = typeof payload === 'string' ? 'text/csv' : 'application/json') =>
    t.app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': type }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
  const adoption = async (query: string) =>
    ((await t.app.inject({ url: `/api/v1/adoption?${query}` })).json() as { series: Array<{ period: string; online_count: number; total_count: number; rate: number | null }> }).series;

  beforeEach(async () => {
    t = await testApp();
    addServices(t.db, 'A', 'B');
    ({ headers } = await t.publisher(['79']));
  });
  afterEach(() => t.close());

  it('takes a stored row out of every figure, keeps it in the history and in the past state', async () => {
    const stored = (await post('/api/v1/observations', `${HEADER}\n2026-01,A,79,10,100\n2026-01,B,79,30,100\n`)).json().batch_id as number;
    const res = await post('/api/v1/withdrawals', 'period,service_code,locality_code\n2026-01,A,79\n');
    expect(res.statusCode).toBe(201);
    const { batch_id: withdrawal, withdrawn } = res.json();
    expect(withdrawn).toBe(1);
    expect(withdrawal).toBe(stored + 1);

    expect((await adoption('locality=79')).map((b) => [b.period, b.online_count, b.total_count])).toEqual([['2026-01', 30, 100]]);
    expect((await adoption('')).map((b) => b.rate)).toEqual([0.3]);
    expect((await adoption('service=A'))).toEqual([]);
    expect((await adoption(`locality=79&as_of_batch=${stored}`)).map((b) => b.online_count)).toEqual([40]);
    const rows = (await t.app.inject({ url: '/api/v1/observations?locality=79' })).json().observations;
    expect(rows.map((r: { service_code: string }) => r.service_code)).toEqual(['B']);

    const history = (await t.app.inject({ url: '/api/v1/observations/history?service=A&locality=79&period=2026-01' })).json();
    expect(history.revisions).toEqual([expect.objectContaining({ online_count: 10, total_count: 100, batch_id: stored, current: false, superseded_by: withdrawal, withdrawn_by: withdrawal })]);
    // Audited like any batch: who, when, how many.
    const batch = t.db.sqlite.prepare('SELECT publisher_id, outcome, rows, withdrawn, source FROM batches WHERE id = ?').get(withdrawal);
    expect(batch).toMatchObject({ outcome: 'stored', rows: 0, withdrawn: 1, source: 'api' });
    // The rollups hold what the rows hold.
    expect(t.db.sqlite.prepare('SELECT sum(online_count) AS online, sum(total_count) AS total, sum(self_rows) AS n FROM rollup_service_area').get()).toEqual({ online: 30, total: 100, n: 1 });
    expect(t.db.sqlite.prepare('SELECT rows FROM rollup_unit').all()).toEqual([{ rows: 1 }]);
  });

  it('refuses a row that is not stored, or outside the scope, and withdraws nothing', async () => {
    await post('/api/v1/observations', `${HEADER}\n2026-01,A,79,10,100\n`);
    const missing = await post('/api/v1/withdrawals', { withdrawals: [{ period: '2026-01', service_code: 'A', locality_code: '79' }, { period: '2026-02', service_code: 'A', locality_code: '79' }] });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().errors).toEqual([
      {
        row: 2,
        column: null,
        value: null,
        message: 'Item 2: no stored row to withdraw for 2026-02, this service and 79 (Thành phố Hồ Chí Minh): see GET /api/v1/observations',
        message_en: 'Item 2: no stored row to withdraw for 2026-02, this service and 79 (Thành phố Hồ Chí Minh): see GET /api/v1/observations',
        message_vi: 'Phần tử thứ 2: không có số liệu đã lưu của kỳ 2026-02, thủ tục này và địa bàn 79 (Thành phố Hồ Chí Minh) để rút. Xin xem lại số liệu đã gửi (GET /api/v1/observations).',
      },
    ]);
    const outside = await post('/api/v1/withdrawals', 'period,service_code,locality_code\n2026-01,A,01\n');
    expect(outside.statusCode).toBe(403);
    const badColumns = await post('/api/v1/withdrawals', 'period,service_code,locality_code,online_count\n2026-01,A,79,1\n');
    expect(badColumns.statusCode).toBe(400);
    expect(badColumns.json().message).toContain('unknown column "online_count"');
    expect(count(t.db, 'observations')).toBe(1);
    expect(count(t.db, 'observation_revisions')).toBe(0);
  });

  it('moves a province from province rows to commune rows in one batch, and the province then equals the sum of its communes', async () => {
    const provinceRows = MONTHS.flatMap((m, i) => ['A', 'B'].map((s) => `${m},${s},79,${100 + i},1000`));
    expect((await post('/api/v1/observations', `${HEADER}\n${provinceRows.join('\n')}\n`)).statusCode).toBe(201);

    const communeRows = MONTHS.flatMap((period, i) =>
      ['A', 'B'].flatMap((service_code, s) => COMMUNES.map((locality_code, c) => ({ period, service_code, locality_code, online_count: 10 * c + i + s, total_count: 100 + c }))),
    );
    // Without the withdrawals, the communes' rows would count the same dossiers twice.
    const refused = await post('/api/v1/observations', { observations: communeRows });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error_count).toBe(communeRows.length);

    const withdrawals = MONTHS.flatMap((period) => ['A', 'B'].map((service_code) => ({ period, service_code, locality_code: '79' })));
    const cube = RollupCube.load(t.db.sqlite, '2026-12');
    const res = await post('/api/v1/observations', { withdrawals, observations: communeRows });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ rows: communeRows.length, inserted: communeRows.length, withdrawn: withdrawals.length });

    const province = await adoption('locality=79');
    expect(province).toHaveLength(MONTHS.length);
    for (const [i, bucket] of province.entries()) {
      const own = communeRows.filter((r) => r.period === MONTHS[i]);
      expect([bucket.online_count, bucket.total_count]).toEqual([own.reduce((n, r) => n + r.online_count, 0), own.reduce((n, r) => n + r.total_count, 0)]);
    }
    // Every rollup still equals the rows, per unit and month too.
    const perUnit = (table: string) => t.db.sqlite.prepare(`SELECT locality_id, period, sum(online_count) AS o, sum(total_count) AS t FROM ${table} GROUP BY 1, 2 HAVING t > 0 ORDER BY 1, 2`).all();
    expect(perUnit('rollup_unit')).toEqual(perUnit('observations'));
    const communes = await Promise.all(COMMUNES.map((c) => adoption(`locality=${c}`)));
    expect(communes.reduce((n, s) => n + s[0]!.online_count, 0)).toBe(province[0]!.online_count);
    // A warm cube follows the batch to the same numbers as a cold one.
    const warm = cube.refreshed(t.db.sqlite, '2026-12');
    const cold = RollupCube.load(t.db.sqlite, '2026-12');
    expect(Array.from(warm.state.online)).toEqual(Array.from(cold.state.online));
    expect(Array.from(warm.state.has)).toEqual(Array.from(cold.state.has));
  });

  it('rolls the withdrawals back when the observations beside them are refused', async () => {
    await post('/api/v1/observations', `${HEADER}\n2026-01,A,79,10,100\n2026-01,B,79,10,100\n`);
    const body = {
      withdrawals: [{ period: '2026-01', service_code: 'A', locality_code: '79' }],
      observations: [
        { period: '2026-01', service_code: 'A', locality_code: COMMUNES[0], online_count: 1, total_count: 2 },
        { period: '2026-01', service_code: 'B', locality_code: COMMUNES[0], online_count: 1, total_count: 2 },
      ],
    };
    const res = await post('/api/v1/observations', body);
    expect(res.statusCode).toBe(422);
    expect(res.json().errors.map((e: { row: number; message: string }) => [e.row, e.message])).toEqual([
      [2, 'Item 2, column locality_code: would count dossiers twice: a row for its province 79 (Thành phố Hồ Chí Minh) for this service and month is already stored'],
    ]);
    expect(count(t.db, 'observations')).toBe(2);
    expect(count(t.db, 'observation_revisions')).toBe(0);
    expect((await adoption('locality=79')).map((b) => b.online_count)).toEqual([20]);

    const bad = await post('/api/v1/observations', { withdrawals: [{ period: '2026-01', service_code: 'A', locality_code: '7' }], observations: [] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0]).toMatchObject({ row: 1, column: 'withdrawals.locality_code' });
    expect(bad.json().errors[0].message).toMatch(/^Withdrawal 1, column locality_code: unknown locality code "7"/);
  });
});
