import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNRESTRICTED, ingestBody } from '../../../db/ingest/ingest.ts';
import { type Month, monthRange } from '../../../db/months.ts';
import { createPublisher, revokePublisher } from '../../../db/publishers.ts';
import { upsertServices } from '../../../db/services.ts';
import { type Flag, RULES, type Signal, TARGET_METHOD, type WatchOptions, computeSignals } from '../../../db/watch/signals.ts';
import { importTargets, listTargets, upsertTargets } from '../../../db/watch/targets.ts';
import { csv, service, testDb } from '../../helper.ts';

const NOW = new Date('2026-11-15T00:00:00Z');
/** The 14 months a series is read over: the window (2025-11..2026-10) and the 2 months before. */
const MONTHS = monthRange('2025-09', '2026-10');
const WINDOW = monthRange('2025-11', '2026-10');

type Row = [Month, string, string, number, number];

/** Rows of one service in one locality: counts(k, month) over the months (null = no row). */
function series(code: string, locality: string, counts: (k: number, month: Month) => [number, number] | null, months = MONTHS): Row[] {
  return months.flatMap((m, k) => {
    const c = counts(k, m);
    return c === null ? [] : [[m, code, locality, c[0], c[1]] as Row];
  });
}

/** The same counts every month of the window. */
const flat = (code: string, locality: string, online: number, total: number) => series(code, locality, () => [online, total], WINDOW);

/** A row with the optional measures: end_to_end_count, fee_count, paid_online_count (null = not reported). */
type MeasureRow = [Month, string, string, number, number, number | null, number | null, number | null];
const MEASURES_HEADER = 'period,service_code,locality_code,online_count,total_count,end_to_end_count,fee_count,paid_online_count';
const measureRows = (rows: MeasureRow[]) => csv(rows.map((r) => r.map((v) => v ?? '')), MEASURES_HEADER);
/** The same counts and measures every month of the window, or in `months`. */
const flatMeasures = (code: string, locality: string, counts: [number, number, number | null, number | null, number | null], months = WINDOW): MeasureRow[] =>
  months.map((m) => [m, code, locality, ...counts]);

describe('computeSignals on constructed data', () => {
  let db: ReturnType<typeof testDb>;

  const send = (rows: Row[], publisherId: number | null = null, now = NOW) => {
    const outcome = ingestBody(db.sqlite, Buffer.from(csv(rows)), 'csv', { source: publisherId === null ? 'cli' : 'api', publisherId, scope: UNRESTRICTED }, { now });
    expect(outcome.status, JSON.stringify(outcome.body).slice(0, 500)).toBe(201);
  };
  /** Rows with the optional measures, through the real ingest. */
  const sendMeasures = (rows: MeasureRow[]) => {
    const outcome = ingestBody(db.sqlite, Buffer.from(measureRows(rows)), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW });
    expect(outcome.status, JSON.stringify(outcome.body).slice(0, 500)).toBe(201);
  };
  const services = (...specs: Array<[string, string | null]>) =>
    upsertServices(
      db.sqlite,
      specs.map(([code, since]) => service(code, { online_since: since })),
    );
  const compute = (options: WatchOptions = {}) => computeSignals(db.sqlite, { now: NOW, ...options });
  const flagsOf = (signal: Signal, options: WatchOptions = {}) => compute(options).flags.filter((f) => f.signal === signal);
  const find = (flags: Flag[], serviceCode: string | null, locality: string | null) => flags.find((f) => f.service_code === serviceCode && f.locality_code === locality);
  const cellKeys = (flags: Flag[]) =>
    flags
      .filter((f) => f.service_code !== null && f.locality_code !== 'VN')
      .map((f) => `${f.service_code}/${f.locality_code}`)
      .sort();

  beforeEach(() => {
    db = testDb();
  });
  afterEach(() => db.remove());

  it('reads the 12 complete months ending at the latest complete month', () => {
    services(['A', '2019-01']);
    send([...flat('A', '01', 50, 100), ...flat('A', '04', 50, 100)]);
    const result = compute();
    expect(result.window).toEqual({ from: '2025-11', to: '2026-10' });
    expect(result.recent).toEqual({ from: '2026-08', to: '2026-10' });
    expect(result.threshold).toBe(0.1);
    expect(result.due_day).toBe(10);
    expect(result.expected_month).toBe('2026-10');
  });

  describe('low_usage', () => {
    beforeEach(() => {
      services(['A', '2019-01'], ['NEW', '2026-10'], ['FUT', '2026-12'], ['ZERO', '2019-01']);
      send([
        // 12 × 1,000 dossiers: 99 a month online is 9.9%, 101 is 10.1%.
        ...flat('A', '01', 99, 1000),
        ...flat('A', '04', 101, 1000),
        ...flat('A', '08', 410, 1000),
        ...flat('A', '11', 450, 1000),
        ...flat('A', '12', 500, 1000),
        // Online only from the window's last month: already counts. Not yet online: never flagged.
        ...flat('NEW', '08', 50, 1000),
        ...flat('FUT', '08', 0, 1000),
        // Reported, but no dossiers at all.
        ...flat('ZERO', '01', 0, 0),
      ]);
    });

    it('flags 9.9% and not 10.1%, only for services already online that had dossiers', () => {
      const flags = flagsOf('low_usage');
      expect(cellKeys(flags)).toEqual(['A/01', 'NEW/08']);
      const a = find(flags, 'A', '01')!;
      // Rates of A: 9.9%, 10.1%, 41%, 45%, 50%: the median province is 41%.
      expect(a.metrics).toMatchObject({ rate_12m: 0.099, online_12m: 1188, total_12m: 12000, threshold: 0.1, peer_median_rate: 0.41, peers: 5 });
      expect(a.paper_12m).toBe(10812);
      expect(a.severity).toBeCloseTo(1 - 0.099 / 0.1, 4);
      expect(a.explanation_en).toBe(
        'Service A in Thành phố Hà Nội: 9.9% online over the last 12 months (Nov 2025–Oct 2026), under the 10% threshold, while the median province is 41%. 10,812 dossiers were still on paper.',
      );
      expect(a.explanation_vi).toBe(
        'Dịch vụ A tại Thành phố Hà Nội: 9,9% hồ sơ nộp trực tuyến trong 12 tháng qua (11/2025–10/2026), dưới ngưỡng 10%, trong khi tỉnh ở mức trung vị đạt 41%. Vẫn còn 10.812 hồ sơ giấy.',
      );
    });

    it('also flags provinces (all services) and services nationwide', () => {
      const flags = flagsOf('low_usage');
      // 01: A and ZERO → 1,188 / 12,000. 08: A, NEW, FUT → (4,920 + 600 + 0) / 36,000 = 15.3%: not flagged.
      expect(find(flags, null, '01')!.metrics).toMatchObject({ rate_12m: 0.099 });
      expect(find(flags, null, '08')).toBeUndefined();
      // NEW nationwide is its one province: 5%. A nationwide: (1,188 + 1,212 + 4,920 + 5,400 + 6,000) / 60,000 = 31.2%.
      expect(find(flags, 'NEW', 'VN')!.metrics).toMatchObject({ rate_12m: 0.05, total_12m: 12000 });
      expect(find(flags, 'A', 'VN')).toBeUndefined();
      expect(flags.some((f) => f.service_code === 'FUT' || f.service_code === 'ZERO')).toBe(false);
    });

    it('takes the threshold as an option', () => {
      expect(cellKeys(flagsOf('low_usage', { threshold: 0.102 }))).toEqual(['A/01', 'A/04', 'NEW/08']);
      const flag = find(flagsOf('low_usage', { threshold: 0.102 }), 'A', '04')!;
      expect(flag.explanation_en).toContain('10.1% online');
      expect(flag.explanation_en).toContain('under the 10.2% threshold');
    });

    it('never reads 9.99% as "10%" next to a 10% threshold', () => {
      send([...flat('A', '01', 999, 10000)]);
      const flag = find(flagsOf('low_usage'), 'A', '01')!;
      expect(flag.metrics.rate_12m).toBe(0.0999);
      expect(flag.explanation_en).toContain('9.99% online');
      expect(flag.explanation_vi).toContain('9,99% hồ sơ');
    });
  });

  describe('peer_gap', () => {
    beforeEach(() => {
      services(['P', '2019-01'], ['Q', '2019-01'], ['R', '2019-01']);
      const provinces = ['01', '04', '08', '11', '12', '14', '15'];
      const per1000 = (code: string, online: number[]) => online.flatMap((o, i) => flat(code, provinces[i]!, o, 1000));
      send([
        // P: 50, 52, 48, 55, 45, 30, 60%. Median 50%; |deviations| 0, 2, 2, 5, 5, 20, 10 → MAD 5 pp.
        ...per1000('P', [500, 520, 480, 550, 450, 300, 600]),
        // Q: 20, 35, 50, 65, 80%. Median 50%, MAD 15 pp: 35% is 15 pp under, but z = −0.67.
        ...per1000('Q', [200, 350, 500, 650, 800]),
        // R: four at 50%, 29% and 31%: MAD 0, so the gap alone decides (−20 pp or more).
        ...per1000('R', [500, 500, 500, 500, 290, 310]),
      ]);
    });

    it('flags a province 10 pp or more under the median with a robust z of −2 or less', () => {
      const flags = flagsOf('peer_gap');
      const p = find(flags, 'P', '14')!;
      const z = (0.3 - 0.5) / (1.4826 * 0.05);
      expect(z).toBeCloseTo(-2.698, 3);
      expect(p.metrics).toMatchObject({ rate_12m: 0.3, median: 0.5, mad: 0.05, gap_pp: -20, z: Math.round(z * 100) / 100, peers: 7 });
      expect(p.severity).toBeCloseTo(0.2, 4);
      expect(p.explanation_en).toBe('Service P in Tỉnh Sơn La: 30% online over the last 12 months, 20 pp below the median province (50%); robust z = -2.7 across 7 provinces.');
      expect(p.explanation_vi).toBe('Dịch vụ P tại Tỉnh Sơn La: 30% trực tuyến trong 12 tháng qua, thấp hơn 20 điểm % so với tỉnh ở mức trung vị (50%); z = -2,7 trên 7 tỉnh.');
    });

    it('needs both the gap and the z-score, and with MAD 0 a gap of 20 pp', () => {
      const flags = flagsOf('peer_gap');
      expect(cellKeys(flags)).toEqual(['P/14', 'R/12']);
      // Q at 35%: gap −15 pp, z = −0.15 / (1.4826 × 0.15) = −0.67; Q at 20%: gap −30 pp, z = −1.35.
      expect(find(flags, 'Q', '04')).toBeUndefined();
      expect(find(flags, 'Q', '01')).toBeUndefined();
      const r = find(flags, 'R', '12')!;
      expect(r.metrics).toMatchObject({ rate_12m: 0.29, median: 0.5, mad: 0, gap_pp: -21, z: null, peers: 6 });
      expect(r.explanation_en).toContain('21 pp below the median province (50%); most provinces have the same rate, so the gap alone counts');
      expect(r.explanation_vi).toContain('thấp hơn 21 điểm % so với tỉnh ở mức trung vị (50%)');
      // R at 31%: −19 pp, short of the 20 pp needed without a spread.
      expect(find(flags, 'R', '14')).toBeUndefined();
    });
  });

  describe('stalled', () => {
    beforeEach(() => {
      services(['S', '2019-01']);
      const halves = (locality: string, before: number, after: number) => series('S', locality, (k) => [k < 6 ? before : after, 1000], WINDOW);
      send([...halves('01', 400, 400), ...halves('04', 400, 410), ...halves('08', 920, 910), ...halves('11', 600, 550)]);
    });

    it('flags the last 6 months no better than the 6 before, under 90%', () => {
      const flags = flagsOf('stalled');
      expect(cellKeys(flags)).toEqual(['S/01', 'S/11']);
      expect(find(flags, 'S', '01')!.metrics).toMatchObject({ rate_last_6m: 0.4, rate_previous_6m: 0.4, change_pp: 0, total_last_6m: 6000, total_previous_6m: 6000 });
      const fell = find(flags, 'S', '11')!;
      expect(fell.metrics).toMatchObject({ rate_last_6m: 0.55, rate_previous_6m: 0.6, change_pp: -5 });
      expect(fell.explanation_en).toBe(
        'Service S in Tỉnh Điện Biên: 55% online in the last 6 months (May 2026–Oct 2026), not above the 60% of the 6 months before (Nov 2025–Apr 2026), while still under 90%.',
      );
      expect(fell.explanation_vi).toBe(
        'Dịch vụ S tại Tỉnh Điện Biên: 55% trực tuyến trong 6 tháng gần nhất (05/2026–10/2026), không cao hơn mức 60% của 6 tháng trước đó (11/2025–04/2026), dù vẫn dưới 90%.',
      );
      // Nationwide: (2,400 + 2,460 + 5,460 + 3,300) / 24,000 = 56.75%, after (2,400 + 2,400 + 5,520 + 3,600) / 24,000 = 58%.
      expect(find(flags, 'S', 'VN')!.metrics).toMatchObject({ rate_last_6m: 0.5675, rate_previous_6m: 0.58 });
    });
  });

  describe('sudden_drop', () => {
    beforeEach(() => {
      services(['D', '2019-01']);
      // 13 months alternating 50% and 51% (usual movement 1 pp → 1.4826 pp), then the last month.
      const calm = (locality: string, last: [number, number]) => series('D', locality, (k) => (k < 13 ? [500 + 10 * (k % 2), 1000] : last));
      send([
        ...calm('01', [300, 1000]), // outage: 50% → 30% with the total steady
        ...calm('04', [100, 400]), // data error: the total fell by more than half
        ...calm('08', [0, 800]), // data error: online to zero as the total fell
        ...calm('12', [470, 1000]), // −3 pp: not sudden
        ...calm('14', [300, 1500]), // 20%, but the total jumped by half: unclear
        // Swinging 50% / 60% each month: usual movement 14.8 pp, so −10 pp is ordinary.
        ...series('D', '11', (k) => (k < 13 ? [500 + 100 * (k % 2), 1000] : [400, 1000])),
      ]);
    });

    it('flags a fall of more than 5 pp and 4 × the usual movement, and names the likely cause', () => {
      const flags = flagsOf('sudden_drop');
      expect(cellKeys(flags)).toEqual(['D/01', 'D/04', 'D/08', 'D/14']);
      const outage = find(flags, 'D', '01')!;
      expect(outage.metrics).toMatchObject({
        month: '2026-10',
        rate: 0.3,
        previous_rate: 0.5,
        change_pp: -20,
        usual_pp: 1.48,
        online: 300,
        previous_online: 500,
        total: 1000,
        previous_total: 1000,
        median_total_12m: 1000,
        cause: 'outage',
      });
      expect(outage.explanation_en).toBe(
        'Service D in Thành phố Hà Nội: the online rate fell from 50% in Sep 2026 to 30% in Oct 2026, down 20 pp, against a usual movement of 1.5 pp a month. ' +
          'Looks like an OUTAGE: the total stayed steady (1,000 dossiers, 12-month median 1,000) but online dossiers fell from 500 to 300.',
      );
      expect(outage.explanation_vi).toBe(
        'Dịch vụ D tại Thành phố Hà Nội: tỷ lệ trực tuyến giảm từ 50% (09/2026) xuống 30% (10/2026), mất 20 điểm %, trong khi mức dao động thường ngày chỉ khoảng 1,5 điểm %/tháng. ' +
          'Có vẻ là SỰ CỐ HỆ THỐNG: tổng số hồ sơ vẫn ổn định (1.000, trung vị 12 tháng 1.000) nhưng hồ sơ trực tuyến giảm từ 500 xuống 300.',
      );
      const halved = find(flags, 'D', '04')!;
      expect(halved.metrics).toMatchObject({ rate: 0.25, change_pp: -25, total: 400, previous_total: 1000, cause: 'data_error' });
      expect(halved.explanation_en).toContain('Looks like a DATA ERROR: the total itself fell by more than half, from 1,000 to 400.');
      expect(halved.explanation_vi).toContain('Có vẻ là LỖI SỐ LIỆU: chính tổng số hồ sơ đã giảm hơn một nửa, từ 1.000 xuống 400.');
      const zero = find(flags, 'D', '08')!;
      expect(zero.metrics).toMatchObject({ rate: 0, change_pp: -50, online: 0, total: 800, cause: 'data_error' });
      expect(zero.explanation_en).toContain('online dossiers went to zero (from 500) while the total fell from 1,000 to 800');
      expect(find(flags, 'D', '14')!.metrics).toMatchObject({ rate: 0.2, total: 1500, cause: 'unclear' });
    });

    it('sets the fall against the series’ own usual movement', () => {
      const flags = flagsOf('sudden_drop');
      // D/11 fell 10 pp, but it moves 10 pp every month: usual = 1.4826 × 10 pp.
      expect(find(flags, 'D', '11')).toBeUndefined();
      expect(find(flags, 'D', '12')).toBeUndefined();
    });
  });

  describe('unused_online and the online-service share', () => {
    beforeEach(() => {
      services(['U1', '2026-01'], ['U2', '2026-09'], ['U3', '2020-01'], ['U4', '2020-01']);
      const recent = (k: number) => k >= 11; // 2026-08..2026-10
      send([
        ...series('U1', '01', (k) => [recent(k) ? 0 : 10, 100]),
        ...series('U2', '01', () => [0, 100]),
        ...series('U3', '01', () => [5, 100]),
        ...series('U4', '01', (k) => [0, recent(k) ? 0 : 50]),
        ...series('U1', '04', () => [1, 100]),
        ...series('U3', '04', () => [0, 100]),
      ]);
    });

    it('flags services online for the whole last 3 months that received dossiers but none online', () => {
      const flags = flagsOf('unused_online');
      // U2 went online in 2026-09: too recent. U4 had no dossiers at all in the last 3 months.
      expect(flags.map((f) => `${f.service_code}/${f.locality_code}`).sort()).toEqual(['U1/01', 'U3/04']);
      const u1 = find(flags, 'U1', '01')!;
      expect(u1.metrics).toEqual({ online_3m: 0, total_3m: 300, online_12m: 90, total_12m: 1200, online_since: '2026-01' });
      expect(u1.explanation_en).toBe(
        'Service U1 in Thành phố Hà Nội has been offered online since Jan 2026, yet none of its 300 dossiers in the last 3 months (Aug 2026–Oct 2026) was submitted online. It had 90 online dossiers over the last 12 months.',
      );
      expect(u1.explanation_vi).toBe(
        'Dịch vụ U1 tại Thành phố Hà Nội có dịch vụ trực tuyến từ 01/2026, nhưng không hồ sơ nào trong 300 hồ sơ của 3 tháng qua (08/2026–10/2026) được nộp trực tuyến. Trong 12 tháng qua từng có 90 hồ sơ trực tuyến.',
      );
      expect(find(flags, 'U3', '04')!.metrics).toMatchObject({ online_3m: 0, total_3m: 300, online_12m: 0 });
    });

    it('never flags a service that is not offered online (online_level none)', () => {
      upsertServices(db.sqlite, [service('U3', { online_since: null, online_level: 'none' })]);
      expect(find(flagsOf('unused_online'), 'U3', '04')).toBeUndefined();
      expect(compute().flags.filter((f) => f.service_code === 'U3' && ['low_usage', 'unused_online', 'stalled'].includes(f.signal))).toEqual([]);
    });

    it('gives the share of online services with any online dossier, per province and nationally', () => {
      const shares = compute().online_service_share;
      expect(shares).toHaveLength(35);
      const byCode = new Map(shares.map((s) => [s.locality_code, s]));
      // 01: U1, U3, U4 are online since before 2026-08 (U2 is not); only U3 had online dossiers.
      expect(byCode.get('01')).toEqual({ locality_code: '01', locality_name: 'Thành phố Hà Nội', online_services: 3, with_online_dossiers: 1, with_any_dossiers: 2, share: 0.3333 });
      expect(byCode.get('04')).toMatchObject({ online_services: 2, with_online_dossiers: 1, with_any_dossiers: 2, share: 0.5 });
      // Nationally U1 (3 online in 04) and U3 (15 in 01) had online dossiers; U4 none at all.
      expect(shares[0]).toEqual({ locality_code: 'VN', locality_name: 'Việt Nam', online_services: 3, with_online_dossiers: 2, with_any_dossiers: 2, share: 0.6667 });
      expect(byCode.get('79')).toMatchObject({ online_services: 0, share: null });
    });
  });

  describe('paper_backlog', () => {
    beforeEach(() => {
      services(['B1', '2019-01'], ['B2', '2019-01'], ['B3', '2019-01']);
      // Paper (total − online) over 12 months: 12 pairs, with a tie at 6,000.
      const paper: Array<[string, string, number]> = [
        ['B1', '01', 9000],
        ['B2', '04', 8000],
        ['B3', '08', 7000],
        ['B2', '01', 6000],
        ['B1', '08', 6000],
        ['B3', '01', 5000],
        ['B1', '04', 4000],
        ['B3', '04', 3000],
        ['B2', '08', 2000],
        ['B1', '11', 1000],
        ['B2', '11', 500],
        ['B3', '11', 250],
      ];
      send(paper.flatMap(([code, locality, p]) => flat(code, locality, 0, 0).map((r, i) => [r[0], code, locality, i === 0 ? 100 : 0, i === 0 ? 100 + p : 0] as Row)));
    });

    it('ranks every service × province by paper dossiers and flags the top ones with their rank', () => {
      const flags = flagsOf('paper_backlog');
      // 12 pairs: the top 5% would be 1, so the top 10 (the floor) are flagged.
      expect(flags.map((f) => `${f.service_code}/${f.locality_code}`)).toEqual(['B1/01', 'B2/04', 'B3/08', 'B1/08', 'B2/01', 'B3/01', 'B1/04', 'B3/04', 'B2/08', 'B1/11']);
      expect(flags.map((f) => f.metrics.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const first = flags[0]!;
      // The country's paper: 51,750.
      expect(first.metrics).toEqual({ rank: 1, ranked: 12, flagged: 10, paper_12m: 9000, total_12m: 9100, rate_12m: 0.011, share_of_national_paper: 0.1739 });
      expect(first.paper_12m).toBe(9000);
      expect(first.severity).toBe(1);
      expect(flags[1]!.severity).toBeCloseTo(8000 / 9000, 4);
      expect(first.explanation_en).toBe(
        "Service B1 in Thành phố Hà Nội: 9,000 dossiers on paper over the last 12 months (Nov 2025–Oct 2026), rank 1 of 12 service–province pairs and 17.4% of the country's paper dossiers; 1.1% were online.",
      );
      expect(first.explanation_vi).toBe(
        'Dịch vụ B1 tại Thành phố Hà Nội: 9.000 hồ sơ giấy trong 12 tháng qua (11/2025–10/2026), đứng thứ 1/12 cặp dịch vụ – tỉnh, bằng 17,4% số hồ sơ giấy cả nước; tỷ lệ trực tuyến 1,1%.',
      );
    });

    it('sorts the whole watch list by paper backlog, most paper first', () => {
      const { flags } = compute();
      for (let i = 1; i < flags.length; i++) expect(flags[i - 1]!.paper_12m).toBeGreaterThanOrEqual(flags[i]!.paper_12m);
      // The first flags are about the whole country (51,750 on paper) and 01 (20,000 = 9,000 + 6,000 + 5,000).
      expect(flags[0]!.locality_code).toBe('VN');
      expect(flags[0]!.paper_12m).toBe(51750);
      expect(flags.find((f) => f.locality_code === '01' && f.service_code === null)!.paper_12m).toBe(20000);
    });
  });

  describe('late_data', () => {
    beforeEach(() => {
      services(['L', '2019-01']);
      send([
        ...series('L', '01', () => [10, 100], monthRange('2026-01', '2026-10')),
        ...series('L', '04', () => [10, 100], monthRange('2026-01', '2026-09')),
        ...series('L', '08', () => [10, 100], monthRange('2026-01', '2026-08')),
      ]);
    });

    it('counts months late against the month due by today (due day before today)', () => {
      // 15 Nov, data due on the 10th: October is expected.
      const result = compute({ dueDay: 10 });
      expect(result.expected_month).toBe('2026-10');
      const flags = result.flags.filter((f) => f.signal === 'late_data');
      expect(flags.map((f) => [f.locality_code, f.metrics.months_late])).toEqual(
        expect.arrayContaining([
          ['04', 1],
          ['08', 2],
        ]),
      );
      expect(flags).toHaveLength(2);
      const late = find(flags, null, '08')!;
      expect(late.metrics).toEqual({ last_reported: '2026-08', expected: '2026-10', months_late: 2, due_day: 10 });
      expect(late.explanation_en).toBe('Tỉnh Tuyên Quang: the latest month reported is Aug 2026; Oct 2026 was due by 10 Nov 2026, so the data is 2 months late.');
      expect(late.explanation_vi).toBe('Tỉnh Tuyên Quang: tháng gần nhất đã báo cáo là 08/2026; số liệu tháng 10/2026 phải gửi trước ngày 10/11/2026, nên đang chậm 2 tháng.');
      expect(find(flags, null, '04')!.explanation_en).toContain('so the data is 1 month late.');
    });

    it('gives one more month when the due day is still ahead', () => {
      // 15 Nov, data due on the 20th: October is not due yet, September is.
      const result = compute({ dueDay: 20 });
      expect(result.expected_month).toBe('2026-09');
      const flags = result.flags.filter((f) => f.signal === 'late_data');
      expect(flags.map((f) => [f.locality_code, f.metrics.months_late])).toEqual([['08', 1]]);
      expect(flags[0]!.explanation_en).toContain('Sep 2026 was due by 20 Oct 2026, so the data is 1 month late.');
    });

    it('checks active publishers by the latest month they ever sent, revised rows included', () => {
      const make = (locality: string) => {
        const created = createPublisher(db.sqlite, { name: `Sở ${locality}`, localities: [locality] }, NOW);
        if (!created.ok) throw new Error(created.message);
        return created.id;
      };
      const late = make('04');
      const onTime = make('01');
      const revoked = make('08');
      make('11'); // never sent anything
      send(series('L', '04', () => [20, 100], monthRange('2026-08', '2026-09')), late, new Date('2026-10-05T03:00:00Z'));
      send(series('L', '01', () => [20, 100], monthRange('2026-09', '2026-10')), onTime);
      send(series('L', '08', () => [20, 100], ['2026-08']), revoked);
      revokePublisher(db.sqlite, revoked, NOW);
      // Another sender revises 01's October: the publisher's row now lives in the history.
      send([['2026-10', 'L', '01', 30, 100]]);

      const flags = compute().flags.filter((f) => f.signal === 'late_data' && f.locality_code === null);
      expect(flags).toHaveLength(1);
      expect(flags[0]!.metrics).toEqual({
        publisher_id: late,
        publisher_name: 'Sở 04',
        last_reported: '2026-09',
        last_received_at: '2026-10-05T03:00:00.000Z',
        expected: '2026-10',
        months_late: 1,
        due_day: 10,
      });
      // Its scope is province 04. The window ends at 2026-08, the latest month every province sent:
      // 2026-01..2026-08 in 04 is 800 dossiers, 10 a month online and 20 in the revised 2026-08.
      expect(compute().window.to).toBe('2026-08');
      expect(flags[0]!.paper_12m).toBe(800 - (10 * 7 + 20));
      expect(flags[0]!.explanation_en).toBe(
        `Publisher "Sở 04" (#${late}): the latest month it sent is Sep 2026 (last batch received 2026-10-05); Oct 2026 was due by 10 Nov 2026, so it is 1 month late.`,
      );
      expect(flags[0]!.explanation_vi).toContain('đang chậm 1 tháng');
    });
  });

  describe('target', () => {
    beforeEach(() => {
      services(['T', '2019-01']);
      // Rising exactly 1 pp a month: 20% in 2025-11 … 31% in 2026-10. 12-month rate 25.5%.
      send(series('T', '01', (k) => [200 + 10 * k, 1000], WINDOW));
      const outcome = upsertTargets(db.sqlite, [
        { service_code: 'T', locality_code: '01', due_month: '2027-10', target_rate: 0.4 },
        { service_code: 'T', locality_code: '01', due_month: '2027-04', target_rate: 0.4 },
        { service_code: 'T', locality_code: '01', due_month: '2027-01', target_rate: 0.45 },
        { service_code: null, locality_code: 'VN', due_month: '2027-10', target_rate: 0.5 },
        { service_code: null, locality_code: '04', due_month: '2027-10', target_rate: 0.5 },
        { service_code: 'T', locality_code: '01', due_month: '2026-06', target_rate: 0.25 },
        { service_code: 'T', locality_code: '01', due_month: '2036-10', target_rate: 0.9 },
      ]);
      expect(outcome).toMatchObject({ status: 200, body: { targets: 7, created: 7, updated: 0 } });
    });

    const byDue = (flags: Flag[], locality: string, due: string) => flags.find((f) => f.locality_code === locality && f.metrics.due_month === due)!;

    it('projects the rate at the due month with a least-squares line through the last 12 monthly rates', () => {
      const flags = flagsOf('target');
      expect(flags).toHaveLength(7);
      // 31% in 2026-10, +1 pp a month: 12 months on, 43%.
      const onTrack = byDue(flags, '01', '2027-10');
      expect(onTrack.metrics).toMatchObject({
        target_rate: 0.4,
        due_month: '2027-10',
        rate_12m: 0.255,
        progress: 0.6375,
        projected_rate: 0.43,
        slope_pp_per_month: 1,
        months_fitted: 12,
        basis: 'linear_fit',
        method: 'linear fit on the last 12 monthly rates',
        status: 'on_track',
      });
      expect(TARGET_METHOD).toBe('linear fit on the last 12 monthly rates');
      expect(onTrack.severity).toBe(0);
      expect(onTrack.explanation_en).toBe(
        'Target for Service T in Thành phố Hà Nội: 40% online by Oct 2027. Now 25.5% over the last 12 months (63.8% of the target). A linear fit on the last 12 monthly rates (+1 pp a month) projects 43% by Oct 2027: on track.',
      );
      expect(onTrack.explanation_vi).toBe(
        'Mục tiêu cho Dịch vụ T tại Thành phố Hà Nội: 40% hồ sơ trực tuyến vào 10/2027. Hiện đạt 25,5% trong 12 tháng qua (63,8% mục tiêu). Đường xu hướng tuyến tính trên 12 tỷ lệ tháng gần nhất (+1 điểm %/tháng) dự báo 43% vào 10/2027: đúng tiến độ.',
      );
    });

    it('is at risk within 5 pp under the target, off track further under', () => {
      const flags = flagsOf('target');
      // 2027-04: 37% against 40% → at risk. 2027-01: 34% against 45% → off track.
      const atRisk = byDue(flags, '01', '2027-04');
      expect(atRisk.metrics).toMatchObject({ projected_rate: 0.37, status: 'at_risk' });
      expect(atRisk.severity).toBeCloseTo((0.4 - 0.37) / 0.4, 4);
      expect(atRisk.explanation_en).toContain('projects 37% by Apr 2027: at risk.');
      const offTrack = byDue(flags, '01', '2027-01');
      expect(offTrack.metrics).toMatchObject({ projected_rate: 0.34, progress: 0.5667, status: 'off_track' });
      expect(offTrack.explanation_vi).toContain('dự báo 34% vào 01/2027: không đạt tiến độ.');
      // All services nationwide is T in 01 here: 43% against 50%.
      const national = flags.find((f) => f.locality_code === 'VN')!;
      expect(national.service_code).toBeNull();
      expect(national.metrics).toMatchObject({ projected_rate: 0.43, status: 'off_track' });
      expect(national.explanation_en).toContain('Target for all services nationwide: 50% online by Oct 2027.');
    });

    it('judges a past due month on its actual rate, clamps projections, and says when there are no data', () => {
      const flags = flagsOf('target');
      expect(byDue(flags, '01', '2026-06').metrics).toMatchObject({ basis: 'actual', projected_rate: 0.27, status: 'on_track' });
      expect(byDue(flags, '01', '2036-10').metrics).toMatchObject({ projected_rate: 1, status: 'on_track' });
      const empty = byDue(flags, '04', '2027-10');
      expect(empty.metrics).toMatchObject({ rate_12m: null, projected_rate: null, status: 'no_data' });
      expect(empty.severity).toBe(1);
      expect(empty.explanation_en).toBe('Target for all services in Tỉnh Cao Bằng: 50% online by Oct 2027. There are no data over the last 12 months to judge it.');
    });
  });

  describe('online_for_show', () => {
    beforeEach(() => {
      services(['E', '2019-01']);
      const twoMonths = WINDOW.slice(-2);
      const before = WINDOW.slice(0, -2);
      sendMeasures([
        // 500/1,000 online (50%, at the threshold), 199 end to end (19.9%, under 20%): flagged.
        ...flatMeasures('E', '01', [500, 1000, 199, null, null]),
        // 49.9% online: not flagged, however little is end to end.
        ...flatMeasures('E', '04', [499, 1000, 100, null, null]),
        // 20% end to end: at the threshold, not under it.
        ...flatMeasures('E', '08', [600, 1000, 200, null, null]),
        // 64% online, 12% end to end.
        ...flatMeasures('E', '11', [640, 1000, 120, null, null]),
        // 90% online and no end-to-end count reported: not reported is not zero.
        ...flatMeasures('E', '12', [900, 1000, null, null, null]),
        // End-to-end counts in the last 2 months only, 80 of 100 online and none end to end: 200 dossiers, the
        // minimum. The 10 months before, without the measure, were 10% online: they do not count.
        ...flatMeasures('E', '14', [10, 100, null, null, null], before),
        ...flatMeasures('E', '14', [80, 100, 0, null, null], twoMonths),
        // The same with 199 dossiers reported: too few.
        ...flatMeasures('E', '15', [10, 100, null, null, null], before),
        ...twoMonths.map((m, i): MeasureRow => [m, 'E', '15', 80, 100 - i, 0, null, null]),
      ]);
    });

    it('flags at 50% online and under 20% end to end, over enough dossiers, with the numbers', () => {
      const flags = flagsOf('online_for_show');
      expect(cellKeys(flags)).toEqual(['E/01', 'E/11', 'E/14']);
      expect(RULES).toMatchObject({ showOnlineMin: 0.5, showEndToEndMax: 0.2, showMinDossiers: 200 });
      expect(find(flags, 'E', '01')!.severity).toBeCloseTo(1 - 0.199 / 0.2, 4);
      const e11 = find(flags, 'E', '11')!;
      // 12 × 640 online and 12 × 120 end to end of 12 × 1,000: 64% and 12%; 520 of every 640 online dossiers were not end to end.
      expect(e11.metrics).toEqual({
        online_rate: 0.64,
        end_to_end_rate: 0.12,
        online_not_end_to_end: 0.8125,
        online_count: 7680,
        end_to_end_count: 1440,
        total_count: 12000,
        rows_reported: 12,
        min_online_rate: 0.5,
        max_end_to_end_rate: 0.2,
        min_dossiers: 200,
      });
      expect(e11.severity).toBeCloseTo(1 - 0.12 / 0.2, 4);
      expect(e11.paper_12m).toBe(12000 - 7680);
      expect(e11.explanation_en).toBe(
        'Service E in Tỉnh Điện Biên: 64% of dossiers were submitted online but only 12% were handled end to end online over the last 12 months (Nov 2025–Oct 2026), under the 20% threshold: 81.3% of the online dossiers still needed paper, a payment or a visit at some step. Counted over the 12,000 dossiers reported with end-to-end counts, 1,440 of them end to end.',
      );
      expect(e11.explanation_vi).toBe(
        'Dịch vụ E tại Tỉnh Điện Biên: 64% hồ sơ nộp trực tuyến nhưng chỉ 12% được xử lý toàn trình trực tuyến trong 12 tháng qua (11/2025–10/2026), dưới ngưỡng 20%: 81,3% hồ sơ nộp trực tuyến vẫn phải nộp giấy tờ, nộp phí hoặc nhận kết quả trực tiếp ở một bước nào đó. Tính trên 12.000 hồ sơ có báo cáo số hồ sơ toàn trình, trong đó 1.440 hồ sơ toàn trình.',
      );
    });

    it('reads the online share over the same rows as the end-to-end share, and never rows that did not report it', () => {
      const flags = flagsOf('online_for_show');
      // E/14 is 26.7% online over its 12 months, but 80% over the 2 months that reported end-to-end counts.
      expect(find(flags, 'E', '14')!.metrics).toMatchObject({ online_rate: 0.8, end_to_end_rate: 0, total_count: 200, rows_reported: 2 });
      expect(find(flags, 'E', '15')).toBeUndefined();
      expect(find(flags, 'E', '12')).toBeUndefined();
      // 19.96% must not read as "20%, under the 20% threshold".
      expect(find(flags, 'E', '01')!.explanation_en).toContain('only 19.9% were handled end to end');
      // Only service × province pairs: never a province's all services, nor a service nationwide.
      expect(flags.every((f) => f.service_code === 'E' && f.locality_code !== 'VN')).toBe(true);
    });

    it('never flags a partial service: its counter step is by design, not for show', () => {
      upsertServices(db.sqlite, [service('E', { online_since: '2019-01', online_level: 'partial' })]);
      expect(flagsOf('online_for_show')).toEqual([]);
    });
  });

  describe('payment_lag', () => {
    beforeEach(() => {
      services(['F', '2019-01']);
      const twoMonths = WINDOW.slice(-2);
      sendMeasures([
        // 50% online; 149 of 500 fee-bearing dossiers paid online (29.8%, under 30%): flagged.
        ...flatMeasures('F', '01', [500, 1000, null, 500, 149]),
        // 30% paid online: at the threshold, not under it.
        ...flatMeasures('F', '04', [500, 1000, null, 500, 150]),
        // 49.9% online: not flagged, though nothing is paid online.
        ...flatMeasures('F', '08', [499, 1000, null, 500, 0]),
        // Fee-bearing dossiers reported, how they were paid not: not reported is not zero.
        ...flatMeasures('F', '11', [900, 1000, null, 500, null]),
        // 200 fee-bearing dossiers with their payment (the minimum), none paid online; then 199.
        ...flatMeasures('F', '12', [80, 100, null, 100, 0], twoMonths),
        ...twoMonths.map((m, i): MeasureRow => [m, 'F', '14', 80, 100, null, 100 - i, 0]),
      ]);
    });

    it('flags at 50% online and under 30% of the fee-bearing dossiers paid online, over enough of them', () => {
      const flags = flagsOf('payment_lag');
      expect(cellKeys(flags)).toEqual(['F/01', 'F/12']);
      expect(RULES).toMatchObject({ lagOnlineMin: 0.5, lagPaidOnlineMax: 0.3, lagMinFeeDossiers: 200 });
      const f01 = find(flags, 'F', '01')!;
      expect(f01.metrics).toEqual({
        online_rate: 0.5,
        paid_online_rate: 0.298,
        fee_count: 6000,
        paid_online_count: 1788,
        paid_offline_count: 4212,
        online_count: 6000,
        total_count: 12000,
        rows_reported: 12,
        min_online_rate: 0.5,
        max_paid_online_rate: 0.3,
        min_fee_dossiers: 200,
      });
      expect(f01.severity).toBeCloseTo(1 - 0.298 / 0.3, 4);
      expect(f01.explanation_en).toBe(
        'Service F in Thành phố Hà Nội: only 29.8% of the 6,000 fee-bearing dossiers were paid online over the last 12 months (Nov 2025–Oct 2026), under the 30% threshold, while 50% of dossiers were submitted online: 4,212 fees were still paid offline.',
      );
      expect(f01.explanation_vi).toBe(
        'Dịch vụ F tại Thành phố Hà Nội: chỉ 29,8% trong 6.000 hồ sơ phải nộp phí, lệ phí được thanh toán trực tuyến trong 12 tháng qua (11/2025–10/2026), dưới ngưỡng 30%, trong khi 50% hồ sơ được nộp trực tuyến: 4.212 hồ sơ vẫn nộp phí, lệ phí trực tiếp.',
      );
      expect(find(flags, 'F', '12')!.metrics).toMatchObject({ paid_online_rate: 0, fee_count: 200, rows_reported: 2 });
      expect(find(flags, 'F', '12')!.severity).toBe(1);
    });

    it('never flags rows without the payment counts, nor rows without any measure', () => {
      send(flat('F', '15', 900, 1000));
      const flags = flagsOf('payment_lag');
      expect(find(flags, 'F', '11')).toBeUndefined();
      expect(find(flags, 'F', '15')).toBeUndefined();
      expect(flagsOf('online_for_show')).toEqual([]);
    });
  });

  describe('targets on another indicator', () => {
    beforeEach(() => {
      services(['T', '2019-01']);
      // 60% online every month; end to end rising 1 pp a month: 20% in 2025-11 … 31% in 2026-10 (25.5% over 12 months).
      sendMeasures(WINDOW.map((m, k): MeasureRow => [m, 'T', '01', 600, 1000, 200 + 10 * k, null, null]));
      // 04 reports no end-to-end counts.
      send(flat('T', '04', 500, 1000));
      const outcome = upsertTargets(
        db.sqlite,
        [
          { service_code: null, locality_code: 'VN', due_month: '2027-10', target_rate: 0.8, indicator: 'end_to_end_rate' },
          { service_code: null, locality_code: 'VN', due_month: '2027-10', target_rate: 0.8 },
          { service_code: 'T', locality_code: '01', due_month: '2027-04', target_rate: 0.37, indicator: 'end_to_end_rate' },
          { service_code: 'T', locality_code: '04', due_month: '2027-10', target_rate: 0.5, indicator: 'end_to_end_rate' },
          { service_code: null, locality_code: 'VN', due_month: '2027-10', target_rate: 0.9, indicator: 'online_service_share' },
        ],
        NOW,
      );
      expect(outcome).toMatchObject({ status: 200, body: { targets: 5, created: 5, updated: 0 } });
    });

    const targetFlag = (indicator: string, locality: string) => flagsOf('target').find((f) => f.metrics.indicator === indicator && f.locality_code === locality)!;

    it('judges the national 80% end-to-end target on the end-to-end series, not the online one', () => {
      const e2e = targetFlag('end_to_end_rate', 'VN');
      expect(e2e.metrics).toMatchObject({
        indicator: 'end_to_end_rate',
        target_rate: 0.8,
        due_month: '2027-10',
        // 01 alone reported end-to-end counts: (2,400 + 10 × 66) / 12,000; +1 pp a month from 31% → 43% by 2027-10.
        rate_12m: 0.255,
        progress: 0.3188,
        projected_rate: 0.43,
        slope_pp_per_month: 1,
        months_fitted: 12,
        status: 'off_track',
      });
      expect(e2e.severity).toBeCloseTo((0.8 - 0.43) / 0.8, 4);
      // Its paper is the country's: (400 + 500) × 12.
      expect(e2e.paper_12m).toBe(10800);
      expect(e2e.explanation_en).toBe(
        'Target for all services nationwide: share of dossiers handled end-to-end online at 80% by Oct 2027. Now 25.5% over the last 12 months (31.9% of the target). A linear fit on the last 12 monthly rates (+1 pp a month) projects 43% by Oct 2027: off track.',
      );
      expect(e2e.explanation_vi).toBe(
        'Mục tiêu cho tất cả dịch vụ trên toàn quốc: tỷ lệ hồ sơ xử lý toàn trình trực tuyến đạt 80% vào 10/2027. Hiện đạt 25,5% trong 12 tháng qua (31,9% mục tiêu). Đường xu hướng tuyến tính trên 12 tỷ lệ tháng gần nhất (+1 điểm %/tháng) dự báo 43% vào 10/2027: không đạt tiến độ.',
      );
      // The online-rate target with the same locality and due month is another target, on 55% online.
      const online = targetFlag('online_rate', 'VN');
      expect(online.metrics).toMatchObject({ target_rate: 0.8, rate_12m: 0.55, projected_rate: 0.55, status: 'off_track' });
      expect(online.explanation_en).toContain('Target for all services nationwide: 80% online by Oct 2027.');
    });

    it('judges a province’s target on its own end-to-end series, and says when it reported none', () => {
      const t01 = targetFlag('end_to_end_rate', '01');
      expect(t01.metrics).toMatchObject({ rate_12m: 0.255, projected_rate: 0.37, status: 'on_track' });
      expect(t01.explanation_en).toContain('Target for Service T in Thành phố Hà Nội: share of dossiers handled end-to-end online at 37% by Apr 2027.');
      // 04 sent its online counts (50%) but no end-to-end count: no data, not zero.
      const t04 = targetFlag('end_to_end_rate', '04');
      expect(t04.metrics).toMatchObject({ rate_12m: null, projected_rate: null, months_fitted: 0, status: 'no_data' });
      expect(t04.explanation_en).toBe(
        'Target for Service T in Tỉnh Cao Bằng: share of dossiers handled end-to-end online at 50% by Oct 2027. There are no data for this indicator over the last 12 months to judge it.',
      );
      expect(t04.explanation_vi).toBe(
        'Mục tiêu cho Dịch vụ T tại Tỉnh Cao Bằng: tỷ lệ hồ sơ xử lý toàn trình trực tuyến đạt 50% vào 10/2027. Chưa có số liệu cho chỉ số này trong 12 tháng qua để đánh giá.',
      );
    });

    it('counts a services indicator over the window', () => {
      // T, the one service, is offered online: 100% of the catalogue, every month.
      expect(targetFlag('online_service_share', 'VN').metrics).toMatchObject({ rate_12m: 1, projected_rate: 1, status: 'on_track' });
    });
  });

  describe('targets', () => {
    beforeEach(() => services(['T', '2019-01']));

    it('replaces a target with the same service, locality and due month', () => {
      upsertTargets(db.sqlite, [{ service_code: 'T', locality_code: '01', due_month: '2027-12', target_rate: 0.5 }], NOW);
      const again = upsertTargets(db.sqlite, [
        { service_code: 'T', locality_code: '01', due_month: '2027-12', target_rate: 0.6 },
        { service_code: null, locality_code: '01', due_month: '2027-12', target_rate: 0.7 },
      ]);
      expect(again).toMatchObject({ status: 200, body: { targets: 2, created: 1, updated: 1 } });
      expect(listTargets(db.sqlite).map(({ service_code, locality_code, locality_name, due_month, target_rate, created_at }) => [service_code, locality_code, locality_name, due_month, target_rate, created_at.slice(0, 10)])).toEqual([
        [null, '01', 'Thành phố Hà Nội', '2027-12', 0.7, expect.any(String)],
        ['T', '01', 'Thành phố Hà Nội', '2027-12', 0.6, '2026-11-15'],
      ]);
    });

    it('imports CSV all or nothing, with every row error', () => {
      const body = [
        'service_code,locality_code,due_month,target_rate',
        'T,01,2027-12,0.5',
        ',VN,2027-12,1',
        'X,01,2027-12,0.5',
        'T,02,2027-12,0.5',
        'T,00001,2027-12,0.5',
        'T,01,2027-13,0.5',
        'T,01,2027-11,50%',
        'T,01,2027-10,50',
        'T,01,2027-12,0.6',
      ].join('\n');
      const outcome = importTargets(db.sqlite, Buffer.from(body), 'csv', NOW);
      expect(outcome.status).toBe(422);
      if (outcome.status !== 422) return;
      expect(outcome.body.errors.map((e) => [e.row, e.column])).toEqual([
        [4, 'service_code'],
        [5, 'locality_code'],
        [6, 'locality_code'],
        [7, 'due_month'],
        [8, 'target_rate'],
        [9, 'target_rate'],
        [10, null],
      ]);
      expect(outcome.body.errors[1]!.message).toContain('ended on 2025-06-30');
      expect(outcome.body.errors[4]!.message).toContain('0.5 for 50%');
      expect(outcome.body.errors[6]!.message).toContain('already given at row 2');
      expect(listTargets(db.sqlite)).toEqual([]);
      const ok = importTargets(db.sqlite, Buffer.from(body.split('\n').slice(0, 3).join('\n')), 'csv', NOW);
      expect(ok).toMatchObject({ status: 200, body: { targets: 2, created: 2, updated: 0 } });
      expect(listTargets(db.sqlite).map((t) => [t.service_code, t.locality_code, t.target_rate])).toEqual([
        ['T', '01', 0.5],
        [null, 'VN', 1],
      ]);
    });

    it('takes an indicator (online_rate when left out), and refuses an unknown one in both languages', () => {
      const body = ['service_code,locality_code,due_month,target_rate,indicator', ',VN,2027-12,0.8,end_to_end_rate', ',VN,2027-12,0.6,', 'T,01,2027-12,0.5,online_payment_rate'].join('\n');
      expect(importTargets(db.sqlite, Buffer.from(body), 'csv', NOW)).toMatchObject({ status: 200, body: { targets: 3, created: 3, updated: 0 } });
      expect(listTargets(db.sqlite).map((t) => [t.service_code, t.locality_code, t.target_rate, t.indicator])).toEqual([
        ['T', '01', 0.5, 'online_payment_rate'],
        [null, 'VN', 0.6, 'online_rate'],
        [null, 'VN', 0.8, 'end_to_end_rate'],
      ]);
      // The same indicator, service, locality and due month again replaces it; JSON's null means online_rate.
      expect(upsertTargets(db.sqlite, [{ service_code: null, locality_code: 'VN', due_month: '2027-12', target_rate: 0.7, indicator: null }], NOW)).toMatchObject({ status: 200, body: { created: 0, updated: 1 } });

      const bad = upsertTargets(db.sqlite, [{ service_code: null, locality_code: 'VN', due_month: '2027-12', target_rate: 0.8, indicator: 'end_to_end' }], NOW);
      expect(bad.status).toBe(422);
      if (bad.status !== 422) return;
      expect(bad.body.errors).toHaveLength(1);
      const error = bad.body.errors[0]!;
      expect(error).toMatchObject({ row: 1, column: 'indicator', value: 'end_to_end' });
      expect(error.message_en).toBe(
        'Item 1, column indicator: unknown indicator "end_to_end" (did you mean end_to_end_rate?); one of online_service_share, services_with_online_dossiers, online_rate, payment_integration, online_payment_rate, end_to_end_rate (see /api/v1/indicators), or empty for online_rate',
      );
      expect(error.message_vi).toContain('không có chỉ số «end_to_end». Có phải ý bạn là end_to_end_rate?');
      expect(listTargets(db.sqlite)).toHaveLength(3);
    });

    it('reads a target stored before indicators as an online-rate target', () => {
      db.sqlite.prepare("INSERT INTO targets (service_id, locality_id, due_month, target_rate, created_at) SELECT NULL, id, '2027-12', 0.6, '2026-01-01' FROM localities WHERE code = 'VN'").run();
      expect(listTargets(db.sqlite).map((t) => [t.locality_code, t.indicator])).toEqual([['VN', 'online_rate']]);
      expect(flagsOf('target')[0]!.metrics).toMatchObject({ indicator: 'online_rate', target_rate: 0.6 });
    });

    it('refuses a body with unknown columns', () => {
      const outcome = importTargets(db.sqlite, Buffer.from('service_code,locality_code,due_month,target\nT,01,2027-12,0.5\n'), 'csv', NOW);
      expect(outcome.status).toBe(400);
    });
  });
});
