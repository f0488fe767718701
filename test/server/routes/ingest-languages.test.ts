import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, HEADER, addServices, count, csv, testApp } from '../../helper.ts';

/** Phường Hà Giang 2, a commune of province 08 (Tỉnh Tuyên Quang) since 2025-07-01. */
const COMMUNE_OF_08 = '00691';

interface RowError {
  row: number;
  column: string | null;
  value: string | null;
  message: string;
  message_vi: string;
  message_en: string;
}
interface Answer {
  error: string;
  message: string;
  message_vi: string;
  message_en: string;
  error_count?: number;
  errors?: RowError[];
}

describe('the write API for publishers: languages, one pass, dry runs', () => {
  let t: TestApp;
  let auth: Record<string, string>;

  beforeEach(async () => {
    t = await testApp();
    addServices(t.db, 'KS', 'KH', '1.013990');
    auth = (await t.publisher(['VN'])).headers;
  });
  afterEach(() => t.close());

  const post = (payload: string | Buffer, options: { url?: string; type?: string; headers?: Record<string, string> } = {}) =>
    t.app.inject({ method: 'POST', url: options.url ?? '/api/v1/observations', payload, headers: { ...auth, 'content-type': options.type ?? 'text/csv', ...options.headers } });
  /** Everything a send can leave behind, refused batches included. */
  const state = () => ({ observations: count(t.db, 'observations'), revisions: count(t.db, 'observation_revisions'), batches: count(t.db, 'batches') });

  describe('Accept-Language', () => {
    const bad = csv([['2024-05', 'KS', '01', '1.5', 20]]);

    it.each([
      [undefined, 'en'],
      ['vi', 'vi'],
      ['vi-VN,vi;q=0.9,en-US;q=0.8', 'vi'],
      ['en-GB,vi;q=0.5', 'en'],
      ['fr', 'en'],
    ])('%s → message in %s, both always given', async (header, lang) => {
      const res = await post(bad, { headers: header ? { 'accept-language': header } : {} });
      expect(res.statusCode).toBe(422);
      const body = res.json() as Answer;
      const pick = (m: { message_vi: string; message_en: string }) => (lang === 'vi' ? m.message_vi : m.message_en);
      expect(body.message).toBe(pick(body));
      expect(body.errors![0]!.message).toBe(pick(body.errors![0]!));
      expect(body.errors![0]!.message_vi).toBe('Dòng 2, cột online_count: giá trị «1.5» không phải là số nguyên. Hãy nhập số nguyên không âm, không có dấu phân cách.');
      expect(body.errors![0]!.message_en).toBe('Line 2, column online_count: online_count must be a whole number of dossiers');
    });

    it('covers 400, 401, 403, 413 and 415 of the write endpoints too', async () => {
      const vi = { 'accept-language': 'vi' };
      const answers = [
        [400, await post('period;service_code\n', { headers: vi })],
        [401, await post(bad, { headers: { ...vi, authorization: 'Bearer nope' } })],
        [401, await t.app.inject({ method: 'POST', url: '/api/v1/observations', headers: { ...vi, 'content-type': 'text/csv' }, payload: bad })],
        [415, await post(bad, { type: 'text/plain', headers: vi })],
        [400, await post('{"observations": [', { type: 'application/json', headers: vi })],
        [400, await post(bad, { url: '/api/v1/withdrawals', headers: vi })],
      ] as const;
      const { headers } = await t.publisher(['08']);
      const scoped = await post(csv([['2024-05', 'KS', '79', 1, 2]]), { headers: { ...headers, ...vi } });
      for (const [status, res] of [...answers, [403, scoped] as const]) {
        expect(res.statusCode, res.body).toBe(status);
        const body = res.json() as Answer;
        expect(body.message_vi, res.body).toBeTruthy();
        expect(body.message_en).toBeTruthy();
        expect(body.message_vi).not.toBe(body.message_en);
        expect(body.message).toBe(body.message_vi);
      }
      const small = await testApp({ maxBodyBytes: 256 });
      try {
        const publisher = await small.publisher(['VN']);
        const res = await small.app.inject({ method: 'POST', url: '/api/v1/observations', headers: { ...publisher.headers, ...vi, 'content-type': 'text/csv' }, payload: 'x'.repeat(1000) });
        expect(res.statusCode).toBe(413);
        expect(res.json()).toMatchObject({ error: 'body_too_large', message: expect.stringContaining('chia số liệu'), message_en: expect.stringContaining('smaller batches') });
      } finally {
        await small.close();
      }
    });
  });

  describe('one pass', () => {
    it('lists a scope error, a rule broken, a repeated key and a double count in one answer (403: a scope error is among them)', async () => {
      // The province 08 has a row stored for KS in 2025-08: its commune would count it twice.
      expect((await post(csv([['2025-08', 'KS', '08', 5, 10]]))).statusCode).toBe(201);
      const { headers } = await t.publisher(['08']);
      const body = csv([
        ['2025-08', 'KS', COMMUNE_OF_08, 1, 2], // line 2: double count with the stored province row
        ['2025-08', 'KS', '79', 1, 2], // line 3: outside the scope
        ['2025-08', 'KH', '08', '12e3', 20000], // line 4: an exponent
        ['2025-09', 'KH', '08', 1, 2], // line 5
        ['2025-09', 'KH', '08', 1, 3], // line 6: same key as line 5
      ]);
      const before = state();
      const res = await post(body, { headers });
      expect(res.statusCode).toBe(403);
      const answer = res.json() as Answer;
      expect(answer.error).toBe('out_of_scope');
      expect(answer.error_count).toBe(4);
      expect(answer.errors!.map((e) => [e.row, e.column])).toEqual([
        [2, 'locality_code'],
        [3, 'locality_code'],
        [4, 'online_count'],
        [6, null],
      ]);
      expect(answer.errors![0]!.message_en).toContain('would count dossiers twice');
      expect(answer.errors![1]!.message_en).toContain("outside this token's scope");
      expect(answer.errors![2]!.message_en).toContain('without an exponent: write 12000');
      expect(answer.errors![3]!.message_en).toContain('as row 5');
      expect(answer.message_en).toContain('3 other error(s)');
      // Refused, and recorded as such; nothing stored.
      expect(state()).toEqual({ ...before, batches: before.batches + 1 });
    });

    it('without a scope error, the same mix is a 422', async () => {
      expect((await post(csv([['2025-08', 'KS', '08', 5, 10]]))).statusCode).toBe(201);
      const res = await post(csv([['2025-08', 'KS', COMMUNE_OF_08, 1, 2], ['2025-08', 'KH', '08', '-1', 2], ['2025-08', 'KH', '08', 1, 2]]));
      expect(res.statusCode).toBe(422);
      expect((res.json() as Answer).errors!.map((e) => e.row)).toEqual([2, 3]);
    });
  });

  describe('?dry_run=1', () => {
    it('checks observations against the stored rows, stores nothing and makes no batch', async () => {
      expect((await post(csv([['2024-05', 'KS', '01', 1, 2], ['2024-05', 'KS', '79', 3, 4]]))).statusCode).toBe(201);
      const before = state();
      const body = csv([['2024-05', 'KS', '01', 1, 2], ['2024-05', 'KS', '79', 3, 5], ['2024-06', 'KS', '79', 3, 5]]);
      const res = await post(body, { url: '/api/v1/observations?dry_run=1' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ dry_run: true, rows: 3, inserted: 1, revised: 1, unchanged: 1 });
      expect(res.json()).not.toHaveProperty('batch_id');
      expect(state()).toEqual(before);
      // The real send gets the same counts.
      expect((await post(body)).json()).toMatchObject({ rows: 3, inserted: 1, revised: 1, unchanged: 1 });
    });

    it('answers the 4xx a real send would get, and records nothing', async () => {
      const before = state();
      const res = await post(csv([['2024-05', 'KS', '01', 30, 20]]), { url: '/api/v1/observations?dry_run=1' });
      expect(res.statusCode).toBe(422);
      expect((res.json() as Answer).errors![0]!.column).toBe('online_count');
      expect((await post('', { url: '/api/v1/observations?dry_run=true' })).statusCode).toBe(400);
      expect(state()).toEqual(before);
      expect((await post(csv([['2024-05', 'KS', '01', 1, 2]]), { url: '/api/v1/observations?dry_run=yes' })).statusCode).toBe(400);
    });

    it('checks withdrawals, and JSON observations with withdrawals beside them', async () => {
      expect((await post(csv([['2026-01', 'KS', '79', 10, 100]]))).statusCode).toBe(201);
      const before = state();
      const dry = await post('period,service_code,locality_code\n2026-01,KS,79\n', { url: '/api/v1/withdrawals?dry_run=1' });
      expect(dry.statusCode).toBe(200);
      expect(dry.json()).toMatchObject({ dry_run: true, withdrawn: 1 });
      const missing = await post('period,service_code,locality_code\n2026-02,KS,79\n', { url: '/api/v1/withdrawals?dry_run=1' });
      expect(missing.statusCode).toBe(422);
      const both = await post(
        JSON.stringify({ withdrawals: [{ period: '2026-01', service_code: 'KS', locality_code: '79' }], observations: [{ period: '2026-01', service_code: 'KS', locality_code: '25747', online_count: 1, total_count: 2 }] }),
        { url: '/api/v1/observations?dry_run=1', type: 'application/json' },
      );
      expect(both.statusCode, both.body).toBe(200);
      expect(both.json()).toMatchObject({ dry_run: true, rows: 1, inserted: 1, withdrawn: 1 });
      expect(state()).toEqual(before);
    });
  });

  describe('hints for the person who gets them', () => {
    it('tells a publisher to ask its administrator for an unknown service, and names a code that lost its zeros', async () => {
      const res = await post(csv([['2024-05', 'NOPE', '01', 1, 2], ['2024-05', '1.01399', '01', 1, 2], ['2024-05', 'KS', '1', 1, 2]]));
      const errors = (res.json() as Answer).errors!;
      expect(errors[0]!.message_en).toContain('ask your administrator');
      expect(errors[0]!.message_en).not.toContain('/api/v1/services');
      expect(errors[0]!.message_vi).toContain('quản trị viên');
      expect(errors[1]!.message_en).toContain('did you mean "1.013990"');
      expect(errors[2]!.message_en).toContain('did you mean "01"');
    });

    it('names the line and the encoding of a file that is not UTF-8', async () => {
      const text = `${HEADER}\n2024-05,KS,01,1,2\n`;
      const utf16bom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      const utf16 = Buffer.from(text, 'utf16le');
      // "Đăng ký" in Windows-1258 (Đ = D0, ă = E3, ý = FD) on line 3.
      const cp1258 = Buffer.concat([Buffer.from(`${HEADER}\n2024-05,KS,01,1,2\n2024-05,`), Buffer.from([0xd0, 0xe3, 0x6e, 0x67, 0x20, 0x6b, 0xfd]), Buffer.from(',01,1,2\n')]);
      const cp1252 = Buffer.concat([Buffer.from(`${HEADER}\n2024-05,Caf`), Buffer.from([0xe9]), Buffer.from(',01,1,2\n')]);
      const messages = [];
      for (const body of [utf16bom, utf16, cp1258, cp1252]) {
        const res = await post(body);
        expect(res.statusCode).toBe(400);
        messages.push(res.json() as Answer);
      }
      expect(messages[0]!.message_en).toContain('UTF-16');
      expect(messages[0]!.message_en).not.toContain('without a byte order mark');
      expect(messages[1]!.message_en).toContain('UTF-16 (without a byte order mark)');
      expect(messages[2]!.message_en).toMatch(/^Line 3 holds bytes that are not UTF-8, probably Windows-1258/);
      expect(messages[2]!.message_vi).toMatch(/^Dòng 3 có ký tự không ở mã UTF-8, nhiều khả năng là bảng mã Windows-1258/);
      expect(messages[3]!.message_en).toMatch(/^Line 2 .*Windows-1252/);
    });
  });
});
