import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type TestApp, addServices, testApp } from '../../helper.ts';

/**
 * The audit of admin actions over real HTTP: who, what, on what, when and from where, each admin
 * reading its own scope's entries; no token ever stored; a refused request leaves no entry.
 */

interface Entry {
  id: number;
  at: string;
  actor_type: string;
  actor_id: number | null;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: string;
  detail: Record<string, unknown>;
  remote_addr: string | null;
  user_agent: string | null;
}

let t: TestApp;
let base: string;
const tokens: string[] = [];

async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'user-agent': 'Mozilla/5.0 (audit test)',
      ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : {};
  if (typeof parsed.token === 'string') tokens.push(parsed.token);
  return { status: res.status, body: parsed };
}

const audit = async (token: string, query = '') => {
  const res = await call('GET', `/api/v1/audit${query}`, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { count: number; entries: Entry[] };
};

let hcm: { id: number; token: string };
let hanoi: { id: number; token: string };
let hcmPublisher: number;
let hanoiPublisher: number;
const started = new Date().toISOString();

beforeAll(async () => {
  t = await testApp();
  addServices(t.db, 'KS');
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  tokens.push(ADMIN_TOKEN);
  hcm = (await call('POST', '/api/v1/admins', ADMIN_TOKEN, { name: 'Sở KH&CN TP. Hồ Chí Minh', localities: ['79'] })).body;
  hanoi = (await call('POST', '/api/v1/admins', ADMIN_TOKEN, { name: 'Sở KH&CN Hà Nội', localities: ['01'] })).body;
  hcmPublisher = (await call('POST', '/api/v1/publishers', hcm.token, { name: 'Phường Sài Gòn', localities: ['26740'] })).body.id;
  hanoiPublisher = (await call('POST', '/api/v1/publishers', hanoi.token, { name: 'Phường Ba Đình', localities: ['00004'] })).body.id;
  await call('POST', `/api/v1/publishers/${hcmPublisher}/token`, hcm.token);
  await call('POST', '/api/v1/targets', hcm.token, { targets: [{ locality_code: '79', due_month: '2027-12', target_rate: 0.8 }] });
  await call('PUT', '/api/v1/sources/hcm', hcm.token, { url: 'https://user:secret-password@data.example.vn/dvc.csv?key=secret-key', publisher_id: hcmPublisher });
  await call('DELETE', '/api/v1/sources/hcm', hcm.token);
  const target = (await call('GET', '/api/v1/targets', hcm.token)).body.targets[0];
  await call('DELETE', `/api/v1/targets/${target.id}`, hcm.token);
  await call('PUT', '/api/v1/services/KT', ADMIN_TOKEN, { name_vi: 'Thủ tục mới', online_level: 'full' });
  await call('POST', '/api/v1/services', ADMIN_TOKEN, 'code,name_vi,online_level\nKU,Thủ tục khác,partial\n');
  await call('DELETE', `/api/v1/publishers/${hanoiPublisher}`, hanoi.token);
  await call('DELETE', `/api/v1/admins/${hanoi.id}`, ADMIN_TOKEN);
}, 60_000);
afterAll(() => t.close());

describe('GET /api/v1/audit', () => {
  it('records every admin action, newest first, with who, what, on what, when and from where', async () => {
    const { entries, count } = await audit(ADMIN_TOKEN);
    expect(count).toBe(entries.length);
    expect(entries.map((e) => [e.action, e.target_type, e.actor_type === 'national' ? 'national' : e.actor_name]).reverse()).toEqual([
      ['admin.create', 'admin', 'national'],
      ['admin.create', 'admin', 'national'],
      ['publisher.create', 'publisher', 'Sở KH&CN TP. Hồ Chí Minh'],
      ['publisher.create', 'publisher', 'Sở KH&CN Hà Nội'],
      ['publisher.rotate', 'publisher', 'Sở KH&CN TP. Hồ Chí Minh'],
      ['targets.set', 'target', 'Sở KH&CN TP. Hồ Chí Minh'],
      ['source.set', 'source', 'Sở KH&CN TP. Hồ Chí Minh'],
      ['source.delete', 'source', 'Sở KH&CN TP. Hồ Chí Minh'],
      ['target.delete', 'target', 'Sở KH&CN TP. Hồ Chí Minh'],
      ['service.set', 'service', 'national'],
      ['services.import', 'service', 'national'],
      ['publisher.revoke', 'publisher', 'Sở KH&CN Hà Nội'],
      ['admin.revoke', 'admin', 'national'],
    ]);
    for (const e of entries) {
      expect(e.remote_addr).toBe('127.0.0.1');
      expect(e.user_agent).toBe('Mozilla/5.0 (audit test)');
      expect(e.at >= started && e.at <= new Date().toISOString()).toBe(true);
    }
    const created = entries.find((e) => e.action === 'publisher.create' && e.target_id === String(hcmPublisher))!;
    expect(created).toMatchObject({ actor_type: 'admin', actor_id: hcm.id, detail: { name: 'Phường Sài Gòn', localities: ['26740'], services: null, expires_at: null } });
    expect(entries.find((e) => e.action === 'service.set')).toMatchObject({ target_id: 'KT', actor_id: null, actor_name: 'ADMIN_TOKEN' });
    expect(entries.find((e) => e.action === 'admin.revoke')).toMatchObject({ target_id: String(hanoi.id) });
  });

  it('never stores a token, a secret or the credentials in a source URL', () => {
    const everything = JSON.stringify(t.db.sqlite.prepare('SELECT * FROM audit_log').all());
    expect(tokens.length).toBeGreaterThan(4);
    for (const token of tokens) {
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(token.slice(-43));
    }
    expect(everything).not.toContain('secret-password');
    expect(everything).not.toContain('secret-key');
    expect(everything).toContain('https://data.example.vn/dvc.csv');
  });

  it("shows a province's admin its own actions and its scope's, not another province's", async () => {
    const { entries } = await audit(hcm.token);
    expect(entries.length).toBeGreaterThan(0);
    const actions = entries.map((e) => `${e.action}:${e.target_id}`);
    expect(actions).toContain(`admin.create:${hcm.id}`);
    expect(actions).toContain(`publisher.create:${hcmPublisher}`);
    expect(actions).not.toContain(`publisher.create:${hanoiPublisher}`);
    expect(actions).not.toContain(`admin.create:${hanoi.id}`);
    expect(actions.some((a) => a.startsWith('service'))).toBe(false);
    expect(entries.every((e) => e.actor_id === hcm.id || e.actor_type === 'national')).toBe(true);
  });

  it('filters by actor and by time', async () => {
    const national = await audit(ADMIN_TOKEN, '?actor=national');
    expect(national.entries.every((e) => e.actor_type === 'national')).toBe(true);
    expect(national.count).toBe(5);
    const byId = await audit(ADMIN_TOKEN, `?actor=${hcm.id}`);
    expect(byId.count).toBe(6);
    expect(byId.entries.every((e) => e.actor_id === hcm.id)).toBe(true);
    expect((await audit(ADMIN_TOKEN, `?actor=${encodeURIComponent('Sở KH&CN Hà Nội')}`)).count).toBe(2);
    const today = new Date().toISOString().slice(0, 10);
    const all = (await audit(ADMIN_TOKEN)).count;
    expect((await audit(ADMIN_TOKEN, `?from=${today}&to=${today}`)).count).toBe(all);
    expect((await audit(ADMIN_TOKEN, '?to=2020-01-01')).count).toBe(0);
    expect((await audit(ADMIN_TOKEN, `?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).count).toBe(0);
    expect((await audit(ADMIN_TOKEN, '?limit=2&offset=1')).entries).toHaveLength(2);
    for (const query of ['?from=yesterday', '?to=2026-02-30', '?limit=0', '?extra=1']) {
      const res = await call('GET', `/api/v1/audit${query}`, ADMIN_TOKEN);
      expect(res.status, query).toBe(400);
    }
  });

  it('records nothing for a refused request', async () => {
    const before = (await audit(ADMIN_TOKEN)).count;
    expect((await call('POST', '/api/v1/publishers', hcm.token, { name: 'x', localities: ['01'] })).status).toBe(403);
    expect((await call('POST', '/api/v1/admins', hcm.token, { name: 'x', localities: ['79'] })).status).toBe(403);
    expect((await call('POST', '/api/v1/targets', hcm.token, { targets: [{ locality_code: 'VN', due_month: '2027-12', target_rate: 0.5 }] })).status).toBe(403);
    expect((await call('GET', '/api/v1/audit', hanoi.token)).status).toBe(401);
    expect((await audit(ADMIN_TOKEN)).count).toBe(before);
  });
});
