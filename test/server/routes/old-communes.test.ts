import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HEADER, type TestApp, addServices, testApp } from '../../helper.ts';

/**
 * Communes across the reform of 2025-07-01: old communes are accepted in their months, count
 * in their province, and make up the history of a new commune made only of whole old ones.
 */
describe('old communes and history across the reform', () => {
  let t: TestApp;
  let headers: Record<string, string>;
  const post = (body: string) => t.app.inject({ method: 'POST', url: '/api/v1/observations', headers: { ...headers, 'content-type': 'text/csv' }, payload: body });
  const series = async (query: string) => {
    const res = await t.app.inject({ url: `/api/v1/adoption?${query}` });
    expect(res.statusCode).toBe(200);
    return res.json() as { locality_name: string; history_from?: string; history_note?: string; series: Array<{ period: string; online_count: number; total_count: number; coverage: unknown }> };
  };
  const sums = (s: Awaited<ReturnType<typeof series>>) => s.series.map((b) => [b.period, b.online_count, b.total_count]);

  beforeEach(async () => {
    t = await testApp();
    addServices(t.db, 'A', 'B');
    ({ headers } = await t.publisher(['79', '01']));
  });
  afterEach(() => t.close());

  it('joins whole old communes into the new commune, and counts them in the province of today', async () => {
    // 25760 Phường Bình Dương (79) = old 25760 Hoà Phú + 25762 Phú Mỹ + 25763 + 25924, all whole, of old Bình Dương (74).
    const body = `${HEADER}\n2025-05,A,25760,10,100\n2025-05,A,25762,30,100\n2025-06,A,25760,20,100\n2025-07,A,25760,90,300\n`;
    expect((await post(body)).statusCode).toBe(201);

    const commune = await series('locality=25760');
    expect(commune.locality_name).toBe('Phường Bình Dương');
    expect(commune.history_from).toBeUndefined();
    expect(sums(commune)).toEqual([
      ['2025-05', 40, 200],
      ['2025-06', 20, 100],
      ['2025-07', 90, 300],
    ]);
    // Who reported: the old communes before the reform, the new one after.
    expect(commune.series.map((b) => b.coverage)).toEqual([
      { reporting: 2, expected: 2 },
      { reporting: 1, expected: 2 },
      { reporting: 1, expected: 1 },
    ]);
    expect(sums(await series('locality=79'))).toEqual(sums(commune));
    // An old commune with an unreused code has its own series; a reused one is asked for with at=.
    expect(sums(await series('locality=25762'))).toEqual([['2025-05', 30, 100]]);
    const old = await series('locality=25760&at=2025-06');
    expect([old.locality_name, sums(old)]).toEqual(['Phường Hoà Phú', [['2025-05', 10, 100], ['2025-06', 20, 100]]]);

    // A later revision of an old commune's row moves the commune's history, but not its frozen past.
    const first = (await post(`${HEADER}\n2025-05,B,25763,1,1\n`)).json().batch_id as number;
    expect((await post(`${HEADER}\n2025-05,A,25762,35,100\n`)).statusCode).toBe(201);
    expect(sums(await series('locality=25760'))[0]).toEqual(['2025-05', 46, 201]);
    expect(sums(await series(`locality=25760&as_of_batch=${first}`))[0]).toEqual(['2025-05', 41, 201]);
  });

  it('starts the series of a commune with a split source at the reform, and says why', async () => {
    // 00004 Phường Ba Đình took old 00004 and 00013 whole and parts of 00016, 00019, ...
    expect((await post(`${HEADER}\n2025-06,A,00004,5,10\n2025-07,A,00004,7,10\n`)).statusCode).toBe(201);
    const baDinh = await series('locality=00004');
    expect(baDinh.history_from).toBe('2025-07');
    expect(baDinh.history_note).toContain('00016 (Phường Ngọc Hà)');
    expect(sums(baDinh)).toEqual([['2025-07', 7, 10]]);
    // The old commune's row still counts in its province.
    expect(sums(await series('locality=01'))).toEqual([
      ['2025-06', 5, 10],
      ['2025-07', 7, 10],
    ]);
  });

  it('refuses an old commune after the reform with what it became, and a split one with every part', async () => {
    const res = await post(`${HEADER}\n2025-07,A,00001,1,2\n2025-07,A,00100,1,2\n`);
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[1].message_vi).toBe(
      'Dòng 3, cột locality_code: địa bàn 00100 (Phường Quảng An) đã kết thúc ngày 2025-06-30. Từ ngày 2025-07-01, địa bàn này được chia cho 00097 (Phường Hồng Hà) và 00103 (Phường Tây Hồ): xin ghi từng phần theo xã, phường mới.',
    );
    expect(res.json().errors.map((e: { message: string }) => e.message)).toEqual([
      'Line 2, column locality_code: 00001 (Phường Phúc Xá) ended on 2025-06-30; since 2025-07-01 it is part of 00097 (Phường Hồng Hà)',
      'Line 3, column locality_code: 00100 (Phường Quảng An) ended on 2025-06-30; since 2025-07-01 it is split between 00097 (Phường Hồng Hà) and 00103 (Phường Tây Hồ): report each part under its new commune',
    ]);
  });

  it('refuses an old commune and its own old province in the same month, but not another old province of the same area', async () => {
    // Old Bình Dương (74) and old Hồ Chí Minh (79) both went into today's 79.
    expect((await post(`${HEADER}\n2025-05,A,25762,1,2\n`)).statusCode).toBe(201);
    const ownProvince = await post(`${HEADER}\n2025-05,A,74,1,2\n2025-05,B,74,1,2\n`);
    expect(ownProvince.statusCode).toBe(422);
    expect(ownProvince.json().errors).toEqual([
      expect.objectContaining({
        row: 2,
        column: 'locality_code',
        value: '74',
        message: 'Line 2, column locality_code: would count dossiers twice: a row for a commune of 74 (Tỉnh Bình Dương) for this service and month is already stored',
      }),
    ]);
    expect((await post(`${HEADER}\n2025-05,A,79,1,2\n`)).statusCode).toBe(201);

    const inBatch = await post(`${HEADER}\n2024-01,A,01,1,2\n2024-01,A,00001,1,2\n2024-01,B,00001,1,2\n`);
    expect(inBatch.statusCode).toBe(422);
    expect(inBatch.json().errors.map((e: { row: number; message: string }) => [e.row, e.message])).toEqual([
      [2, 'Line 2, column locality_code: would count dossiers twice: a row for a commune of 01 (Thành phố Hà Nội) for this service and month is in this batch at row 3'],
      [3, 'Line 3, column locality_code: would count dossiers twice: a row for its province 01 (Thành phố Hà Nội) for this service and month is in this batch at row 2'],
    ]);
    // A stored old province row blocks its old communes.
    expect((await post(`${HEADER}\n2024-02,A,01,1,2\n`)).statusCode).toBe(201);
    const stored = await post(`${HEADER}\n2024-02,A,00001,1,2\n`);
    expect(stored.json().errors[0].message).toBe('Line 2, column locality_code: would count dossiers twice: a row for its province 01 (Thành phố Hà Nội) for this service and month is already stored');
  });

  it('lists the sources of a new commune and the parts of a split old one', async () => {
    const now = (await t.app.inject({ url: '/api/v1/localities?q=Phường Hồng Hà' })).json().localities[0];
    expect(now).toMatchObject({ code: '00097', history_from: '2025-07' });
    expect(now.sources.slice(0, 2)).toEqual([
      { code: '00001', name: 'Phường Phúc Xá', share: 'whole' },
      { code: '00037', name: 'Phường Phúc Tân', share: 'whole' },
    ]);
    const before = (await t.app.inject({ url: '/api/v1/localities?at=2025-06&q=Quảng An' })).json().localities;
    expect(before.find((u: { code: string }) => u.code === '00100')).toMatchObject({ split_into: ['00097', '00103'], valid_to: '2025-06-30', parent_code: '01' });
  });
});
