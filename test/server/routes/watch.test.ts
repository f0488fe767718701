import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UNRESTRICTED, ingestBody } from '../../../db/ingest/ingest.ts';
import { type Month, monthRange } from '../../../db/months.ts';
import { createPublisher } from '../../../db/publishers.ts';
import { recordPull, upsertSource } from '../../../db/pull-sources.ts';
import { upsertServices } from '../../../db/services.ts';
import { type Flag, computeSignals } from '../../../db/watch/signals.ts';
import { flagsTable } from '../../../jobs/site/flags.ts';
import { type TestApp, adminHeaders, count, csv, service, testApp } from '../../helper.ts';

const NOW = new Date('2026-11-15T00:00:00Z');
const WINDOW = monthRange('2025-11', '2026-10');
const TARGETS_CSV = 'service_code,locality_code,due_month,target_rate';

interface FlagsAnswer {
  window: { from: Month; to: Month };
  threshold: number;
  count: number;
  limit: number;
  offset: number;
  flags: Flag[];
  online_service_share: Array<{ locality_code: string; share: number | null }>;
  demo: boolean;
}

describe('watch list API', () => {
  let t: TestApp;

  const send = (rows: Array<[Month, string, string, number, number]>) => {
    const outcome = ingestBody(t.db.sqlite, Buffer.from(csv(rows)), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW });
    expect(outcome.status, JSON.stringify(outcome.body).slice(0, 300)).toBe(201);
  };
  const flat = (code: string, locality: string, online: number, total: number) => WINDOW.map((m) => [m, code, locality, online, total] as [Month, string, string, number, number]);
  const get = async (query = '') => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/flags${query}` });
    return { status: res.statusCode, body: res.json() as FlagsAnswer & { error?: string; message?: string } };
  };

  beforeEach(async () => {
    // The server reads the clock for "today": pin it to the day the data were made for.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    t = await testApp();
    upsertServices(t.db.sqlite, [service('A', { online_since: '2019-01' }), service('B', { online_since: '2019-01' })]);
    send([
      // A: 9.9% in 01 (10,812 on paper), 41%, 45%, 50% elsewhere. B: 30% in 01, 60% in 04.
      ...flat('A', '01', 99, 1000),
      ...flat('A', '04', 410, 1000),
      ...flat('A', '08', 450, 1000),
      ...flat('A', '11', 500, 1000),
      ...flat('B', '01', 600, 2000),
      ...flat('B', '04', 600, 1000),
    ]);
  });
  afterEach(async () => {
    await t.close();
    vi.useRealTimers();
  });

  describe('GET /api/v1/flags', () => {
    it('answers the whole watch list, most paper first, with the online-service share', async () => {
      const { status, body } = await get();
      expect(status).toBe(200);
      expect(body).toMatchObject({ window: { from: '2025-11', to: '2026-10' }, threshold: 0.1, limit: 100, offset: 0, demo: false });
      const expected = computeSignals(t.db.sqlite, { now: NOW });
      expect(body.count).toBe(expected.flags.length);
      expect(body.flags).toEqual(expected.flags.slice(0, 100));
      for (let i = 1; i < body.flags.length; i++) expect(body.flags[i - 1]!.paper_12m).toBeGreaterThanOrEqual(body.flags[i]!.paper_12m);
      expect(body.online_service_share).toHaveLength(35);
      expect(body.online_service_share[0]).toEqual({ locality_code: 'VN', locality_name: 'Việt Nam', online_services: 2, with_online_dossiers: 2, with_any_dossiers: 2, share: 1 });
    });

    it('filters by signal, locality and service', async () => {
      const low = (await get('?signal=low_usage')).body;
      expect(low.flags.every((f) => f.signal === 'low_usage')).toBe(true);
      const a01 = low.flags.find((f) => f.service_code === 'A' && f.locality_code === '01')!;
      expect(a01.metrics).toMatchObject({ rate_12m: 0.099, total_12m: 12000, peer_median_rate: 0.43, peers: 4 });
      expect(a01.paper_12m).toBe(10812);
      expect(a01.explanation_en).toContain('9.9% online over the last 12 months');
      expect(a01.explanation_en).toContain('the median province is 43%. 10,812 dossiers were still on paper.');
      expect(a01.explanation_vi).toContain('9,9% hồ sơ nộp trực tuyến');
      expect(a01.explanation_vi).toContain('10.812 hồ sơ giấy');

      const inHanoi = (await get('?locality=01')).body;
      expect(inHanoi.count).toBeGreaterThan(0);
      expect(inHanoi.flags.every((f) => f.locality_code === '01')).toBe(true);
      expect(inHanoi.online_service_share).toEqual([
        { locality_code: '01', locality_name: 'Thành phố Hà Nội', online_services: 2, with_online_dossiers: 2, with_any_dossiers: 2, share: 1 },
      ]);

      const ofA = (await get('?service=A&signal=peer_gap')).body;
      // A's rates 9.9, 41, 45, 50%: median 43%; deviations 33.1, 2, 2, 7 pp → MAD 4.5 pp; z = −33.1 / (1.4826 × 4.5) = −4.96.
      expect(ofA.flags.map((f) => [f.service_code, f.locality_code, f.metrics.gap_pp, f.metrics.z, f.metrics.mad])).toEqual([['A', '01', -33.1, -4.96, 0.045]]);

      const country = (await get('?locality=VN')).body;
      expect(country.flags.every((f) => f.locality_code === 'VN')).toBe(true);
    });

    it('pages with limit and offset, and sorts by severity on request', async () => {
      const all = (await get('?limit=5000')).body;
      const page = (await get('?limit=2&offset=1')).body;
      expect(page).toMatchObject({ count: all.count, limit: 2, offset: 1 });
      expect(page.flags).toEqual(all.flags.slice(1, 3));
      const bySeverity = (await get('?sort=severity&limit=5000')).body.flags;
      expect(bySeverity).toHaveLength(all.count);
      for (let i = 1; i < bySeverity.length; i++) expect(bySeverity[i - 1]!.severity).toBeGreaterThanOrEqual(bySeverity[i]!.severity);
    });

    it('takes another low-usage threshold', async () => {
      const { body } = await get('?signal=low_usage&threshold=0.35');
      expect(body.threshold).toBe(0.35);
      // B in 01: 30% is under 35% now.
      expect(body.flags.find((f) => f.service_code === 'B' && f.locality_code === '01')!.metrics).toMatchObject({ rate_12m: 0.3, threshold: 0.35 });
    });

    it('answers 404 to unknown codes and 400 to malformed parameters', async () => {
      expect(await get('?locality=XX')).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect(await get('?service=NOPE')).toMatchObject({ status: 404, body: { error: 'not_found' } });
      for (const query of ['?signal=slow', '?limit=0', '?offset=-1', '?threshold=2', '?sort=name']) {
        expect((await get(query)).status, query).toBe(400);
      }
    });

    it('gives the flags within a unit: VN holds every flag, a province its own', async () => {
      const all = (await get('?limit=5000')).body;
      expect((await get('?within=VN&limit=5000')).body.count).toBe(all.count);
      const own = (await get('?locality=01&limit=5000')).body;
      expect(own.count).toBeGreaterThan(0);
      const within = (await get('?within=01&limit=5000')).body;
      expect(within.flags).toEqual(own.flags);
      expect(within.online_service_share.map((s) => s.locality_code)).toEqual(['01']);
      expect((await get('?within=XX')).status).toBe(404);
    });

    it('lists the allowed values of a signal it does not know', async () => {
      const { status, body } = await get('?signal=bogus');
      expect(status).toBe(400);
      expect(body.message).toContain('allowed values: low_usage, unused_online, paper_backlog, peer_gap, stalled, sudden_drop, late_data, target');
    });

    it('lists the signals of the optional measures with the others, filtered by signal', async () => {
      // B in 04: 60% online, 10% end to end, 100 of 500 fee-bearing dossiers paid online.
      const rows = WINDOW.map((m) => [m, 'B', '04', 600, 1000, 100, 500, 100]);
      const body = csv(rows, 'period,service_code,locality_code,online_count,total_count,end_to_end_count,fee_count,paid_online_count');
      expect(ingestBody(t.db.sqlite, Buffer.from(body), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: NOW }).status).toBe(201);
      const show = (await get('?signal=online_for_show')).body;
      expect(show.flags.map((f) => [f.service_code, f.locality_code, f.metrics.end_to_end_rate])).toEqual([['B', '04', 0.1]]);
      const lag = (await get('?signal=payment_lag&locality=04')).body;
      expect(lag.flags.map((f) => [f.service_code, f.metrics.paid_online_rate])).toEqual([['B', 0.2]]);
      const all = (await get('?limit=5000')).body.flags;
      expect(all.filter((f) => f.signal === 'online_for_show' || f.signal === 'payment_lag')).toHaveLength(2);
    });

    it('writes the English explanation with the English service name', async () => {
      const flag = (await get('?signal=low_usage&service=A&locality=01')).body.flags[0]!;
      expect(flag.explanation_en).toContain('Service A in ');
      expect(flag.explanation_en).not.toContain('Dịch vụ A');
      expect(flag.explanation_vi).toContain('Dịch vụ A tại ');
    });

    it('drops a late_data flag as soon as its pull source recovers, though no count changed', async () => {
      const publisher = createPublisher(t.db.sqlite, { name: 'Sở Hà Nội', localities: ['01'] });
      if (!publisher.ok) throw new Error(publisher.message);
      upsertSource(t.db.sqlite, { name: 'hanoi', kind: 'url', location: 'http://example.test/a.csv', format: null, publisherId: publisher.id, schedule: '0 0 1 1 *', timeoutMs: 1000, retries: 0, enabled: true });
      const late = async () => (await get('?signal=late_data')).body.flags.filter((f) => f.metrics.source === 'hanoi');
      recordPull(t.db.sqlite, 'hanoi', { at: NOW.toISOString(), outcome: 'failed', error: 'HTTP 503', batchId: null });
      expect(await late()).toHaveLength(1);
      recordPull(t.db.sqlite, 'hanoi', { at: NOW.toISOString(), outcome: 'unchanged', error: null, batchId: null });
      expect(await late()).toHaveLength(0);
    });

    it('follows new data', async () => {
      expect((await get('?signal=low_usage&service=A&locality=01')).body.count).toBe(1);
      send(flat('A', '01', 420, 1000));
      expect((await get('?signal=low_usage&service=A&locality=01')).body.count).toBe(0);
    });

    it('gives open-data rows for /data/flags.csv', () => {
      const table = flagsTable(computeSignals(t.db.sqlite, { now: NOW }));
      expect(table.fields.map((f) => f.name)).toEqual(['signal', 'service_code', 'locality_code', 'severity', 'paper_12m', 'metrics', 'explanation_vi', 'explanation_en']);
      const rows = [...table.rows()];
      const a01 = rows.find((r) => r[0] === 'low_usage' && r[1] === 'A' && r[2] === '01')!;
      expect(a01[4]).toBe(10812);
      expect(JSON.parse(a01[5] as string)).toMatchObject({ rate_12m: 0.099 });
      expect(a01[7]).toContain('9.9%');
    });
  });

  describe('targets (admin)', () => {
    const post = (payload: string | object, contentType = 'application/json', headers = adminHeaders()) =>
      t.app.inject({ method: 'POST', url: '/api/v1/targets', payload, headers: { ...headers, 'content-type': contentType } });

    it('needs the admin token', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/targets' })).statusCode).toBe(401);
      const { headers } = await t.publisher(['01']);
      expect((await post({ targets: [] }, 'application/json', headers)).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/targets', headers: adminHeaders() })).json()).toEqual({ count: 0, targets: [], demo: false });
    });

    it('stores JSON targets, replaces them by service, locality and due month, and judges them in the flags', async () => {
      const created = await post({ targets: [{ service_code: 'A', locality_code: '01', due_month: '2027-10', target_rate: 0.5 }, { locality_code: 'VN', due_month: '2027-10', target_rate: 0.6 }] });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toEqual({ targets: 2, created: 2, updated: 0, demo: false });
      const replaced = await post({ targets: [{ service_code: 'A', locality_code: '01', due_month: '2027-10', target_rate: 0.3 }] });
      expect(replaced.statusCode).toBe(200);
      expect(replaced.json()).toEqual({ targets: 1, created: 0, updated: 1, demo: false });

      const list = (await t.app.inject({ method: 'GET', url: '/api/v1/targets', headers: adminHeaders() })).json();
      expect(list.targets.map((x: { service_code: string | null; locality_code: string; target_rate: number }) => [x.service_code, x.locality_code, x.target_rate])).toEqual([
        ['A', '01', 0.3],
        [null, 'VN', 0.6],
      ]);

      const flags = (await get('?signal=target')).body.flags;
      expect(flags).toHaveLength(2);
      // A in 01 is a flat 9.9%: the line stays at 9.9%, far under 30%.
      const a01 = flags.find((f) => f.service_code === 'A')!;
      expect(a01.metrics).toMatchObject({ target_rate: 0.3, rate_12m: 0.099, progress: 0.33, projected_rate: 0.099, slope_pp_per_month: 0, status: 'off_track', method: 'linear fit on the last 12 monthly rates' });
      expect(a01.explanation_en).toContain('Target for Service A in Thành phố Hà Nội: 30% online by Oct 2027. Now 9.9% over the last 12 months (33% of the target).');
      expect(a01.explanation_vi).toContain('Hiện đạt 9,9% trong 12 tháng qua (33% mục tiêu)');
    });

    it('refuses invalid rows with 422 and stores nothing', async () => {
      const res = await post({
        targets: [
          { service_code: 'A', locality_code: '01', due_month: '2027-10', target_rate: 0.5 },
          { service_code: 'NOPE', locality_code: '01', due_month: '2027-10', target_rate: 0.5 },
          { service_code: 'A', locality_code: '01', due_month: '2027-10', target_rate: 1.5 },
        ],
      });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        error: 'invalid_rows',
        error_count: 2,
        errors: [
          { row: 2, column: 'service_code', value: 'NOPE' },
          { row: 3, column: 'target_rate', value: '1.5' },
        ],
      });
      expect(count(t.db, 'targets')).toBe(0);
    });

    it('refuses a malformed JSON body with 400', async () => {
      expect((await post({ targets: [{ service_code: 'A', due_month: '2027-10', target_rate: 0.5 }] })).statusCode).toBe(400);
      expect((await post({ targets: [{ locality_code: '01', due_month: '2027-10', target_rate: 0.5, note: 'x' }] })).statusCode).toBe(400);
      expect((await post({ goals: [] })).statusCode).toBe(400);
      expect(count(t.db, 'targets')).toBe(0);
    });

    it('imports CSV, all or nothing, with CSV line numbers in errors', async () => {
      const bad = await post([TARGETS_CSV, 'A,01,2027-10,0.5', 'A,79,2027-10,half', ',XX,2027-10,0.5'].join('\n'), 'text/csv');
      expect(bad.statusCode).toBe(422);
      expect(bad.json().errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
        [3, 'target_rate'],
        [4, 'locality_code'],
      ]);
      expect(count(t.db, 'targets')).toBe(0);
      const good = await post([TARGETS_CSV, 'A,01,2027-10,0.5', ',79,2027-12,0.8'].join('\r\n') + '\r\n', 'text/csv');
      expect(good.statusCode).toBe(201);
      expect(good.json()).toEqual({ targets: 2, created: 2, updated: 0, demo: false });
      expect((await post('service_code,locality,due_month,target_rate\nA,01,2027-10,0.5\n', 'text/csv')).statusCode).toBe(400);
    });

    it('answers 415 to other content types', async () => {
      expect((await post('A,01,2027-10,0.5', 'text/plain')).statusCode).toBe(415);
    });
  });
});
