import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, adminHeaders, count, testApp } from '../../helper.ts';

type Headers = Record<string, string>;

const NAME = 'Đăng ký khai sinh';
const SERVICE = { name_vi: NAME, name_en: 'Birth registration', agency: 'Bộ Tư pháp', online_level: 'full', online_since: '2019-07' };
const CATALOGUE_HEADER = 'code,name_vi,name_en,agency,online_level,online_since';
const TOKEN = /^td_[A-Za-z0-9_-]{12}_([A-Za-z0-9_-]{43,})$/;

/** One request to each kind of admin endpoint, with the given headers. */
const ADMIN_REQUESTS = [
  { method: 'PUT', url: '/api/v1/services/KS', payload: SERVICE },
  { method: 'POST', url: '/api/v1/publishers', payload: { name: 'Sở', localities: ['01'] } },
  { method: 'DELETE', url: '/api/v1/publishers/1' },
] as const;

describe('admin endpoints', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(() => t.close());

  const inject = (request: { method: 'PUT' | 'POST' | 'DELETE' | 'GET'; url: string; payload?: unknown }, headers: Headers = adminHeaders()) =>
    t.app.inject({ ...request, payload: request.payload as object | undefined, headers });
  const putService = (code: string, body: object = SERVICE) => inject({ method: 'PUT', url: `/api/v1/services/${code}`, payload: body });
  const importCatalogue = (lines: string[]) =>
    t.app.inject({ method: 'POST', url: '/api/v1/services', payload: `${[CATALOGUE_HEADER, ...lines].join('\n')}\n`, headers: { ...adminHeaders(), 'content-type': 'text/csv' } });
  const createPublisher = (payload: object) => inject({ method: 'POST', url: '/api/v1/publishers', payload });

  /** Each admin request is refused with `status` and `error`, and nothing is written. */
  async function allRefused(status: number, error: string, headers: Headers): Promise<void> {
    for (const request of ADMIN_REQUESTS) {
      const res = await inject(request, headers);
      expect(res.statusCode, `${request.method} ${request.url}`).toBe(status);
      expect(res.json()).toMatchObject({ error, message: expect.any(String) });
    }
    expect(count(t.db, 'services')).toBe(0);
    expect(count(t.db, 'publishers')).toBe(0);
  }

  describe('authorisation', () => {
    it('answers 403 when ADMIN_TOKEN is unset, even to a bearer token', async () => {
      await t.close();
      t = await testApp({ adminToken: null });
      await allRefused(403, 'admin_disabled', adminHeaders());
    });

    it('answers 401 to a wrong admin token', async () => {
      await allRefused(401, 'unauthorized', { authorization: 'Bearer wrong-admin-token-0123456789' });
    });

    it('answers 401 without a token', async () => {
      await allRefused(401, 'unauthorized', {});
    });

    it('refuses a publisher token', async () => {
      const { headers } = await t.publisher(['01']);
      const res = await putService('KS');
      expect(res.statusCode).toBe(201);
      const refused = await inject({ method: 'PUT', url: '/api/v1/services/KH', payload: SERVICE }, headers);
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error).toBe('unauthorized');
      expect(count(t.db, 'services')).toBe(1);
    });
  });

  describe('PUT /api/v1/services/{code}', () => {
    it('creates (201), then replaces (200)', async () => {
      const created = await putService('KS');
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ code: 'KS', name_vi: NAME, online_level: 'full', online_since: '2019-07' });
      const updated = await putService('KS', { ...SERVICE, online_level: 'partial', online_since: null });
      expect(updated.statusCode).toBe(200);
      expect(updated.json()).toMatchObject({ code: 'KS', online_level: 'partial', online_since: null });
      expect(count(t.db, 'services')).toBe(1);
    });

    it('stores the name in NFC', async () => {
      const decomposed = NAME.normalize('NFD');
      expect(decomposed).not.toBe(NAME);
      expect((await putService('KS', { ...SERVICE, name_vi: decomposed })).statusCode).toBe(201);
      const res = await t.app.inject({ url: '/api/v1/services/KS' });
      expect(res.statusCode).toBe(200);
      expect(res.json().name_vi).toBe(NAME);
      expect(res.json().name_vi.length).toBe(NAME.length);
    });

    it.each([
      ['an unknown online_level', { ...SERVICE, online_level: 'sometimes' }],
      ['no name_vi', { online_level: 'full' }],
      ['an unknown field', { ...SERVICE, colour: 'blue' }],
      ['a malformed online_since', { ...SERVICE, online_since: '2019-7' }],
    ])('refuses a body with %s (400)', async (_name, body) => {
      const res = await putService('KS', body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'bad_request', message: expect.stringContaining('body') });
      expect(count(t.db, 'services')).toBe(0);
    });
  });

  describe('POST /api/v1/services (catalogue)', () => {
    it('imports every row', async () => {
      const res = await importCatalogue(['KS,Đăng ký khai sinh,Birth registration,Bộ Tư pháp,full,2019-07', 'KH,"Đăng ký kết hôn, trong nước",,,partial,']);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ services: 2, created: 2, updated: 0 });
      const kh = await t.app.inject({ url: '/api/v1/services/KH' });
      expect(kh.json()).toMatchObject({ name_vi: 'Đăng ký kết hôn, trong nước', name_en: null, online_level: 'partial', online_since: null });
    });

    it('stores nothing when one row is bad (422)', async () => {
      const res = await importCatalogue(['KS,Đăng ký khai sinh,,,full,', 'KH,Đăng ký kết hôn,,,sometimes,', 'KT,Đăng ký khai tử,,,full,']);
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        error: 'invalid_rows',
        error_count: 1,
        errors: [{ row: 3, column: 'online_level', value: 'sometimes', message: expect.stringContaining('"full", "partial" or "none"') }],
      });
      expect(count(t.db, 'services')).toBe(0);
    });
  });

  describe('POST /api/v1/services (catalogue), hostile JSON', () => {
    // Found by fuzzing the ingest path: the catalogue shares its parser, and String() of deep nesting overflowed.
    it('refuses deeply nested values and non-text names (422), not a 500', async () => {
      const deep = '['.repeat(50_000) + ']'.repeat(50_000);
      const payload = `{"services":[{"code":${deep},"name_vi":"A","online_level":${deep}},{"code":"B","name_vi":"B","name_en":{"x":1},"online_level":"full"}]}`;
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/services', payload, headers: { ...adminHeaders(), 'content-type': 'application/json' } });
      expect(res.statusCode, res.body).toBe(422);
      // Each row error starts with where it is, in both languages (issue 15), like the ingest's.
      expect(res.json().errors).toEqual([
        expect.objectContaining({ row: 1, column: 'code', value: '[…]', message: expect.stringContaining('code is required') }),
        expect.objectContaining({ row: 1, column: 'online_level', value: '[…]', message: expect.stringContaining('"full", "partial" or "none"') }),
        { row: 2, column: 'name_en', value: '{…}', message: 'Item 2, column name_en: name_en must be text', message_en: 'Item 2, column name_en: name_en must be text', message_vi: 'Phần tử thứ 2, cột name_en: name_en phải là chuỗi văn bản.' },
      ]);
      expect(count(t.db, 'services')).toBe(0);
    });
  });

  describe('publishers', () => {
    it('creates a publisher with a long random token, stored only as a hash', async () => {
      const first = await createPublisher({ name: 'Sở TT&TT Hà Nội', localities: ['01', '79'] });
      expect(first.statusCode).toBe(201);
      const { id, token } = first.json() as { id: number; token: string };
      expect(id).toBeGreaterThan(0);
      const secret = TOKEN.exec(token)?.[1];
      expect(secret?.length).toBeGreaterThanOrEqual(43);
      const second = (await createPublisher({ name: 'Sở khác', localities: ['01'] })).json() as { token: string };
      expect(TOKEN.exec(second.token)?.[1]).not.toBe(secret);

      const stored = t.db.sqlite.prepare('SELECT name, token_hash AS hash FROM publishers WHERE id = ?').get(id) as { name: string; hash: string };
      expect(stored.name).toBe('Sở TT&TT Hà Nội');
      expect(stored.hash).not.toContain(token);
      expect(stored.hash).not.toContain(secret);
      expect(count(t.db, 'publisher_localities')).toBe(3);
    });

    it('refuses an unknown locality code (400)', async () => {
      const res = await createPublisher({ name: 'Sở', localities: ['01', 'XX'] });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'bad_request', message: 'unknown locality code "XX"' });
      expect(count(t.db, 'publishers')).toBe(0);
    });

    it('answers 404 when revoking an unknown id', async () => {
      const res = await inject({ method: 'DELETE', url: '/api/v1/publishers/999' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: 'not_found', message: 'no publisher 999' });
    });

    it('revokes a publisher (204)', async () => {
      const { id } = await t.publisher(['01']);
      expect((await inject({ method: 'DELETE', url: `/api/v1/publishers/${id}` })).statusCode).toBe(204);
      const row = t.db.sqlite.prepare('SELECT revoked_at AS revokedAt FROM publishers WHERE id = ?').get(id) as { revokedAt: string | null };
      expect(row.revokedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    });
  });
});
