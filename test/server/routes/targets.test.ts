import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UNRESTRICTED, ingestBody } from '../../../db/ingest/ingest.ts';
import { monthRange } from '../../../db/months.ts';
import type { Flag } from '../../../db/watch/signals.ts';
import { type TestApp, addServices, adminHeaders, count, csv, testApp } from '../../helper.ts';

const NOW = new Date('2026-11-15T00:00:00Z');
const WINDOW = monthRange('2025-11', '2026-10');

interface RowError {
  row: number;
  column: string | null;
  value: string | null;
  message: string;
  message_vi: string;
  message_en: string;
}

/** Targets on an indicator: POST /api/v1/targets takes one, GET lists it, the flags judge it on its series. */
describe('targets on any indicator (admin)', () => {
  let t: TestApp;

  const post = (payload: string | object, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/targets',
      payload,
      headers: { ...adminHeaders(), ...headers, 'content-type': typeof payload === 'string' ? 'text/csv' : 'application/json' },
    });
  const list = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/targets', headers: adminHeaders() })).json().targets as Array<Record<string, unknown>>;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    t = await testApp();
    addServices(t.db, 'A');
    // A in 01: 60% online, end to end 20% in 2025-11 rising 1 pp a month to 31% (25.5% over 12 months).
    const rows = WINDOW.map((m, k) => [m, 'A', '01', 600, 1000, 200 + 10 * k]);
    const outcome = ingestBody(t.db.sqlite, Buffer.from(csv(rows, 'period,service_code,locality_code,online_count,total_count,end_to_end_count')), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW });
    expect(outcome.status).toBe(201);
  });
  afterEach(async () => {
    await t.close();
    vi.useRealTimers();
  });

  it('stores the national 80% end-to-end target from JSON and CSV, lists it, and judges it on the end-to-end series', async () => {
    const json = await post({ targets: [{ locality_code: 'VN', due_month: '2027-10', target_rate: 0.8, indicator: 'end_to_end_rate' }] });
    expect(json.statusCode, json.body).toBe(201);
    // The same locality and month on the online rate is another target; an empty indicator cell is online_rate.
    const csvBody = await post('service_code,locality_code,due_month,target_rate,indicator\n,VN,2027-10,0.8,\nA,01,2027-10,0.5,online_payment_rate\n');
    expect(csvBody.statusCode, csvBody.body).toBe(201);
    expect(csvBody.json()).toEqual({ targets: 2, created: 2, updated: 0, demo: false });
    expect((await list()).map((x) => [x.service_code, x.locality_code, x.target_rate, x.indicator])).toEqual([
      ['A', '01', 0.5, 'online_payment_rate'],
      [null, 'VN', 0.8, 'online_rate'],
      [null, 'VN', 0.8, 'end_to_end_rate'],
    ]);

    const flags = (await t.app.inject({ method: 'GET', url: '/api/v1/flags?signal=target&locality=VN' })).json().flags as Flag[];
    const e2e = flags.find((f) => f.metrics.indicator === 'end_to_end_rate')!;
    expect(e2e.metrics).toMatchObject({ target_rate: 0.8, rate_12m: 0.255, projected_rate: 0.43, slope_pp_per_month: 1, status: 'off_track' });
    expect(e2e.explanation_en).toContain('Target for all services nationwide: share of dossiers handled end-to-end online at 80% by Oct 2027. Now 25.5%');
    expect(e2e.explanation_vi).toContain('tỷ lệ hồ sơ xử lý toàn trình trực tuyến đạt 80% vào 10/2027. Hiện đạt 25,5%');
    expect(flags.find((f) => f.metrics.indicator === 'online_rate')!.metrics).toMatchObject({ rate_12m: 0.6, status: 'off_track' });
    // A in 01 reported no payment counts: its online-payment target has no data, not a 0%.
    const payment = (await t.app.inject({ method: 'GET', url: '/api/v1/flags?signal=target&locality=01' })).json().flags as Flag[];
    expect(payment.map((f) => [f.metrics.indicator, f.metrics.status, f.metrics.rate_12m])).toEqual([['online_payment_rate', 'no_data', null]]);
  });

  it.each([
    ['vi', { 'accept-language': 'vi' }],
    ['en', { 'accept-language': 'en' }],
  ] as const)('refuses an unknown indicator with a 422 in both languages, the message in %s, and stores nothing', async (lang, headers) => {
    for (const res of [
      await post({ targets: [{ locality_code: 'VN', due_month: '2027-10', target_rate: 0.8, indicator: 'toan_trinh' }] }, headers),
      await post('service_code,locality_code,due_month,target_rate,indicator\n,VN,2027-10,0.8,toan_trinh\n', headers),
    ]) {
      expect(res.statusCode, res.body).toBe(422);
      const body = res.json() as { error: string; errors: RowError[] };
      expect(body.error).toBe('invalid_rows');
      expect(body.errors).toHaveLength(1);
      const error = body.errors[0]!;
      expect(error).toMatchObject({ column: 'indicator', value: 'toan_trinh' });
      expect(error.message_vi).toContain('không có chỉ số «toan_trinh»');
      expect(error.message_vi).toContain('end_to_end_rate');
      expect(error.message_en).toContain('unknown indicator "toan_trinh"; one of online_service_share, services_with_online_dossiers, online_rate, payment_integration, online_payment_rate, end_to_end_rate');
      expect(error.message).toBe(lang === 'vi' ? error.message_vi : error.message_en);
    }
    expect(count(t.db, 'targets')).toBe(0);
  });

  it('refuses a number given as the indicator the same way', async () => {
    const res = await post({ targets: [{ locality_code: 'VN', due_month: '2027-10', target_rate: 0.8, indicator: 3 }] });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().errors.map((e: RowError) => [e.row, e.column])).toEqual([[1, 'indicator']]);
    expect(count(t.db, 'targets')).toBe(0);
  });
});
