import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type TestApp, addServices, count, csv, testApp } from '../../helper.ts';

/**
 * Delegated administration over real HTTP (a listening server, fetch) on a real SQLite file:
 * every permission boundary — the national admin, a province's IT unit (79), a ministry (service
 * KS), a publisher, expired, rotated and revoked tokens — and after each refusal, that nothing
 * stored changed.
 */

const HCM_COMMUNE = '26740'; // Phường Sài Gòn, in 79
const HANOI_COMMUNE = '00004'; // Phường Ba Đình, in 01
const MERGED_INTO_HCM = '77'; // Bà Rịa - Vũng Tàu, merged into 79 on 2025-07-01

interface Answer {
  status: number;
  body: Record<string, unknown> & { message?: string; message_vi?: string; message_en?: string; error?: string };
}

let t: TestApp;
let base: string;

async function call(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' }),
      'user-agent': 'admins-test/1.0',
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

/** Everything an admin action could change, to compare before and after a refusal. */
function stored(): string {
  const all = (sql: string) => t.db.sqlite.prepare(sql).all();
  return JSON.stringify({
    admins: all('SELECT * FROM admins ORDER BY id'),
    adminLocalities: all('SELECT * FROM admin_localities ORDER BY 1, 2'),
    publishers: all('SELECT * FROM publishers ORDER BY id'),
    publisherLocalities: all('SELECT * FROM publisher_localities ORDER BY 1, 2'),
    publisherServices: all('SELECT * FROM publisher_services ORDER BY 1, 2'),
    services: all('SELECT * FROM services ORDER BY id'),
    targets: all('SELECT * FROM targets ORDER BY id'),
    sources: all('SELECT * FROM pull_sources ORDER BY id'),
    audit: all('SELECT * FROM audit_log ORDER BY id'),
  });
}

/** The request is refused with `status` (and `error`) and changes nothing at all. */
async function refused(status: number, error: string | null, method: string, path: string, token: string | null, body?: unknown): Promise<Answer> {
  const before = stored();
  const answer = await call(method, path, token, body);
  expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(status);
  if (error) expect(answer.body.error).toBe(error);
  expect(answer.body.message).toEqual(expect.any(String));
  expect(stored(), `${method} ${path} changed something`).toBe(before);
  return answer;
}

/** Each send its own service and month after the reform, so that no two sends meet as duplicates or double counts. */
let sends = 0;
const nextRow = (locality: string) => {
  sends++;
  const month = 8 + (sends % 12);
  return [`${month > 12 ? 2026 : 2025}-${String(((month - 1) % 12) + 1).padStart(2, '0')}`, `S${Math.floor(sends / 12)}`, locality, 1, 2];
};
const ingest = (token: string, locality = HCM_COMMUNE) => call('POST', '/api/v1/observations', token, csv([nextRow(locality)]));

async function createAdmin(body: object, token = ADMIN_TOKEN): Promise<{ id: number; token: string }> {
  const res = await call('POST', '/api/v1/admins', token, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as unknown as { id: number; token: string };
}

async function createPublisher(token: string, body: object): Promise<{ id: number; token: string }> {
  const res = await call('POST', '/api/v1/publishers', token, { name: 'Đơn vị', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as unknown as { id: number; token: string };
}

let hcm: { id: number; token: string };
let ministry: { id: number; token: string };
let hanoiPublisher: { id: number; token: string };

beforeAll(async () => {
  t = await testApp();
  addServices(t.db, 'KS', 'KH', 'S0', 'S1', 'S2');
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  hcm = await createAdmin({ name: 'Sở KH&CN TP. Hồ Chí Minh', localities: ['79'] });
  ministry = await createAdmin({ name: 'Bộ Tư pháp', localities: ['VN'], services: ['KS'] });
  hanoiPublisher = await createPublisher(ADMIN_TOKEN, { name: 'Sở KH&CN Hà Nội', localities: ['01'] });
}, 60_000);
afterAll(() => t.close());

describe('the national admin', () => {
  it('creates admins whose tokens are shown once and stored only as hashes', async () => {
    expect(hcm.token).toMatch(/^tda_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$/);
    const secret = hcm.token.slice(17);
    const everything = stored();
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(hcm.token);
    const list = await call('GET', '/api/v1/admins', ADMIN_TOKEN);
    expect(list.status).toBe(200);
    expect(list.body.admins).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: hcm.id, name: 'Sở KH&CN TP. Hồ Chí Minh', localities: ['79'], services: null, national: false, created_by: null, revoked_at: null }),
        expect.objectContaining({ id: ministry.id, localities: ['VN'], services: ['KS'], national: false }),
      ]),
    );
    expect(JSON.stringify(list.body)).not.toContain('tda_');
  });

  it('refuses hostile or malformed admin bodies with a 400 and stores nothing', async () => {
    await refused(400, 'bad_request', 'POST', '/api/v1/admins', ADMIN_TOKEN, { name: 'x', localities: '79' });
    await refused(400, 'bad_request', 'POST', '/api/v1/admins', ADMIN_TOKEN, { name: 'x', localities: [] });
    await refused(400, 'bad_request', 'POST', '/api/v1/admins', ADMIN_TOKEN, { name: 'x', localities: ['XX'] });
    await refused(400, 'bad_request', 'POST', '/api/v1/admins', ADMIN_TOKEN, { name: 'x', localities: ['79'], services: ['NOPE'] });
    await refused(400, 'bad_request', 'POST', '/api/v1/admins', ADMIN_TOKEN, { name: 'x', localities: ['79'], role: 'national' });
    await refused(400, 'bad_request', 'POST', '/api/v1/admins', ADMIN_TOKEN, { name: 'x', localities: ['79'], expires_at: 5 });
    for (const expires_at of ['tomorrow', '2027-02-30T00:00:00Z', '2027-06-30', '2027-06-30T12:00:00', '2020-01-01T00:00:00Z']) {
      const answer = await refused(400, 'bad_request', 'POST', '/api/v1/admins', ADMIN_TOKEN, { name: 'x', localities: ['79'], expires_at });
      expect(answer.body.message_en, expires_at).toContain('expires_at');
      expect(answer.body.message_vi, expires_at).toContain('expires_at');
    }
    await refused(400, 'bad_request', 'DELETE', '/api/v1/admins/abc', ADMIN_TOKEN);
    await refused(404, 'not_found', 'DELETE', '/api/v1/admins/9999', ADMIN_TOKEN);
  });

  it('makes a national admin of VN with every service, who may create admins and change the catalogue', async () => {
    const national = await createAdmin({ name: 'Cục Chuyển đổi số quốc gia', localities: ['VN'] });
    const made = await createAdmin({ name: 'Sở Đà Nẵng', localities: ['48'] }, national.token);
    const put = await call('PUT', '/api/v1/services/KT', national.token, { name_vi: 'Thủ tục', online_level: 'full' });
    expect(put.status).toBe(201);
    const list = (await call('GET', '/api/v1/admins', national.token)).body.admins as Array<{ id: number; created_by: number | null; national: boolean }>;
    expect(list.find((a) => a.id === national.id)?.national).toBe(true);
    expect(list.find((a) => a.id === made.id)?.created_by).toBe(national.id);
  });
});

describe("a province's admin (79)", () => {
  it('creates publishers for its province, a commune of it and an old province merged into it', async () => {
    for (const localities of [['79'], [HCM_COMMUNE], ['79', HCM_COMMUNE]]) {
      const p = await createPublisher(hcm.token, { localities });
      expect((await ingest(p.token, localities[0])).status).toBe(201);
    }
    // The old province's history, before it merged into 79.
    const old = await createPublisher(hcm.token, { localities: [MERGED_INTO_HCM] });
    expect((await call('POST', '/api/v1/observations', old.token, csv([['2024-05', 'KS', MERGED_INTO_HCM, 1, 2]]))).status).toBe(201);
  });

  it('cannot create a publisher wider than its scope: 403 naming its scope, in vi and en, and nothing stored', async () => {
    for (const localities of [['01'], ['VN'], ['79', '01'], [HANOI_COMMUNE]]) {
      const answer = await refused(403, 'outside_scope', 'POST', '/api/v1/publishers', hcm.token, { name: 'x', localities });
      expect(answer.body.message_en).toContain('79 (Thành phố Hồ Chí Minh)');
      expect(answer.body.message_vi).toContain('79 (Thành phố Hồ Chí Minh)');
      expect(answer.body.message_vi).toContain('phạm vi quản trị');
      expect(answer.body.message).toBe(answer.body.message_en);
    }
    const vi = await call('POST', '/api/v1/publishers', hcm.token, { name: 'x', localities: ['01'] }, { 'accept-language': 'vi-VN,vi;q=0.9,en;q=0.5' });
    expect(vi.status).toBe(403);
    expect(vi.body.message).toBe(vi.body.message_vi);
  });

  it('lists only the publishers within its scope', async () => {
    const answer = await call('GET', '/api/v1/publishers', hcm.token);
    expect(answer.status).toBe(200);
    const publishers = answer.body.publishers as Array<{ id: number; localities: string[] }>;
    expect(publishers.length).toBeGreaterThan(0);
    expect(publishers.map((p) => p.id)).not.toContain(hanoiPublisher.id);
    for (const p of publishers) expect(p.localities.every((code) => ['79', HCM_COMMUNE, MERGED_INTO_HCM].includes(code))).toBe(true);
    const all = (await call('GET', '/api/v1/publishers', ADMIN_TOKEN)).body.publishers as Array<{ id: number }>;
    expect(all.map((p) => p.id)).toContain(hanoiPublisher.id);
  });

  it("cannot revoke or rotate another province's publisher, which keeps working", async () => {
    await refused(403, 'outside_scope', 'DELETE', `/api/v1/publishers/${hanoiPublisher.id}`, hcm.token);
    await refused(403, 'outside_scope', 'POST', `/api/v1/publishers/${hanoiPublisher.id}/token`, hcm.token);
    expect((await ingest(hanoiPublisher.token, HANOI_COMMUNE)).status).toBe(201);
    await refused(404, 'not_found', 'DELETE', '/api/v1/publishers/9999', hcm.token);
    await refused(400, 'bad_request', 'POST', '/api/v1/publishers/x/token', hcm.token);
  });

  it("reads its publishers' batches only", async () => {
    const mine = new Set(((await call('GET', '/api/v1/publishers', hcm.token)).body.publishers as Array<{ id: number }>).map((p) => p.id));
    const batches = (await call('GET', '/api/v1/batches', hcm.token)).body.batches as Array<{ publisher_id: number }>;
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((b) => mine.has(b.publisher_id))).toBe(true);
    const all = (await call('GET', '/api/v1/batches', ADMIN_TOKEN)).body.batches as Array<{ publisher_id: number }>;
    expect(all.some((b) => b.publisher_id === hanoiPublisher.id)).toBe(true);
  });

  it('rotates its publisher: the old token stops at once, the new one works', async () => {
    const p = await createPublisher(hcm.token, { localities: ['79'] });
    const rotated = await call('POST', `/api/v1/publishers/${p.id}/token`, hcm.token);
    expect(rotated.status).toBe(201);
    const token = rotated.body.token as string;
    expect(token).toMatch(/^td_/);
    expect(token).not.toBe(p.token);
    const old = await ingest(p.token);
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('unauthorized');
    expect((await ingest(token)).status).toBe(201);
  });

  it('revokes its publisher: the token stops at once; a revoked publisher cannot be rotated', async () => {
    const p = await createPublisher(hcm.token, { localities: [HCM_COMMUNE] });
    expect((await call('DELETE', `/api/v1/publishers/${p.id}`, hcm.token)).status).toBe(204);
    expect((await ingest(p.token)).status).toBe(401);
    await refused(409, 'revoked', 'POST', `/api/v1/publishers/${p.id}/token`, hcm.token);
  });

  it('cannot create, list others or revoke admins, nor change the service catalogue', async () => {
    const answer = await refused(403, 'national_only', 'POST', '/api/v1/admins', hcm.token, { name: 'x', localities: [HCM_COMMUNE] });
    expect(answer.body.message_en).toContain('79 (Thành phố Hồ Chí Minh)');
    await refused(403, 'national_only', 'DELETE', `/api/v1/admins/${ministry.id}`, hcm.token);
    await refused(403, 'national_only', 'DELETE', `/api/v1/admins/${hcm.id}`, hcm.token);
    await refused(403, 'national_only', 'PUT', '/api/v1/services/KS', hcm.token, { name_vi: 'Đổi tên', online_level: 'partial' });
    await refused(403, 'national_only', 'POST', '/api/v1/services', hcm.token, 'code,name_vi,online_level\nKZ,x,full\n');
    const list = await call('GET', '/api/v1/admins', hcm.token);
    expect((list.body.admins as Array<{ id: number }>).map((a) => a.id)).toEqual([hcm.id]);
  });

  it('sets, lists and deletes targets in its province only', async () => {
    const national = await call('POST', '/api/v1/targets', ADMIN_TOKEN, { targets: [{ locality_code: '01', due_month: '2027-12', target_rate: 0.8 }] });
    expect(national.status).toBe(201);
    const own = await call('POST', '/api/v1/targets', hcm.token, { targets: [{ locality_code: HCM_COMMUNE, due_month: '2027-12', target_rate: 0.7 }, { service_code: 'KS', locality_code: '79', due_month: '2027-12', target_rate: 0.9 }] });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ targets: 2, created: 2, updated: 0 });
    const again = await call('POST', '/api/v1/targets', hcm.token, `service_code,locality_code,due_month,target_rate\n,${HCM_COMMUNE},2027-12,0.75\n`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: 0, updated: 1 });

    const mixed = await refused(403, 'outside_scope', 'POST', '/api/v1/targets', hcm.token, {
      targets: [
        { locality_code: '79', due_month: '2028-06', target_rate: 0.5 },
        { locality_code: '01', due_month: '2028-06', target_rate: 0.5 },
        { locality_code: 'VN', due_month: '2028-06', target_rate: 0.5 },
      ],
    });
    expect(mixed.body.error_count).toBe(2);
    expect((mixed.body.errors as Array<{ row: number; value: string }>).map((e) => [e.row, e.value])).toEqual([
      [2, '01'],
      [3, 'VN'],
    ]);

    const listed = (await call('GET', '/api/v1/targets', hcm.token)).body.targets as Array<{ id: number; locality_code: string }>;
    expect(listed.map((x) => x.locality_code).sort()).toEqual([HCM_COMMUNE, '79']);
    const hanoiTarget = ((await call('GET', '/api/v1/targets', ADMIN_TOKEN)).body.targets as Array<{ id: number; locality_code: string }>).find((x) => x.locality_code === '01')!;
    await refused(403, 'outside_scope', 'DELETE', `/api/v1/targets/${hanoiTarget.id}`, hcm.token);
    await refused(404, 'not_found', 'DELETE', '/api/v1/targets/99999', hcm.token);
    await refused(400, 'bad_request', 'DELETE', '/api/v1/targets/abc', hcm.token);
    expect((await call('DELETE', `/api/v1/targets/${listed[0]!.id}`, hcm.token)).status).toBe(204);
    await refused(404, 'not_found', 'DELETE', `/api/v1/targets/${listed[0]!.id}`, hcm.token);
  });

  it('manages pull sources of its publishers only; drop folders stay national', async () => {
    const p = await createPublisher(hcm.token, { localities: ['79'] });
    const own = await call('PUT', '/api/v1/sources/hcm-monthly', hcm.token, { url: 'https://data.hochiminhcity.gov.vn/dvc.csv', publisher_id: p.id });
    expect(own.status).toBe(201);
    await refused(403, 'outside_scope', 'PUT', '/api/v1/sources/hn-monthly', hcm.token, { url: 'https://example.org/hn.csv', publisher_id: hanoiPublisher.id });
    await refused(403, 'national_only', 'PUT', '/api/v1/sources/hcm-folder', hcm.token, { folder: '/etc', publisher_id: p.id });
    const national = await call('PUT', '/api/v1/sources/hn-monthly', ADMIN_TOKEN, { url: 'https://example.org/hn.csv', publisher_id: hanoiPublisher.id });
    expect(national.status).toBe(201);
    // Taking over another scope's source by its name is refused too.
    await refused(403, 'outside_scope', 'PUT', '/api/v1/sources/hn-monthly', hcm.token, { url: 'https://example.org/x.csv', publisher_id: p.id });
    await refused(403, 'outside_scope', 'DELETE', '/api/v1/sources/hn-monthly', hcm.token);
    await refused(403, 'outside_scope', 'GET', '/api/v1/sources/hn-monthly', hcm.token);
    const names = ((await call('GET', '/api/v1/sources', hcm.token)).body.sources as Array<{ name: string }>).map((s) => s.name);
    expect(names).toEqual(['hcm-monthly']);
    expect((await call('DELETE', '/api/v1/sources/hcm-monthly', hcm.token)).status).toBe(204);
  });
});

describe("a ministry's admin (service KS, every locality)", () => {
  it('creates publishers for its services only', async () => {
    await createPublisher(ministry.token, { localities: ['01', '79'], services: ['KS'] });
    await refused(403, 'outside_scope', 'POST', '/api/v1/publishers', ministry.token, { name: 'x', localities: ['01'] });
    await refused(403, 'outside_scope', 'POST', '/api/v1/publishers', ministry.token, { name: 'x', localities: ['01'], services: ['KS', 'KH'] });
    const list = (await call('GET', '/api/v1/publishers', ministry.token)).body.publishers as Array<{ services: string[] | null }>;
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((p) => JSON.stringify(p.services) === '["KS"]')).toBe(true);
  });

  it('sets targets for its services, not for all services or another', async () => {
    expect((await call('POST', '/api/v1/targets', ministry.token, { targets: [{ service_code: 'KS', locality_code: '01', due_month: '2027-12', target_rate: 0.6 }] })).status).toBe(201);
    await refused(403, 'outside_scope', 'POST', '/api/v1/targets', ministry.token, { targets: [{ locality_code: '01', due_month: '2029-12', target_rate: 0.6 }] });
    await refused(403, 'outside_scope', 'POST', '/api/v1/targets', ministry.token, { targets: [{ service_code: 'KH', locality_code: '01', due_month: '2029-12', target_rate: 0.6 }] });
  });

  it('is not national: it creates no admins and leaves the catalogue alone', async () => {
    await refused(403, 'national_only', 'POST', '/api/v1/admins', ministry.token, { name: 'x', localities: ['01'], services: ['KS'] });
    await refused(403, 'national_only', 'PUT', '/api/v1/services/KS', ministry.token, { name_vi: 'x', online_level: 'full' });
  });
});

describe('tokens', () => {
  it('refuses a publisher token at every admin endpoint (401), changing nothing', async () => {
    for (const [method, path, body] of [
      ['POST', '/api/v1/admins', { name: 'x', localities: ['VN'] }],
      ['GET', '/api/v1/admins', undefined],
      ['POST', '/api/v1/publishers', { name: 'x', localities: ['01'] }],
      ['GET', '/api/v1/publishers', undefined],
      ['POST', `/api/v1/publishers/${hanoiPublisher.id}/token`, undefined],
      ['GET', '/api/v1/audit', undefined],
      ['DELETE', '/api/v1/targets/1', undefined],
    ] as const) {
      await refused(401, 'unauthorized', method, path, hanoiPublisher.token, body);
    }
  });

  it('refuses an expired publisher or admin token with 401 saying it expired', async () => {
    const p = await createPublisher(hcm.token, { localities: ['79'], expires_at: '2099-01-01T00:00:00+07:00' });
    const a = await createAdmin({ name: 'Tạm thời', localities: ['79'], expires_at: '2099-01-01T00:00:00Z' });
    expect(t.db.sqlite.prepare('SELECT expires_at FROM publishers WHERE id = ?').pluck().get(p.id)).toBe('2098-12-31T17:00:00.000Z');
    expect((await ingest(p.token)).status).toBe(201);
    expect((await call('GET', '/api/v1/publishers', a.token)).status).toBe(200);

    // Time passes.
    t.db.sqlite.prepare("UPDATE publishers SET expires_at = '2026-01-01T00:00:00.000Z' WHERE id = ?").run(p.id);
    t.db.sqlite.prepare("UPDATE admins SET expires_at = '2026-01-01T00:00:00.000Z' WHERE id = ?").run(a.id);
    const before = count(t.db, 'observations');
    const expiredPublisher = await ingest(p.token);
    expect(expiredPublisher.status).toBe(401);
    expect(expiredPublisher.body).toMatchObject({ error: 'token_expired', message: expect.stringContaining('expired') });
    expect(expiredPublisher.body.message_vi).toContain('hết hạn');
    expect(count(t.db, 'observations')).toBe(before);
    const expiredAdmin = await refused(401, 'token_expired', 'POST', '/api/v1/publishers', a.token, { name: 'x', localities: ['79'] });
    expect(expiredAdmin.body.message).toContain('expired');
    await refused(401, 'token_expired', 'GET', '/api/v1/publishers', a.token);

    // Its admin renews it: a new token with a new expiry; a malformed or past one changes nothing.
    await refused(400, 'bad_request', 'POST', `/api/v1/publishers/${p.id}/token`, hcm.token, { expires_at: '2020-01-01T00:00:00Z' });
    await refused(400, 'bad_request', 'POST', `/api/v1/publishers/${p.id}/token`, hcm.token, { expires_at: 'next year' });
    await refused(400, 'bad_request', 'POST', `/api/v1/publishers/${p.id}/token`, hcm.token, { expires_at: '2099-01-01T00:00:00Z', scope: 'VN' });
    const renewed = await call('POST', `/api/v1/publishers/${p.id}/token`, hcm.token, { expires_at: '2099-01-01T00:00:00Z' });
    expect(renewed.status).toBe(201);
    expect((await ingest(renewed.body.token as string)).status).toBe(201);
    expect((await ingest(p.token)).status).toBe(401);
  });

  it('stops a revoked admin at once; the publishers it made keep working', async () => {
    const a = await createAdmin({ name: 'Sở Cần Thơ', localities: ['92'] });
    const p = await createPublisher(a.token, { localities: ['92'] });
    expect((await call('DELETE', `/api/v1/admins/${a.id}`, ADMIN_TOKEN)).status).toBe(204);
    await refused(401, 'unauthorized', 'GET', '/api/v1/publishers', a.token);
    await refused(401, 'unauthorized', 'POST', '/api/v1/publishers', a.token, { name: 'x', localities: ['92'] });
    const listed = ((await call('GET', '/api/v1/admins', ADMIN_TOKEN)).body.admins as Array<{ id: number; revoked_at: string | null }>).find((x) => x.id === a.id);
    expect(listed?.revoked_at).toEqual(expect.any(String));
    expect((await call('POST', '/api/v1/observations', p.token, csv([nextRow('92')]))).status).toBe(201);
  });

  it('refuses forged admin tokens', async () => {
    const secret = hcm.token.slice(17);
    for (const forged of [`tda_${'A'.repeat(12)}_${secret}`, `${hcm.token.slice(0, -1)}${hcm.token.endsWith('A') ? 'B' : 'A'}`, hcm.token.replace('tda_', 'td_'), `${hcm.token}A`]) {
      await refused(401, 'unauthorized', 'GET', '/api/v1/publishers', forged);
    }
  });
});
