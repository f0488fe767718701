import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localityRegistry } from '../../../db/localities/registry.ts';
import { addMonths, currentMonth, monthRange } from '../../../db/months.ts';
import { type TestApp, HEADER, addServices, adminHeaders, count, csv, testApp } from '../../helper.ts';

const URL = '/api/v1/observations';
/** Phường Hà Giang 2, a commune of province 08 (Tỉnh Tuyên Quang) since 2025-07-01. */
const COMMUNE_OF_08 = '00691';

type Row = [period: string, service: string, locality: string, online: string | number, total: string | number];
type Headers = Record<string, string>;
interface RowError {
  row: number;
  column: string | null;
  value: string | null;
  message: string;
  message_vi?: string;
  message_en?: string;
}
interface ErrorAnswer {
  error: string;
  message: string;
  message_vi: string;
  message_en: string;
  error_count?: number;
  errors?: RowError[];
}

/** The keys of each error answer (besides "demo"), sorted; the others are {error, message, message_en, message_vi}. */
const FIELDS_BY_STATUS: Record<number, string[]> = {
  403: ['error', 'error_count', 'errors', 'message', 'message_en', 'message_vi'],
  422: ['error', 'error_count', 'errors', 'message', 'message_en', 'message_vi'],
};
/** A row error whose English says `message`, told in Vietnamese too. */
const inBoth = (e: RowError) => ({ ...e, message: expect.stringContaining(e.message), message_en: expect.stringContaining(e.message), message_vi: expect.any(String) });

const row = (over: Partial<{ period: string; service: string; locality: string; online: string | number; total: string | number }> = {}): Row => [
  over.period ?? '2024-05',
  over.service ?? 'KS',
  over.locality ?? '01',
  over.online ?? 10,
  over.total ?? 20,
];
const jsonRow = (over: Record<string, unknown> = {}) => ({ period: '2024-05', service_code: 'KS', locality_code: '01', online_count: 10, total_count: 20, ...over });

describe('POST /api/v1/observations', () => {
  let t: TestApp;
  let auth: Headers;

  beforeEach(async () => {
    t = await testApp();
    addServices(t.db, 'KS', 'KH');
    auth = (await t.publisher(['VN'])).headers;
  });
  afterEach(() => t.close());

  const send = (payload: string, options: { type?: string; headers?: Headers; app?: TestApp } = {}) =>
    (options.app ?? t).app.inject({
      method: 'POST',
      url: URL,
      payload,
      headers: { ...(options.headers ?? auth), 'content-type': options.type ?? 'text/csv' },
    });

  /** What a batch can leave behind: current rows, revisions and stored (not rejected) batches. */
  const stored = (app = t) => ({
    observations: count(app.db, 'observations'),
    revisions: count(app.db, 'observation_revisions'),
    batches: (app.db.sqlite.prepare("SELECT count(*) AS n FROM batches WHERE outcome = 'stored'").get() as { n: number }).n,
  });

  async function accepted(payload: string, counts: { rows: number; inserted: number; revised: number; unchanged: number }, type?: string) {
    const res = await send(payload, { type });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as { batch_id: number };
    expect(Object.keys(body).filter((k) => k !== 'demo').sort()).toEqual(['batch_id', 'inserted', 'revised', 'rows', 'unchanged']);
    expect(body).toMatchObject(counts);
    expect(body.batch_id).toBeGreaterThan(0);
    return body.batch_id;
  }

  /** Sends a body that must be refused with `status`: checks the error shape and that nothing was stored. */
  async function refused(status: number, payload: string, options: Parameters<typeof send>[1] = {}): Promise<ErrorAnswer> {
    const before = stored(options.app);
    const res = await send(payload, options);
    expect(res.statusCode, res.body).toBe(status);
    expect(stored(options.app)).toEqual(before);
    const body = res.json() as ErrorAnswer;
    expect(Object.keys(body).filter((k) => k !== 'demo').sort()).toEqual(FIELDS_BY_STATUS[status] ?? ['error', 'message', 'message_en', 'message_vi']);
    expect(typeof body.error).toBe('string');
    expect(body.message.length).toBeGreaterThan(10);
    // Told in both languages; without Accept-Language, `message` is the English one.
    expect(body.message).toBe(body.message_en);
    expect(body.message_vi).not.toBe(body.message_en);
    for (const e of body.errors ?? []) expect(e.message_vi).not.toBe(e.message_en);
    return body;
  }

  /** A 400 with the plain error body; returns its message. */
  async function unreadable(payload: string, error: string, type?: string): Promise<string> {
    const body = await refused(400, payload, { type });
    expect(body.error).toBe(error);
    return body.message;
  }

  /** A 422 listing exactly the one given error (its message as a part of the real one). */
  async function invalid(payload: string, expected: RowError, type?: string): Promise<void> {
    const body = await refused(422, payload, { type });
    expect(body.error).toBe('invalid_rows');
    expect(body.message).toContain('nothing was stored');
    expect(body.error_count).toBe(1);
    expect(body.errors).toEqual([inBoth(expected)]);
  }

  describe('accepted bodies', () => {
    it('stores a batch and answers with its counts', async () => {
      const batch = await accepted(csv([row(), row({ locality: '79', online: 0, total: 7 })]), { rows: 2, inserted: 2, revised: 0, unchanged: 0 });
      expect(count(t.db, 'observations')).toBe(2);
      const res = await t.app.inject({ url: `${URL}?service=KS&locality=79` });
      expect(res.json().observations).toEqual([
        expect.objectContaining({ period: '2024-05', locality_code: '79', online_count: 0, total_count: 7, rate: 0, batch_id: batch }),
      ]);
    });

    it('accepts JSON with integer counts', async () => {
      const document = { observations: [jsonRow(), jsonRow({ period: '2024-06', online_count: 3 })] };
      await accepted(JSON.stringify(document), { rows: 2, inserted: 2, revised: 0, unchanged: 0 }, 'application/json');
      expect(t.db.sqlite.prepare('SELECT sum(online_count) AS online FROM observations').get()).toEqual({ online: 13 });
    });

    it('accepts a UTF-8 BOM', async () => {
      await accepted(`\uFEFF${csv([row()])}`, { rows: 1, inserted: 1, revised: 0, unchanged: 0 });
    });

    it('accepts CRLF line ends', async () => {
      await accepted(csv([row(), row({ period: '2024-06' })]).replaceAll('\n', '\r\n'), { rows: 2, inserted: 2, revised: 0, unchanged: 0 });
    });

    it('accepts quoted fields and columns in any order', async () => {
      const body = 'total_count,"locality_code",period,service_code,online_count\n"20","01","2024-05","KS","10"\n';
      await accepted(body, { rows: 1, inserted: 1, revised: 0, unchanged: 0 });
      expect(t.db.sqlite.prepare('SELECT online_count AS online, total_count AS total FROM observations').get()).toEqual({ online: 10, total: 20 });
    });

    it('reads Vietnamese text with a comma inside quotes as one field', async () => {
      await invalid(csv([row({ service: '"Đăng ký, khai sinh"' })]), {
        row: 2,
        column: 'service_code',
        value: 'Đăng ký, khai sinh',
        message: 'unknown service "Đăng ký, khai sinh"',
      });
    });
  });

  describe('bodies that cannot be read (400)', () => {
    it('refuses an empty body', async () => {
      expect(await unreadable('', 'empty_body')).toContain('header row');
    });

    it('refuses a header without rows', async () => {
      expect(await unreadable(`${HEADER}\n`, 'no_rows')).toContain('no data rows');
    });

    it('names a missing column', async () => {
      expect(await unreadable(csv([['2024-05', 'KS', '01', 10]], 'period,service_code,locality_code,online_count'), 'bad_columns')).toContain(
        'missing column total_count',
      );
    });

    it('suggests online_count for online_cout', async () => {
      const message = await unreadable(csv([row()], HEADER.replace('online_count', 'online_cout')), 'bad_columns');
      expect(message).toContain('unknown column "online_cout": did you mean "online_count"?');
    });

    it.each([
      [';', 'semicolons'],
      ['\t', 'tabs'],
    ])('refuses a file separated by %j', async (delimiter, name) => {
      const body = [HEADER, row().join(',')].map((line) => line.replaceAll(',', delimiter)).join('\n');
      const message = await unreadable(body, 'wrong_delimiter');
      expect(message).toContain(`separated by ${name}`);
      expect(message).toContain('commas');
    });

    it('refuses malformed JSON', async () => {
      expect(await unreadable('{"observations": [{"period": "2024-05",', 'bad_json', 'application/json')).toContain('not valid JSON');
    });
  });

  describe('rows that break a rule (422)', () => {
    it('refuses online_count above total_count', async () => {
      await invalid(csv([row({ online: 30, total: 20 })]), { row: 2, column: 'online_count', value: '30', message: 'greater than total_count (20)' });
    });

    it.each([
      ['a negative count', '-3', 'cannot be negative'],
      ['a decimal', '1.5', 'whole number'],
      ['a thousands separator', '"1,234"', 'write 1234'],
      ['an exponent', '1e3', 'write 1000'],
      ['a larger exponent', '12e3', 'write 12000'],
      ['a count over the limit', '1000000001', 'over the limit of 1000000000'],
    ])('refuses %s in total_count', async (_name, total, hint) => {
      await invalid(csv([row(), row({ period: '2024-06', online: 0, total })]), { row: 3, column: 'total_count', value: total.replaceAll('"', ''), message: hint });
    });

    it.each([
      ['2022-13', 'month 13 does not exist'],
      ['2022-7', 'write 2022-07'],
    ])('refuses the period %s', async (period, hint) => {
      await invalid(csv([row({ period })]), { row: 2, column: 'period', value: period, message: hint });
    });

    it('refuses a future month and says the latest accepted one', async () => {
      const next = addMonths(currentMonth(), 1);
      await invalid(csv([row({ period: next })]), { row: 2, column: 'period', value: next, message: `the latest month accepted is ${currentMonth()}` });
    });

    it('refuses an unknown service', async () => {
      // The publisher is told to ask its administrator, not to call an admin endpoint.
      await invalid(csv([row({ service: 'NOPE' })]), { row: 2, column: 'service_code', value: 'NOPE', message: 'ask your administrator' });
    });

    it('refuses an unknown locality', async () => {
      await invalid(csv([row({ locality: '99999' })]), { row: 2, column: 'locality_code', value: '99999', message: 'unknown locality code "99999"' });
    });

    it('refuses an old province code after it ended, naming its successor', async () => {
      await invalid(csv([row({ period: '2025-08', locality: '02' })]), {
        row: 2,
        column: 'locality_code',
        value: '02',
        message: '02 (Tỉnh Hà Giang) ended on 2025-06-30; since 2025-07-01 it is part of 08 (Tỉnh Tuyên Quang)',
      });
    });

    it('refuses the same key twice in one batch, naming the first row', async () => {
      await invalid(csv([row(), row({ locality: '79' }), row({ online: 11 })]), { row: 4, column: null, value: null, message: 'as row 2' });
    });

    // Found by fuzzing (ingest.fuzz.test.ts): String() of a deeply nested value overflowed the stack, a 500.
    it.each([
      ['array', '['.repeat(50_000) + ']'.repeat(50_000), '[…]'],
      ['object', '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000), '{…}'],
    ])('refuses a deeply nested %s as a value, naming it without rendering it', async (_kind, deep, shown) => {
      const body = JSON.stringify({ observations: [jsonRow({ period: 'X' })] }).replace('"X"', deep);
      await invalid(body, { row: 1, column: 'period', value: shown, message: 'period must be a string' }, 'application/json');
    });

    it('finds one bad row at the end of 100,000 and stores nothing', async () => {
      addServices(t.db, 'S3', 'S4', 'S5', 'S6');
      const provinces = localityRegistry(t.db.sqlite)
        .at('2024-01')
        .filter((u) => u.level === 'province')
        .map((u) => u.code);
      const months = monthRange('2000-01', '2025-06');
      const lines: string[] = [HEADER];
      outer: for (const service of ['KS', 'KH', 'S3', 'S4', 'S5', 'S6']) {
        for (const locality of provinces) {
          for (const period of months) {
            lines.push(`${period},${service},${locality},1,2`);
            if (lines.length === 100_000) break outer;
          }
        }
      }
      lines.push('2024-05,KS,01,5,4');
      expect(lines.length).toBe(100_001);
      await invalid(`${lines.join('\n')}\n`, { row: 100_001, column: 'online_count', value: '5', message: 'greater than total_count' });
    });

    it('lists at most 1,000 errors and counts them all, by physical line', async () => {
      const bad = monthRange('2000-01', '2024-12')
        .flatMap((period) => ['01', '79', '48', '92'].map((locality) => row({ period, locality, online: 3, total: 2 })))
        .slice(0, 1003);
      expect(bad.length).toBe(1003);
      const body = await refused(422, csv(bad).replace('\n', '\n\n'));
      expect(body.error_count).toBe(1003);
      expect(body.errors).toHaveLength(1000);
      expect([body.errors![0]!.row, body.errors![999]!.row]).toEqual([3, 1002]);
    });

    it.each([
      ['a string count', '12', 'must be a JSON integer: write 12'],
      ['a float count', 1.5, 'must be a whole number'],
    ])('refuses %s in JSON', async (_name, online, hint) => {
      const document = { observations: [jsonRow({ period: '2024-06' }), jsonRow({ online_count: online })] };
      await invalid(JSON.stringify(document), { row: 2, column: 'online_count', value: String(online), message: hint }, 'application/json');
    });
  });

  describe('refused requests', () => {
    it('refuses another content type (415)', async () => {
      const body = await refused(415, csv([row()]), { type: 'text/plain' });
      expect(body).toMatchObject({ error: 'unsupported_media_type', message: expect.stringContaining('text/csv or application/json') });
    });

    it.each([
      ['no token', {}],
      ['a malformed token', { authorization: 'Bearer not-a-real-token' }],
      ['a well-formed unknown token', { authorization: `Bearer td_AAAAAAAAAAAA_${'B'.repeat(43)}` }],
    ])('refuses %s (401)', async (_name, headers) => {
      const body = await refused(401, csv([row()]), { headers });
      expect(body.error).toBe('unauthorized');
      expect(body.message).toMatch(/token/);
    });

    it('refuses a revoked token at once (401)', async () => {
      const publisher = await t.publisher(['01']);
      expect((await send(csv([row()]), { headers: publisher.headers })).statusCode).toBe(201);
      const revoke = await t.app.inject({ method: 'DELETE', url: `/api/v1/publishers/${publisher.id}`, headers: adminHeaders() });
      expect(revoke.statusCode).toBe(204);
      const body = await refused(401, csv([row({ period: '2024-06' })]), { headers: publisher.headers });
      expect(body.message).toContain('revoked');
    });

    it('refuses a locality outside the token scope (403)', async () => {
      const { headers } = await t.publisher(['08']);
      const body = await refused(403, csv([row({ locality: '08' }), row({ locality: '79' })]), { headers });
      expect(body.error).toBe('out_of_scope');
      expect(body.errors).toEqual([inBoth({ row: 3, column: 'locality_code', value: '79', message: "outside this token's scope" })]);
    });

    it('refuses a body over the limit (413)', async () => {
      const small = await testApp({ maxBodyBytes: 1024 });
      try {
        const { headers } = await small.publisher(['VN']);
        addServices(small.db, 'KS');
        const rows = monthRange('2001-01', '2010-12').map((period) => row({ period }));
        const body = await refused(413, csv(rows), { app: small, headers });
        expect(body).toMatchObject({ error: 'body_too_large', message: expect.stringContaining('smaller batches') });
      } finally {
        await small.close();
      }
    });
  });

  describe('revisions', () => {
    const first = [row(), row({ locality: '79' })];

    it('changes nothing when the same counts are sent again', async () => {
      await accepted(csv(first), { rows: 2, inserted: 2, revised: 0, unchanged: 0 });
      await accepted(csv(first), { rows: 2, inserted: 0, revised: 0, unchanged: 2 });
      expect(count(t.db, 'observation_revisions')).toBe(0);
      expect(count(t.db, 'observations')).toBe(2);
    });

    it('keeps the old counts in the history when a count changes', async () => {
      const batch1 = await accepted(csv(first), { rows: 2, inserted: 2, revised: 0, unchanged: 0 });
      const batch2 = await accepted(csv([row({ online: 15 }), first[1]!]), { rows: 2, inserted: 0, revised: 1, unchanged: 1 });
      const res = await t.app.inject({ url: `${URL}/history?service=KS&locality=01&period=2024-05` });
      expect(res.statusCode).toBe(200);
      expect(res.json().revisions).toEqual([
        expect.objectContaining({ online_count: 10, total_count: 20, batch_id: batch1, current: false, superseded_by: batch2 }),
        expect.objectContaining({ online_count: 15, total_count: 20, batch_id: batch2, current: true }),
      ]);
    });
  });

  describe('localities across the 2025 reorganisation', () => {
    it('lets a province publisher write its merged old provinces and its communes', async () => {
      const { headers } = await t.publisher(['08']);
      for (const r of [row({ locality: '02' }), row({ period: '2025-08', locality: COMMUNE_OF_08 })]) {
        const res = await send(csv([r]), { headers });
        expect(res.statusCode, res.body).toBe(201);
      }
      expect(count(t.db, 'observations')).toBe(2);
    });

    it('reads a reused code in the month of its row', async () => {
      await accepted(csv([row({ locality: '80' }), row({ period: '2025-08', locality: '80', online: 3 })]), { rows: 2, inserted: 2, revised: 0, unchanged: 0 });
      const res = await t.app.inject({ url: `${URL}?locality=80` });
      const seen = (res.json().observations as Array<{ period: string; locality_name: string; online_count: number }>)
        .map((o) => [o.period, o.locality_name, o.online_count])
        .sort();
      expect(seen).toEqual([
        ['2024-05', 'Tỉnh Long An', 10],
        ['2025-08', 'Tỉnh Tây Ninh', 3],
      ]);
    });
  });

  describe('counting dossiers once in the locality tree', () => {
    const month = '2025-08';
    const province = row({ period: month, locality: '08' });
    const commune = row({ period: month, locality: COMMUNE_OF_08, online: 1, total: 2 });
    const twice = (r: Row, line = 2) => ({ row: line, column: 'locality_code', value: r[2] as string, message: 'would count dossiers twice' });

    it('refuses a commune row when its province has one', async () => {
      await accepted(csv([province]), { rows: 1, inserted: 1, revised: 0, unchanged: 0 });
      await invalid(csv([commune]), twice(commune));
    });

    it('refuses a province row when one of its communes has one', async () => {
      await accepted(csv([commune]), { rows: 1, inserted: 1, revised: 0, unchanged: 0 });
      await invalid(csv([province]), twice(province));
    });

    it('refuses a province and its commune in one batch, pointing each at the other', async () => {
      const body = await refused(422, csv([province, commune]));
      expect(body.error_count).toBe(2);
      expect(body.errors).toEqual([
        { ...inBoth(twice(province, 2)), message: expect.stringMatching(/would count dossiers twice: .*commune of 08.* in this batch at row 3/) },
        { ...inBoth(twice(commune, 3)), message: expect.stringMatching(/would count dossiers twice: .*province 08.* in this batch at row 2/) },
      ]);
    });

    it('refuses a province row when the country has one', async () => {
      const country = row({ period: month, locality: 'VN', online: 100, total: 200 });
      await accepted(csv([country]), { rows: 1, inserted: 1, revised: 0, unchanged: 0 });
      await invalid(csv([row({ period: month, locality: '01' })]), { ...twice(row({ locality: '01' })), message: 'country-level (VN) row' });
    });

    it('counts the same service in another month or another service in the same month', async () => {
      await accepted(csv([province]), { rows: 1, inserted: 1, revised: 0, unchanged: 0 });
      await accepted(csv([row({ period: '2025-09', locality: COMMUNE_OF_08 }), row({ period: month, service: 'KH', locality: COMMUNE_OF_08 })]), {
        rows: 2,
        inserted: 2,
        revised: 0,
        unchanged: 0,
      });
    });
  });
});
