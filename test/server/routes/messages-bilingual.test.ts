import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, addServices, adminHeaders, csv, testApp } from '../../helper.ts';

/**
 * Issue 15: every error and row error of the API carries message_vi and message_en, and
 * `message` follows Accept-Language (vi or en, en by default). One case of each kind here,
 * then a sweep of bad requests over every write endpoint.
 */

interface Message {
  message: string;
  message_vi?: string;
  message_en?: string;
}
interface Answer extends Message {
  error: string;
  errors?: Array<Message & { row: number; column: string | null }>;
}

/** Both languages given, not empty, different, and `message` the one asked for. */
function expectBilingual(m: Message, lang: 'vi' | 'en', what: string): void {
  expect(m.message_vi, what).toEqual(expect.any(String));
  expect(m.message_en, what).toEqual(expect.any(String));
  expect(m.message_vi!.trim(), what).not.toBe('');
  expect(m.message_en!.trim(), what).not.toBe('');
  expect(m.message_vi, what).not.toBe(m.message_en);
  expect(m.message, what).toBe(lang === 'vi' ? m.message_vi : m.message_en);
}

/** The whole body, and every row error in it, in both languages. */
function expectAnswerBilingual(res: LightMyRequestResponse, lang: 'vi' | 'en', what: string): Answer {
  const body = res.json() as Answer;
  expectBilingual(body, lang, `${what}: ${res.body}`);
  for (const e of body.errors ?? []) expectBilingual(e, lang, `${what}, row ${e.row}: ${JSON.stringify(e)}`);
  return body;
}

describe('error messages in Vietnamese and English', () => {
  let t: TestApp;
  let publisher: Record<string, string>;
  let hcmAdmin: Record<string, string>;

  beforeEach(async () => {
    t = await testApp();
    addServices(t.db, 'KS', 'KH');
    publisher = (await t.publisher(['VN'])).headers;
    const admin = await t.app.inject({ method: 'POST', url: '/api/v1/admins', headers: adminHeaders(), payload: { name: 'Sở TP. Hồ Chí Minh', localities: ['79'] } });
    expect(admin.statusCode, admin.body).toBe(201);
    hcmAdmin = { authorization: `Bearer ${(admin.json() as { token: string }).token}` };
  });
  afterEach(() => t.close());

  const inject = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Record<string, string>, payload?: string | object, type?: string) =>
    t.app.inject({
      method,
      url,
      headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': type ?? (typeof payload === 'string' ? 'text/csv' : 'application/json') }) },
      ...(payload === undefined ? {} : { payload }),
    });
  const languages = [
    ['vi', { 'accept-language': 'vi' }],
    ['en', { 'accept-language': 'en' }],
    ['en', {}],
  ] as const;

  describe.each(languages)('Accept-Language %s %o', (lang, language) => {
    it('the catalogue import: its row errors (422), each starting with its line', async () => {
      const res = await inject('POST', '/api/v1/services', { ...adminHeaders(), ...language }, 'code,name_vi,online_level\nA1,,sometimes\n');
      expect(res.statusCode, res.body).toBe(422);
      const body = expectAnswerBilingual(res, lang, 'catalogue');
      expect(body.errors!.map((e) => e.column)).toEqual(['name_vi', 'online_level']);
      expect(body.errors![1]!.message_vi).toMatch(/^Dòng 2, cột online_level: /);
      expect(body.errors![1]!.message_en).toBe('Line 2, column online_level: online_level must be "full", "partial" or "none" (not offered online)');
    });

    it('the targets import: its row errors (422), JSON and CSV', async () => {
      const json = await inject('POST', '/api/v1/targets', { ...adminHeaders(), ...language }, { targets: [{ service_code: 'NOPE', locality_code: 'XX', due_month: '2027-13', target_rate: 5 }] });
      expect(json.statusCode, json.body).toBe(422);
      const body = expectAnswerBilingual(json, lang, 'targets JSON');
      expect(body.errors!.map((e) => e.column)).toEqual(['service_code', 'locality_code', 'due_month', 'target_rate']);
      expect(body.errors![0]!.message_vi).toMatch(/^Phần tử thứ 1, cột service_code: /);
      const csvBody = await inject('POST', '/api/v1/targets', { ...adminHeaders(), ...language }, 'service_code,locality_code,due_month,target_rate\n,79,2027-12,50%\n,79,2027-12,0.5\n,79,2027-12,0.5\n');
      expect(csvBody.statusCode, csvBody.body).toBe(422);
      expect(expectAnswerBilingual(csvBody, lang, 'targets CSV').errors!.map((e) => e.row)).toEqual([2, 4]);
    });

    it('the targets import: every row of a 403 outside the scope', async () => {
      const res = await inject('POST', '/api/v1/targets', { ...hcmAdmin, ...language }, { targets: [{ locality_code: '79', due_month: '2027-12', target_rate: 0.5 }, { locality_code: '01', due_month: '2027-12', target_rate: 0.5 }] });
      expect(res.statusCode, res.body).toBe(403);
      const body = expectAnswerBilingual(res, lang, 'targets 403');
      expect(body.errors!.map((e) => e.row)).toEqual([2]);
      expect(body.errors![0]!.message_vi).toContain('tại 01 nằm ngoài phạm vi quản trị của bạn');
    });

    it('pull sources: 404 and 400', async () => {
      const missing = await inject('GET', '/api/v1/sources/nothing-here', { ...adminHeaders(), ...language });
      expect(missing.statusCode).toBe(404);
      expectAnswerBilingual(missing, lang, 'sources 404');
      const both = await inject('PUT', '/api/v1/sources/two', { ...adminHeaders(), ...language }, { url: 'https://example.org/a.csv', folder: '/tmp/x', publisher_id: 1 });
      expect(both.statusCode).toBe(400);
      expectAnswerBilingual(both, lang, 'sources 400');
    });

    it('a bad query parameter lists its allowed values in both languages', async () => {
      const res = await inject('POST', '/api/v1/observations?dry_run=maybe', { ...publisher, ...language }, csv([['2024-05', 'KS', '01', 1, 2]]));
      expect(res.statusCode, res.body).toBe(400);
      const body = expectAnswerBilingual(res, lang, 'dry_run');
      expect(body.message_vi).toBe('Yêu cầu không hợp lệ: tham số dry_run phải là một trong các giá trị 1, true, 0, false.');
      expect(body.message_en).toContain('allowed values: 1, true, 0, false');
    });

    it('the read routes: a bad month (400)', async () => {
      const res = await inject('GET', '/api/v1/localities?at=2026-13', language);
      expect(res.statusCode, res.body).toBe(400);
      const body = expectAnswerBilingual(res, lang, 'bad month');
      expect(body.message_vi).toContain('Tháng «2026-13» không hợp lệ');
      expect(body.message_en).toBe('2026-13 is not a month: months are 01 to 12');
      const reversed = await inject('GET', '/api/v1/observations?from=2025-05&to=2025-01', language);
      expect(reversed.statusCode, reversed.body).toBe(400);
      expectAnswerBilingual(reversed, lang, 'from after to');
    });

    it('the read routes: an unknown locality (404)', async () => {
      const res = await inject('GET', '/api/v1/adoption?locality=XX', language);
      expect(res.statusCode, res.body).toBe(404);
      expect(expectAnswerBilingual(res, lang, 'unknown locality').message_vi).toContain('«XX»');
      const history = await inject('GET', '/api/v1/observations/history?service=KS&locality=00001&period=2025-08', language);
      expect(history.statusCode, history.body).toBe(404);
      expect(expectAnswerBilingual(history, lang, 'ended locality').message_vi).toMatch(/^Địa bàn 00001 .* đã kết thúc ngày 2025-06-30/);
      const parent = await inject('GET', '/api/v1/localities?parent=XX', language);
      expect(parent.statusCode, parent.body).toBe(404);
      expectAnswerBilingual(parent, lang, 'unknown parent');
    });

    it('the read routes: an unknown service (404)', async () => {
      const res = await inject('GET', '/api/v1/observations?service=NOPE', language);
      expect(res.statusCode, res.body).toBe(404);
      const body = expectAnswerBilingual(res, lang, 'unknown service');
      expect(body.message_vi).toContain('«NOPE»');
      expect(body.message_en).toBe('unknown service "NOPE"; see /api/v1/services');
      const breakdown = await inject('GET', '/api/v1/adoption/breakdown?by=service&service=KS', language);
      expect(breakdown.statusCode, breakdown.body).toBe(400);
      expectAnswerBilingual(breakdown, lang, 'by=service with service');
    });

    it('oembed: a url outside the site (404) and format=xml (501)', async () => {
      const res = await inject('GET', `/oembed?url=${encodeURIComponent('https://example.org/charts/x/')}`, language);
      expect(res.statusCode, res.body).toBe(404);
      expect(expectAnswerBilingual(res, lang, 'oembed elsewhere').message_en).toBe('no chart at that URL: send the address of a chart page or an embed of this site');
      const relative = await inject('GET', '/oembed?url=charts', language);
      expect(relative.statusCode, relative.body).toBe(404);
      expectAnswerBilingual(relative, lang, 'oembed relative');
      const xml = await inject('GET', '/oembed?url=charts&format=xml', language);
      expect(xml.statusCode, xml.body).toBe(501);
      expectAnswerBilingual(xml, lang, 'oembed xml');
    });

    it('a body that fails its schema, and an enum value', async () => {
      const body = await inject('PUT', '/api/v1/services/A1', { ...adminHeaders(), ...language }, { name_vi: 'Thủ tục A' });
      expect(body.statusCode, body.body).toBe(400);
      expect(expectAnswerBilingual(body, lang, 'PUT body').message_vi).toBe('Yêu cầu không hợp lệ: nội dung gửi lên thiếu trường bắt buộc online_level.');
      expect(body.json().message_en).toBe("body must have required property 'online_level'");
      const enumValue = await inject('GET', '/api/v1/flags?signal=bogus', language);
      expect(enumValue.statusCode, enumValue.body).toBe(400);
      expect(expectAnswerBilingual(enumValue, lang, 'enum').message_vi).toContain('tham số signal phải là một trong các giá trị low_usage, unused_online');
      const nested = await inject('POST', '/api/v1/targets', { ...adminHeaders(), ...language }, { targets: [{ locality_code: '79', due_month: '2027-12', target_rate: 'half' }] });
      expect(nested.statusCode, nested.body).toBe(400);
      expect(expectAnswerBilingual(nested, lang, 'nested').message_vi).toBe('Yêu cầu không hợp lệ: trường targets/0/target_rate phải là một số.');
    });
  });

  it('every write endpoint answers every bad request in both languages, its row errors too', async () => {
    const admin = adminHeaders();
    const csvTargets = 'service_code,locality_code,due_month,target_rate\n';
    const requests: Array<[string, 'POST' | 'PUT' | 'DELETE', string, Record<string, string>, (string | object)?, string?]> = [
      // The ingest
      ['observations: bad rows', 'POST', '/api/v1/observations', publisher, csv([['2024-13', 'NOPE', 'XX', -1, 'x']])],
      ['observations: bad dry_run', 'POST', '/api/v1/observations?dry_run=2', publisher, csv([['2024-05', 'KS', '01', 1, 2]])],
      ['observations: no token', 'POST', '/api/v1/observations', {}, csv([['2024-05', 'KS', '01', 1, 2]])],
      ['observations: text/plain', 'POST', '/api/v1/observations', publisher, 'x', 'text/plain'],
      ['observations: bad JSON', 'POST', '/api/v1/observations', publisher, '{"observations": [', 'application/json'],
      ['withdrawals: not stored', 'POST', '/api/v1/withdrawals', publisher, 'period,service_code,locality_code\n2024-05,KS,01\n'],
      ['withdrawals: bad dry_run', 'POST', '/api/v1/withdrawals?dry_run=yes', publisher, 'period,service_code,locality_code\n2024-05,KS,01\n'],
      // The catalogue
      ['services: bad rows', 'POST', '/api/v1/services', admin, 'code,name_vi,online_level,colour\n,A,full,red\nA1,B,full,\nA1,C,none,\n'],
      ['services: bad JSON rows', 'POST', '/api/v1/services', admin, { services: [{ code: 'A', name_vi: 1, online_level: 'full', online_since: '2020' }] }],
      ['services: empty CSV', 'POST', '/api/v1/services', admin, ''],
      ['services: scoped admin', 'POST', '/api/v1/services', hcmAdmin, 'code,name_vi,online_level\nA1,B,full\n'],
      ['services: publisher token', 'POST', '/api/v1/services', publisher, 'code,name_vi,online_level\nA1,B,full\n'],
      ['service: bad body', 'PUT', '/api/v1/services/A1', admin, { name_vi: '', online_level: 'full' }],
      ['service: bad level', 'PUT', '/api/v1/services/A1', admin, { name_vi: 'A', online_level: 'some' }],
      ['service: unknown field', 'PUT', '/api/v1/services/A1', admin, { name_vi: 'A', online_level: 'full', colour: 'red' }],
      ['service: bad code', 'PUT', '/api/v1/services/A%20B', admin, { name_vi: 'A', online_level: 'full' }],
      // Targets
      ['targets: bad rows', 'POST', '/api/v1/targets', admin, `${csvTargets}NOPE,XX,2027-1,2\n,VN,1999-01,\n,VN,2027-12,0.5,9\n`],
      ['targets: unknown column', 'POST', '/api/v1/targets', admin, 'service_code,locality,due_month,target_rate\n,79,2027-12,0.5\n'],
      ['targets: outside the scope', 'POST', '/api/v1/targets', hcmAdmin, `${csvTargets},01,2027-12,0.5\nKS,48,2027-12,0.5\n`],
      ['targets: bad JSON', 'POST', '/api/v1/targets', admin, { targets: [] }],
      ['target: unknown', 'DELETE', '/api/v1/targets/99999', admin],
      ['target: bad id', 'DELETE', '/api/v1/targets/abc', admin],
      // Admins and publishers
      ['admins: unknown locality', 'POST', '/api/v1/admins', admin, { name: 'x', localities: ['XX'] }],
      ['admins: no name', 'POST', '/api/v1/admins', admin, { localities: ['79'] }],
      ['admins: scoped', 'POST', '/api/v1/admins', hcmAdmin, { name: 'x', localities: ['79'] }],
      ['admin: unknown', 'DELETE', '/api/v1/admins/99999', admin],
      ['publishers: unknown service', 'POST', '/api/v1/publishers', admin, { name: 'x', localities: ['79'], services: ['NOPE'] }],
      ['publishers: outside the scope', 'POST', '/api/v1/publishers', hcmAdmin, { name: 'x', localities: ['01'] }],
      ['publishers: bad expiry', 'POST', '/api/v1/publishers', admin, { name: 'x', localities: ['79'], expires_at: 'soon' }],
      ['publisher: unknown', 'DELETE', '/api/v1/publishers/99999', admin],
      ['publisher token: unknown', 'POST', '/api/v1/publishers/99999/token', admin],
      // Pull sources
      ['source: url and folder', 'PUT', '/api/v1/sources/s1', admin, { url: 'https://example.org/a.csv', folder: '/tmp/x', publisher_id: 1 }],
      ['source: relative folder', 'PUT', '/api/v1/sources/s1', admin, { folder: 'drop', publisher_id: 1 }],
      ['source: bad schedule', 'PUT', '/api/v1/sources/s1', admin, { url: 'https://example.org/a.csv', publisher_id: 1, schedule: 'hourly' }],
      ['source: no publisher', 'PUT', '/api/v1/sources/s1', admin, { url: 'https://example.org/a.csv', publisher_id: 999 }],
      ['source: bad name', 'PUT', '/api/v1/sources/Bad%20Name', admin, { url: 'https://example.org/a.csv', publisher_id: 1 }],
      ['source: folder by a scoped admin', 'PUT', '/api/v1/sources/s1', hcmAdmin, { folder: '/tmp/x', publisher_id: 1 }],
      ['source: unknown', 'DELETE', '/api/v1/sources/nothing', admin],
      ['source pull: not running', 'POST', '/api/v1/sources/nothing/pull', admin],
      // No such route
      ['no route', 'POST', '/api/v1/nothing', admin, {}],
    ];
    let rowErrors = 0;
    for (const [lang, language] of languages) {
      for (const [what, method, url, headers, payload, type] of requests) {
        const res = await inject(method, url, { ...headers, ...language }, payload, type);
        expect(res.statusCode, `${what}: ${res.body}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, `${what}: ${res.body}`).toBeLessThan(600);
        rowErrors += expectAnswerBilingual(res, lang, `${what} (${lang})`).errors?.length ?? 0;
      }
    }
    // The sweep met row errors of the ingest, the catalogue, the targets and the scope.
    expect(rowErrors).toBeGreaterThan(3 * 15);
  });
});
