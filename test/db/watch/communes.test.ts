import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNRESTRICTED, ingestBody } from '../../../db/ingest/ingest.ts';
import { upsertServices } from '../../../db/services.ts';
import { type Flag, type Signal, type WatchOptions, computeSignals, sortFlags } from '../../../db/watch/signals.ts';
import { listTargets, upsertTargets } from '../../../db/watch/targets.ts';
import { csv, service, testDb } from '../../helper.ts';
import { C, NOW, WINDOW, flat, loadCommuneFixture, send } from './commune-fixture.ts';

describe('the watch list at commune level', () => {
  let db: ReturnType<typeof testDb>;
  /** Every flag, the commune ones written out, most paper first. */
  const compute = (options: WatchOptions = {}) => {
    const result = computeSignals(db.sqlite, { now: NOW, ...options });
    return { ...result, flags: sortFlags([...result.flags, ...result.commune_flags.all()], 'paper') };
  };
  const flagsOf = (signal: Signal) => compute().flags.filter((f) => f.signal === signal);
  const find = (flags: Flag[], service: string | null, locality: string) => flags.find((f) => f.service_code === service && f.locality_code === locality);

  beforeEach(() => {
    db = testDb();
    loadCommuneFixture(db.sqlite);
  });
  afterEach(() => db.remove());

  it('flags low usage per service × commune and per commune, naming the commune and its province', () => {
    const flags = flagsOf('low_usage');
    const cell = find(flags, 'A', C.BEN_THANH)!;
    expect(cell.province_code).toBe('79');
    // The median commune of 79 for A: 9.9, 41, 45 and 50% → 43%.
    expect(cell.metrics).toEqual({ rate_12m: 0.099, online_12m: 1188, total_12m: 12000, threshold: 0.1, peer_median_rate: 0.43, peers: 4 });
    expect(cell.paper_12m).toBe(10812);
    expect(cell.severity).toBeCloseTo(0.01, 4);
    expect(cell.explanation_en).toBe(
      'Service A in Phường Bến Thành (Thành phố Hồ Chí Minh): 9.9% online over the last 12 months (Nov 2025–Oct 2026), under the 10% threshold, while the median commune of Thành phố Hồ Chí Minh is 43%. 10,812 dossiers were still on paper.',
    );
    expect(cell.explanation_vi).toBe(
      'Dịch vụ A tại Phường Bến Thành (Thành phố Hồ Chí Minh): 9,9% hồ sơ nộp trực tuyến trong 12 tháng qua (11/2025–10/2026), dưới ngưỡng 10%, trong khi xã, phường ở mức trung vị của Thành phố Hồ Chí Minh đạt 43%. Vẫn còn 10.812 hồ sơ giấy.',
    );
    // All services in Bến Thành is A alone; its peers are the 8 communes of 79 with data.
    const commune = find(flags, null, C.BEN_THANH)!;
    expect(commune.metrics).toMatchObject({ rate_12m: 0.099, total_12m: 12000, peer_median_rate: 0.43, peers: 8 });
    expect(commune.explanation_en).toMatch(/^Phường Bến Thành \(Thành phố Hồ Chí Minh\), all services: 9\.9% online/);
    expect(commune.explanation_vi).toMatch(/^Phường Bến Thành \(Thành phố Hồ Chí Minh\), tất cả dịch vụ: 9,9% hồ sơ/);
    // 41% and 50% are not low; no flag speaks of a commune without rows.
    expect(find(flags, 'A', C.SAI_GON)).toBeUndefined();
    expect(flags.some((f) => f.locality_code === C.DAU_TIENG)).toBe(false);
  });

  it('compares a commune with the median commune of the same province, with the robust z', () => {
    const flags = flagsOf('peer_gap');
    // A in 79: deviations from 43% are 33.1, 2, 2 and 7 pp → MAD 4.5 pp; z = −33.1 / (1.4826 × 4.5) = −4.96.
    const a = find(flags, 'A', C.BEN_THANH)!;
    expect(a.metrics).toEqual({ rate_12m: 0.099, median: 0.43, mad: 0.045, gap_pp: -33.1, z: -4.96, peers: 4, total_12m: 12000 });
    expect(a.explanation_en).toBe(
      'Service A in Phường Bến Thành (Thành phố Hồ Chí Minh): 9.9% online over the last 12 months, 33.1 pp below the median commune of Thành phố Hồ Chí Minh (43%); robust z = -4.96 across 4 communes.',
    );
    expect(a.explanation_vi).toBe(
      'Dịch vụ A tại Phường Bến Thành (Thành phố Hồ Chí Minh): 9,9% trực tuyến trong 12 tháng qua, thấp hơn 33,1 điểm % so với xã, phường ở mức trung vị của Thành phố Hồ Chí Minh (43%); z = -4,96 trên 4 xã, phường.',
    );
    // Hà Nội's communes (0.5, 1, 1.5%) are not its peers: over all 7 communes the median would be 9.9%.
    // Among themselves none is 10 pp under their median of 1%.
    expect(flags.filter((f) => f.province_code === '01')).toEqual([]);
    expect(find(flagsOf('low_usage'), 'A', C.BA_DINH)!.metrics).toMatchObject({ peer_median_rate: 0.01, peers: 3 });
    // All services: 0, 9.9, 40, 41, 45, 48.75, 50, 50% in 79 → median 43%, MAD 6.375 pp.
    const whole = find(flags, null, C.PHU_LOI)!;
    expect(whole.metrics).toMatchObject({ rate_12m: 0, median: 0.43, gap_pp: -43, peers: 8 });
    expect(whole.metrics.z).toBeCloseTo(-0.43 / (1.4826 * 0.06375), 2);
    expect(find(flags, null, C.BEN_THANH)!.metrics).toMatchObject({ gap_pp: -33.1, z: -3.5 });
  });

  it('needs 3 communes with data in the province to speak of a median', () => {
    // U has one commune in 79: no peers, so no peer median in the text and no peer_gap.
    const u = find(flagsOf('low_usage'), 'U', C.PHU_LOI)!;
    expect(u.metrics).toMatchObject({ rate_12m: 0, peer_median_rate: null, peers: 0 });
    expect(u.explanation_en).toBe(
      'Service U in Phường Phú Lợi (Thành phố Hồ Chí Minh): 0% online over the last 12 months (Nov 2025–Oct 2026), under the 10% threshold. 2,400 dossiers were still on paper.',
    );
    expect(find(flagsOf('peer_gap'), 'U', C.PHU_LOI)).toBeUndefined();
  });

  it('flags a service online in a commune that received dossiers but none online', () => {
    const flag = find(flagsOf('unused_online'), 'U', C.PHU_LOI)!;
    expect(flag.metrics).toEqual({ online_3m: 0, total_3m: 600, online_12m: 0, total_12m: 2400, online_since: '2019-01' });
    expect(flag.explanation_en).toBe(
      'Service U in Phường Phú Lợi (Thành phố Hồ Chí Minh) has been offered online since Jan 2019, yet none of its 600 dossiers in the last 3 months (Aug 2026–Oct 2026) was submitted online.',
    );
    expect(flag.explanation_vi).toContain('Dịch vụ U tại Phường Phú Lợi (Thành phố Hồ Chí Minh) có dịch vụ trực tuyến từ 01/2019');
  });

  it('ranks the service × commune pairs of each province by paper, with their share of the province', () => {
    const flags = flagsOf('paper_backlog').filter((f) => f.province_code === '79');
    // Paper in 79: 10,812 + 7,200 + 7,080 + 6,600 + 6,150 + 6,000 + 2,400 + 1,000 = 47,242, 8 pairs: all flagged (floor 10).
    expect(flags.map((f) => [f.service_code, f.locality_code, f.metrics.rank])).toEqual([
      ['A', C.BEN_THANH, 1],
      ['S', C.BINH_DUONG, 2],
      ['A', C.SAI_GON, 3],
      ['A', C.TAN_DINH, 4],
      ['D', C.PHU_AN, 5],
      ['A', C.THU_DAU_MOT, 6],
      ['U', C.PHU_LOI, 7],
      ['L', C.CHANH_HIEP, 8],
    ]);
    expect(flags[0]!.metrics).toEqual({ rank: 1, ranked: 8, flagged: 8, paper_12m: 10812, total_12m: 12000, rate_12m: 0.099, share_of_province_paper: 0.2289 });
    expect(flags[1]!.severity).toBeCloseTo(7200 / 10812, 4);
    expect(flags[0]!.explanation_en).toBe(
      "Service A in Phường Bến Thành (Thành phố Hồ Chí Minh): 10,812 dossiers on paper over the last 12 months (Nov 2025–Oct 2026), rank 1 of 8 service–commune pairs in Thành phố Hồ Chí Minh and 22.9% of the province's paper dossiers; 9.9% were online.",
    );
    expect(flags[0]!.explanation_vi).toBe(
      'Dịch vụ A tại Phường Bến Thành (Thành phố Hồ Chí Minh): 10.812 hồ sơ giấy trong 12 tháng qua (11/2025–10/2026), đứng thứ 1/8 cặp dịch vụ – xã, phường của Thành phố Hồ Chí Minh, bằng 22,9% số hồ sơ giấy của cả tỉnh, thành phố; tỷ lệ trực tuyến 9,9%.',
    );
    // Hà Nội's communes are ranked among themselves: 11,940 of 35,640.
    expect(find(flagsOf('paper_backlog'), 'A', C.BA_DINH)!.metrics).toMatchObject({ rank: 1, ranked: 3, share_of_province_paper: 0.335 });
  });

  it('flags a stalled commune and a sudden drop in a commune, with its cause', () => {
    const stalled = find(flagsOf('stalled'), 'S', C.BINH_DUONG)!;
    expect(stalled.metrics).toEqual({ rate_last_6m: 0.4, rate_previous_6m: 0.4, change_pp: 0, total_last_6m: 6000, total_previous_6m: 6000 });
    expect(stalled.explanation_en).toBe(
      'Service S in Phường Bình Dương (Thành phố Hồ Chí Minh): 40% online in the last 6 months (May 2026–Oct 2026), not above the 40% of the 6 months before (Nov 2025–Apr 2026), while still under 90%.',
    );
    const drops = flagsOf('sudden_drop');
    const drop = find(drops, 'D', C.PHU_AN)!;
    expect(drop.metrics).toMatchObject({ month: '2026-10', rate: 0.3, previous_rate: 0.5, change_pp: -20, usual_pp: 1.48, online: 300, previous_online: 500, total: 1000, cause: 'outage' });
    expect(drop.explanation_en).toContain('Service D in Phường Phú An (Thành phố Hồ Chí Minh): the online rate fell from 50% in Sep 2026 to 30% in Oct 2026, down 20 pp');
    expect(drop.explanation_vi).toContain('Có vẻ là SỰ CỐ HỆ THỐNG');
    expect(find(drops, null, C.PHU_AN)!.metrics).toMatchObject({ change_pp: -20, cause: 'outage' });
  });

  it('flags late data for a commune that reported in the window and then stopped', () => {
    const late = flagsOf('late_data').filter((f) => f.province_code !== undefined);
    expect(late.map((f) => f.locality_code)).toEqual([C.CHANH_HIEP]);
    expect(late[0]).toMatchObject({ service_code: null, province_code: '79', paper_12m: 1000 });
    expect(late[0]!.metrics).toEqual({ last_reported: '2026-08', expected: '2026-10', months_late: 2, due_day: 10 });
    expect(late[0]!.explanation_en).toBe(
      'Phường Chánh Hiệp (Thành phố Hồ Chí Minh): the latest month reported is Aug 2026; Oct 2026 was due by 10 Nov 2026, so the data is 2 months late.',
    );
    expect(late[0]!.explanation_vi).toBe(
      'Phường Chánh Hiệp (Thành phố Hồ Chí Minh): tháng gần nhất đã báo cáo là 08/2026; số liệu tháng 10/2026 phải gửi trước ngày 10/11/2026, nên đang chậm 2 tháng.',
    );
    // The province itself is not late: its other communes sent October.
    expect(flagsOf('late_data').some((f) => f.locality_code === '79')).toBe(false);
    // With the due day still ahead, September is expected: one month late.
    expect(compute({ dueDay: 20 }).flags.find((f) => f.signal === 'late_data' && f.locality_code === C.CHANH_HIEP)!.metrics).toMatchObject({ months_late: 1 });
    // Once it sends October, it is on time.
    send(db.sqlite, [['2026-10', 'L', C.CHANH_HIEP, 100, 200]]);
    expect(flagsOf('late_data').some((f) => f.locality_code === C.CHANH_HIEP)).toBe(false);
  });

  it('judges a commune’s targets, and says when the commune has no data', () => {
    const stored = upsertTargets(
      db.sqlite,
      [
        { service_code: 'A', locality_code: C.BEN_THANH, due_month: '2027-10', target_rate: 0.3 },
        { service_code: null, locality_code: C.THU_DAU_MOT, due_month: '2027-10', target_rate: 0.5 },
        { service_code: null, locality_code: C.DAU_TIENG, due_month: '2027-10', target_rate: 0.5 },
      ],
      NOW,
    );
    expect(stored).toMatchObject({ status: 200, body: { targets: 3, created: 3, updated: 0 } });
    expect(listTargets(db.sqlite).map((t) => [t.locality_code, t.locality_name])).toContainEqual([C.BEN_THANH, 'Phường Bến Thành']);
    const flags = flagsOf('target');
    const a = find(flags, 'A', C.BEN_THANH)!;
    expect(a.province_code).toBe('79');
    expect(a.metrics).toMatchObject({ target_rate: 0.3, rate_12m: 0.099, progress: 0.33, projected_rate: 0.099, slope_pp_per_month: 0, status: 'off_track' });
    expect(a.explanation_en).toBe(
      'Target for Service A in Phường Bến Thành (Thành phố Hồ Chí Minh): 30% online by Oct 2027. Now 9.9% over the last 12 months (33% of the target). A linear fit on the last 12 monthly rates (+0 pp a month) projects 9.9% by Oct 2027: off track.',
    );
    expect(find(flags, null, C.THU_DAU_MOT)!.metrics).toMatchObject({ rate_12m: 0.5, projected_rate: 0.5, status: 'on_track' });
    const none = find(flags, null, C.DAU_TIENG)!;
    expect(none.metrics).toMatchObject({ rate_12m: null, status: 'no_data' });
    expect(none.explanation_en).toBe('Target for all services in Xã Dầu Tiếng (Thành phố Hồ Chí Minh): 50% online by Oct 2027. There are no data over the last 12 months to judge it.');
    expect(none.explanation_vi).toContain('Mục tiêu cho tất cả dịch vụ tại Xã Dầu Tiếng (Thành phố Hồ Chí Minh): 50%');
  });

  describe('the optional measures by commune', () => {
    beforeEach(() => {
      upsertServices(db.sqlite, [service('E'), service('F')]);
      // Columns: online, total, end_to_end_count, fee_count, paid_online_count ('' = not reported).
      const rows = (code: string, commune: string, counts: Array<number | ''>) => WINDOW.map((m) => [m, code, commune, ...counts]);
      const body = csv(
        [
          // E: Bến Thành 64% online, 12% end to end; Sài Gòn 64% online, no end-to-end count.
          ...rows('E', C.BEN_THANH, [640, 1000, 120, '', '']),
          ...rows('E', C.SAI_GON, [640, 1000, '', '', '']),
          // F: Tân Định 60% online, 100 of 500 fee-bearing dossiers paid online (20%).
          ...rows('F', C.TAN_DINH, [600, 1000, '', 500, 100]),
        ],
        'period,service_code,locality_code,online_count,total_count,end_to_end_count,fee_count,paid_online_count',
      );
      const outcome = ingestBody(db.sqlite, Buffer.from(body), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW });
      expect(outcome.status, JSON.stringify(outcome.body).slice(0, 300)).toBe(201);
    });

    it('flags online_for_show and payment_lag per service × commune, over the rows that reported the measure', () => {
      const show = flagsOf('online_for_show');
      const e = find(show, 'E', C.BEN_THANH)!;
      expect(e.province_code).toBe('79');
      expect(e.metrics).toMatchObject({ online_rate: 0.64, end_to_end_rate: 0.12, total_count: 12000, rows_reported: 12 });
      expect(e.explanation_en).toMatch(/^Service E in Phường Bến Thành \(Thành phố Hồ Chí Minh\): 64% of dossiers were submitted online but only 12% were handled end to end online/);
      // Sài Gòn reported no end-to-end count: not flagged. Nor is 79 as a whole: in every month one of its
      // communes left the measure out, and a month counts for a province only when all its rows reported it.
      expect(show.map((f) => f.locality_code)).toEqual([C.BEN_THANH]);
      const lag = flagsOf('payment_lag');
      const f = find(lag, 'F', C.TAN_DINH)!;
      expect(f.province_code).toBe('79');
      expect(f.metrics).toMatchObject({ online_rate: 0.6, paid_online_rate: 0.2, fee_count: 6000, paid_offline_count: 4800 });
      // 79 reported F in Tân Định alone: every row of its months has the payment counts, so 79 is judged on them too.
      expect(lag.map((x) => [x.service_code, x.locality_code]).sort()).toEqual([
        ['F', C.TAN_DINH],
        ['F', '79'],
      ]);
      expect(find(lag, 'F', '79')!.metrics).toMatchObject({ paid_online_rate: 0.2, fee_count: 6000 });
    });

    it('judges a commune’s end-to-end target on its end-to-end series', () => {
      upsertTargets(db.sqlite, [{ service_code: 'E', locality_code: C.BEN_THANH, due_month: '2027-10', target_rate: 0.3, indicator: 'end_to_end_rate' }], NOW);
      const flag = flagsOf('target').find((f) => f.metrics.indicator === 'end_to_end_rate')!;
      expect(flag).toMatchObject({ service_code: 'E', locality_code: C.BEN_THANH, province_code: '79', paper_12m: 4320 });
      expect(flag.metrics).toMatchObject({ rate_12m: 0.12, projected_rate: 0.12, status: 'off_track' });
      expect(flag.explanation_en).toMatch(/^Target for Service E in Phường Bến Thành \(Thành phố Hồ Chí Minh\): share of dossiers handled end-to-end online at 30% by Oct 2027\. Now 12%/);
    });
  });

  it('keeps province flags as they were: a province reporting by commune is judged on their sum', () => {
    const result = compute();
    // 01's A is its three communes: (5 + 10 + 15) × 12 / 36,000 = 1%.
    const hanoi = find(result.flags.filter((f) => f.signal === 'low_usage'), 'A', '01')!;
    expect(hanoi.province_code).toBeUndefined();
    expect(hanoi.metrics).toMatchObject({ rate_12m: 0.01, online_12m: 360, total_12m: 36000 });
    expect(hanoi.explanation_en).toMatch(/^Service A in Thành phố Hà Nội: 1% online/);
    expect(result.flags.filter((f) => f.locality_code?.length === 2 || f.locality_code === null).every((f) => f.province_code === undefined)).toBe(true);
    // Who reported by commune.
    expect(result.commune_data).toEqual({
      from: '2025-09',
      provinces: ['01', '79'],
      communes: [C.BA_DINH, C.NGOC_HA, C.HOAN_KIEM, C.THU_DAU_MOT, C.PHU_LOI, C.BINH_DUONG, C.PHU_AN, C.CHANH_HIEP, C.TAN_DINH, C.SAI_GON, C.BEN_THANH],
    });
  });

  it('keeps commune flags as numbers, in the order of sortFlags, and writes each when read', () => {
    const result = computeSignals(db.sqlite, { now: NOW });
    expect(result.flags.filter((f) => f.province_code !== undefined)).toEqual([]);
    const all = result.commune_flags.all();
    expect(all.length).toBe(result.commune_flags.count);
    expect(all).toEqual(sortFlags(all, 'paper'));
    expect(Array.from(result.commune_flags.bySeverity, (i) => result.commune_flags.flag(i))).toEqual(sortFlags(all, 'severity'));
    const inHanoi = result.commune_flags.select({ province: '01', signal: 'low_usage' }, 'paper');
    expect(Array.from(inHanoi, (i) => result.commune_flags.flag(i).locality_code)).toEqual([C.BA_DINH, C.BA_DINH, C.NGOC_HA, C.NGOC_HA, C.HOAN_KIEM, C.HOAN_KIEM]);
  });

  it('follows new commune rows', () => {
    expect(find(flagsOf('low_usage'), 'A', C.BEN_THANH)).toBeDefined();
    send(db.sqlite, flat('A', C.BEN_THANH, 420, 1000));
    expect(find(flagsOf('low_usage'), 'A', C.BEN_THANH)).toBeUndefined();
  });
});
