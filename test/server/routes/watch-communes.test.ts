import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Flag } from '../../../db/watch/signals.ts';
import { C, NOW, flat, loadCommuneFixture, send } from '../../db/watch/commune-fixture.ts';
import { type TestApp, testApp } from '../../helper.ts';

interface Answer {
  count: number;
  flags: Flag[];
  online_service_share: Array<{ locality_code: string }>;
  note: { reason: string; vi: string; en: string } | null;
}

describe('GET /api/v1/flags for communes, over HTTP', () => {
  let t: TestApp;
  let base: string;
  const get = async (query: string) => {
    const res = await fetch(`${base}/api/v1/flags${query}`);
    return { status: res.status, body: (await res.json()) as Answer };
  };

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    t = await testApp();
    loadCommuneFixture(t.db.sqlite);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await t.close();
    vi.useRealTimers();
  });

  it("gives a commune's own flags with locality=<commune>", async () => {
    const { status, body } = await get(`?locality=${C.BEN_THANH}&limit=5000`);
    expect(status).toBe(200);
    expect(body.note).toBeNull();
    expect(body.flags.length).toBe(body.count);
    expect(new Set(body.flags.map((f) => f.locality_code))).toEqual(new Set([C.BEN_THANH]));
    expect(body.flags.every((f) => f.province_code === '79')).toBe(true);
    expect(body.flags.map((f) => `${f.signal}/${f.service_code ?? '*'}`).sort()).toEqual(
      ['low_usage/A', 'low_usage/*', 'peer_gap/A', 'peer_gap/*', 'paper_backlog/A', 'stalled/A', 'stalled/*'].sort(),
    );
    const gap = body.flags.find((f) => f.signal === 'peer_gap' && f.service_code === 'A')!;
    expect(gap.metrics).toMatchObject({ rate_12m: 0.099, median: 0.43, gap_pp: -33.1, z: -4.96, peers: 4 });
    expect(gap.explanation_vi).toContain('Phường Bến Thành (Thành phố Hồ Chí Minh): 9,9% trực tuyến');
    expect(gap.explanation_en).toContain('33.1 pp below the median commune of Thành phố Hồ Chí Minh (43%)');
  });

  it('gives a province and its communes with within=<province>', async () => {
    const own = (await get('?locality=79&limit=5000')).body;
    expect(own.flags.every((f) => f.locality_code === '79' && f.province_code === undefined)).toBe(true);
    const within = (await get('?within=79&limit=5000')).body;
    expect(within.note).toBeNull();
    const communes = within.flags.filter((f) => f.locality_code !== '79');
    expect(communes.length).toBeGreaterThan(20);
    expect(communes.every((f) => f.province_code === '79')).toBe(true);
    expect(within.count).toBe(own.count + communes.length);
    expect(within.flags.filter((f) => f.locality_code === '79')).toEqual(own.flags);
    // Most paper first, as everywhere.
    for (let i = 1; i < within.flags.length; i++) expect(within.flags[i - 1]!.paper_12m).toBeGreaterThanOrEqual(within.flags[i]!.paper_12m);
    // The late commune, with its numbers.
    const late = within.flags.find((f) => f.signal === 'late_data')!;
    expect(late).toMatchObject({ locality_code: C.CHANH_HIEP, metrics: { last_reported: '2026-08', months_late: 2 } });
    // Hà Nội's communes are not within 79.
    expect(within.flags.some((f) => f.province_code === '01')).toBe(false);
    // Pages cut the merged list anywhere, by paper or by severity.
    for (const sort of ['paper', 'severity']) {
      const whole = (await get(`?within=79&limit=5000&sort=${sort}`)).body.flags;
      for (const [offset, limit] of [[0, 3], [2, 5], [whole.length - 2, 10]] as const) {
        expect((await get(`?within=79&sort=${sort}&offset=${offset}&limit=${limit}`)).body.flags).toEqual(whole.slice(offset, offset + limit));
      }
    }
    // VN holds them all.
    const all = (await get('?limit=5000')).body;
    expect((await get('?within=VN&limit=5000')).body.count).toBe(all.count);
    expect(all.flags.filter((f) => f.province_code === '79')).toEqual(communes);
  });

  it('says so when a province has no commune data, rather than answering an empty list without a word', async () => {
    const { status, body } = await get('?within=04');
    expect(status).toBe(200);
    expect(body.flags.every((f) => f.locality_code === '04')).toBe(true);
    expect(body.note).toEqual({
      reason: 'no_commune_data',
      vi: 'Tỉnh Cao Bằng: không xã, phường nào có số liệu báo cáo riêng từ 09/2025 đến nay, nên không có cờ cấp xã; chỉ có các cờ của cả tỉnh, thành phố.',
      en: "Tỉnh Cao Bằng: none of its communes has reported data of its own since Sep 2025, so there are no commune flags; only the province's own flags are listed.",
    });
    // A commune without rows: no flags, and the note names it with its province.
    const empty = await get(`?locality=${C.DAU_TIENG}`);
    expect(empty.body.count).toBe(0);
    expect(empty.body.note?.reason).toBe('no_commune_data');
    expect(empty.body.note?.en).toBe(
      'Xã Dầu Tiếng (Thành phố Hồ Chí Minh): no data have been reported for this commune itself since Sep 2025, so it has no commune flags. Where the province reports as a whole, its dossiers are in the flags of Thành phố Hồ Chí Minh.',
    );
    expect(empty.body.note?.vi).toContain('Xã Dầu Tiếng (Thành phố Hồ Chí Minh): không có số liệu nào báo cáo riêng cho xã, phường này từ 09/2025 đến nay');
    expect((await get(`?within=${C.DAU_TIENG}`)).body.note?.reason).toBe('no_commune_data');
    // No note where communes did report, nor for a province's own flags.
    expect((await get('?within=01')).body.note).toBeNull();
    expect((await get('?locality=04')).body.note).toBeNull();
    expect((await get('')).body.note).toBeNull();
  });

  it('answers 404 to an unknown commune code', async () => {
    expect((await get('?locality=99999')).status).toBe(404);
    expect((await get('?within=99999')).status).toBe(404);
  });

  it('follows new commune rows (the cache is keyed by the data version)', async () => {
    const low = `?locality=${C.BEN_THANH}&signal=low_usage&service=A`;
    expect((await get(low)).body.count).toBe(1);
    send(t.db.sqlite, flat('A', C.BEN_THANH, 420, 1000));
    expect((await get(low)).body.count).toBe(0);
  });
});
