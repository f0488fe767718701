/**
 * Fuzzing POST /api/v1/observations: the arbitraries and the properties, shared by
 * ingest.fuzz.test.ts (a few thousand cases in CI) and bench/fuzz.ts (as many as you like).
 *
 * The property, for any body: the answer is a 4xx, or a 201 whose counts add up
 * (inserted + revised + unchanged = rows, and rows = the data rows sent when we know them);
 * never a 5xx; a refused body stores nothing; the rollups always equal the observations.
 * The admin imports that share the parsers get the same bodies, and must never answer 5xx.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { MEASURE_FIELDS, REQUIRED_OBSERVATION_FIELDS } from '../../../db/ingest/types.ts';
import { type TestApp, addServices, adminHeaders, count, testApp } from '../../helper.ts';

const URL = '/api/v1/observations';
const SERVICES = ['KS', 'KH'];
/** Provinces that existed in 2024, so every generated row is valid. */
const LOCALITIES = ['01', '02', '08', '74', '79'];
const PERIODS = Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);

export interface FuzzTarget {
  t: TestApp;
  headers: Record<string, string>;
  close: () => Promise<void>;
}

/** One app on a real temp database, shared by every case: cases also meet each other's rows. */
export async function fuzzTarget(): Promise<FuzzTarget> {
  const t = await testApp({ writeRateLimit: 1e9, writeRateLimitIp: 1e9 });
  addServices(t.db, ...SERVICES);
  const { headers } = await t.publisher(['VN']);
  return { t, headers, close: () => t.close() };
}

// ---- Bodies ------------------------------------------------------------------------------

interface Row {
  period: string;
  service_code: string;
  locality_code: string;
  online_count: number;
  total_count: number;
  /** The optional measures: null = not reported (an empty cell, or JSON null). */
  end_to_end_count: number | null;
  fee_count: number | null;
  paid_online_count: number | null;
}

/** A case: the body, its content type, and how many data rows it holds when we know it. */
export interface Case {
  body: Buffer;
  type: string;
  rows?: number;
  /** A body that is valid by construction: it must be stored. */
  valid?: boolean;
}

/** A case that fast-check reports by its type, size and start, not as a megabyte of bytes. */
export function caseOf(body: Buffer, type: string, extra: Pick<Case, 'rows' | 'valid'> = {}): Case {
  return {
    body,
    type,
    ...extra,
    [fc.toStringMethod]: () => `${type}, ${body.length} bytes${extra.rows === undefined ? '' : `, ${extra.rows} rows`}: ${JSON.stringify(body.subarray(0, 300).toString('latin1'))}`,
  } as Case;
}

const row: fc.Arbitrary<Row> = fc
  .record({
    period: fc.constantFrom(...PERIODS),
    service_code: fc.constantFrom(...SERVICES),
    locality_code: fc.constantFrom(...LOCALITIES),
    total_count: fc.oneof(fc.nat({ max: 1000 }), fc.nat({ max: 1_000_000_000 })),
    share: fc.double({ min: 0, max: 1, noNaN: true }),
    // Shares of online, total and fee for the measures, or null when the row leaves one out.
    endToEnd: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    fee: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    paid: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
  })
  .map(({ share, endToEnd, fee, paid, ...r }) => {
    const online_count = Math.floor(r.total_count * share);
    const fee_count = fee === null ? null : Math.floor(r.total_count * fee);
    return {
      ...r,
      online_count,
      end_to_end_count: endToEnd === null ? null : Math.floor(online_count * endToEnd),
      fee_count,
      paid_online_count: paid === null || fee_count === null ? null : Math.floor(fee_count * paid),
    };
  });

/** Rows with distinct keys: a valid batch (the spreadsheet fuzzing builds its workbooks from them too). */
export const rows = fc.uniqueArray(row, { minLength: 1, maxLength: 40, selector: (r) => `${r.period}|${r.service_code}|${r.locality_code}` });

const csvQuote = (text: string) => `"${text.replaceAll('"', '""')}"`;

/** A valid CSV body, spelled in any of the ways the contract allows. */
const validCsv: fc.Arbitrary<Case> = fc
  .record({
    rows,
    order: fc.shuffledSubarray<string>([...REQUIRED_OBSERVATION_FIELDS], { minLength: 5, maxLength: 5 }),
    // Without the measures' columns, or with them (empty cells where a row leaves one out).
    measures: fc.boolean(),
    eol: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    quoted: fc.boolean(),
    finalEol: fc.boolean(),
    type: fc.constantFrom('text/csv', 'text/csv; charset=utf-8', 'TEXT/CSV'),
  })
  .map(({ rows: all, order: required, measures, eol, bom, quoted, finalEol, type }) => {
    const cell = (v: string | number | null) => (quoted ? csvQuote(String(v ?? '')) : String(v ?? ''));
    const order = measures ? [...required, ...MEASURE_FIELDS] : required;
    const rows = measures ? all : all.map(withoutMeasures);
    const lines = [order.join(','), ...rows.map((r) => order.map((f) => cell(r[f as keyof Row])).join(','))];
    const text = (bom ? '\uFEFF' : '') + lines.join(eol) + (finalEol ? eol : '');
    return caseOf(Buffer.from(text), type, { rows: rows.length, valid: true });
  });

/** A row as sent without the measures' columns: nothing reported. */
const withoutMeasures = (r: Row): Row => ({ ...r, end_to_end_count: null, fee_count: null, paid_online_count: null });

const validJson: fc.Arbitrary<Case> = fc
  .record({ rows, space: fc.constantFrom(0, 2) })
  .map(({ rows, space }) => caseOf(Buffer.from(JSON.stringify({ observations: rows }, null, space)), 'application/json', { rows: rows.length, valid: true }));

export const validBody = fc.oneof(validCsv, validJson);

/** Bytes that break parsers: NUL, quotes, separators, line ends, invalid UTF-8, a BOM, bidi controls. */
const NASTY_BYTES = ['\0', '"', '""', ',', '\n', '\r', '\r\n', '\t', ';', '{', '}', '[', ']', ':', '\\', '\u202E', '\u2066', '\uFEFF', '\u0085']
  .map((s) => Buffer.from(s))
  .concat([Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0xaf])]);

/** Text that counts and codes should refuse: huge numbers, other spellings, long fields, formulas. */
const nastyCell: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', '"', 'a"b', '\0', '-1', '-0', '1e400', '1e21', '0x1F', '1,234', '1.5', 'NaN', 'Infinity', '=1+1', '@SUM(A1)', '\u202Eevil', '2024-13', '2024-00', '0000-01', '9999-12', 'VN', '__proto__', 'constructor'),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.nat({ max: 400 }).map((n) => '9'.repeat(n + 1)),
  fc.integer({ min: 1000, max: 100_000 }).map((n) => 'x'.repeat(n)),
  fc.constantFrom(...PERIODS, ...SERVICES, ...LOCALITIES, '00691', '0', '1', '1000000001'),
);

/** CSV built from hostile cells, under a header that is sometimes right. */
const hostileCsv: fc.Arbitrary<Case> = fc
  .record({
    header: fc.oneof(fc.constant<string[]>([...REQUIRED_OBSERVATION_FIELDS]), fc.array(fc.oneof(fc.constantFrom<string>(...REQUIRED_OBSERVATION_FIELDS), nastyCell), { maxLength: 8 })),
    lines: fc.array(fc.array(nastyCell, { maxLength: 8 }), { maxLength: 10 }),
    quote: fc.boolean(),
  })
  .map(({ header, lines, quote }) => {
    const cell = (c: string) => (quote ? csvQuote(c) : c);
    return caseOf(Buffer.from([header, ...lines].map((l) => l.map(cell).join(',')).join('\n')), 'text/csv');
  });

/** Thousands of columns: in the header, or in a row under a good header. */
const wideCsv: fc.Arbitrary<Case> = fc.record({ columns: fc.integer({ min: 500, max: 5000 }), inHeader: fc.boolean() }).map(({ columns, inHeader }) => {
  const extra = Array.from({ length: columns }, (_, i) => `c${i}`);
  const text = inHeader
    ? `${[...REQUIRED_OBSERVATION_FIELDS, ...extra].join(',')}\n${['2024-01', 'KS', '01', 1, 2, ...extra].join(',')}\n`
    : `${REQUIRED_OBSERVATION_FIELDS.join(',')}\n${['2024-01', 'KS', '01', 1, 2, ...extra].join(',')}\n`;
  return caseOf(Buffer.from(text), 'text/csv');
});

/** Nesting far deeper than any real body, at the top, around the list, or inside one value. */
const deepJson: fc.Arbitrary<Case> = fc
  .record({ depth: fc.integer({ min: 100, max: 50_000 }), where: fc.constantFrom('top', 'list', 'value', 'key'), open: fc.constantFrom('[', '{"a":'), closed: fc.boolean() })
  .map(({ depth, where, open, closed }) => {
    const close = open === '[' ? ']' : '}';
    const deep = open.repeat(depth) + (open === '[' ? '' : '1') + (closed ? close.repeat(depth) : '');
    const text =
      where === 'top'
        ? deep
        : where === 'list'
          ? `{"observations":${deep}}`
          : where === 'value'
            ? `{"observations":[{"period":${deep},"service_code":"KS","locality_code":"01","online_count":1,"total_count":2}]}`
            : `{"observations":[{"period":"2024-01","service_code":"KS","locality_code":"01","online_count":1,"total_count":2,"x":${deep}}]}`;
    return caseOf(Buffer.from(text), 'application/json');
  });

/** JSON rows whose values are anything JSON can say, including numbers no double holds. */
const strangeJson: fc.Arbitrary<Case> = fc
  .array(
    fc.dictionary(fc.oneof(fc.constantFrom(...REQUIRED_OBSERVATION_FIELDS, '__proto__', 'constructor'), fc.string({ maxLength: 8 })), fc.oneof(fc.jsonValue({ maxDepth: 3 }), nastyCell), { maxKeys: 7 }),
    { maxLength: 10 },
  )
  .chain((items) =>
    fc.record({ items: fc.constant(items), huge: fc.constantFrom('1' + '0'.repeat(400), '-1e400', '1e-400', '12345678901234567890', '-0', '1.0') }),
  )
  // Raw number text after the first row's total, where JSON.stringify could not put it.
  .map(({ items, huge }) => caseOf(Buffer.from(JSON.stringify({ observations: items }).replace('"total_count":', `"total_count":${huge},"x":`)), 'application/json'));

const randomBytes: fc.Arbitrary<Case> = fc
  .record({ bytes: fc.uint8Array({ maxLength: 2000 }), type: fc.constantFrom('text/csv', 'application/json', 'text/plain', 'application/octet-stream', 'multipart/form-data; boundary=x') })
  .map(({ bytes, type }) => caseOf(Buffer.from(bytes), type));

const randomText: fc.Arbitrary<Case> = fc
  .record({ text: fc.string({ unit: 'binary', maxLength: 2000 }), type: fc.constantFrom('text/csv', 'application/json') })
  .map(({ text, type }) => caseOf(Buffer.from(text), type));

export const hostileBody = fc.oneof(hostileCsv, wideCsv, deepJson, strangeJson, randomBytes, randomText);

// ---- Mutations of a valid body ----------------------------------------------------------

type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Buffer }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicateLine'; line: number; times: number }
  | { kind: 'dropLine'; line: number }
  | { kind: 'replaceNumber'; nth: number; with: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.constantFrom(...NASTY_BYTES) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicateLine' as const), line: fc.nat(), times: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('dropLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('replaceNumber' as const), nth: fc.nat(), with: nastyCell }),
);

function mutate(body: Buffer, m: Mutation): Buffer {
  const at = (n: number) => (body.length === 0 ? 0 : n % (body.length + 1));
  switch (m.kind) {
    case 'flip': {
      if (body.length === 0) return body;
      const copy = Buffer.from(body);
      copy[m.at % body.length] = m.byte;
      return copy;
    }
    case 'insert':
      return Buffer.concat([body.subarray(0, at(m.at)), m.bytes, body.subarray(at(m.at))]);
    case 'delete':
      return Buffer.concat([body.subarray(0, at(m.at)), body.subarray(at(m.at) + m.length)]);
    case 'truncate':
      return body.subarray(0, at(m.at));
    case 'duplicateLine':
    case 'dropLine': {
      const lines = body.toString('latin1').split('\n');
      const i = m.line % lines.length;
      if (m.kind === 'dropLine') lines.splice(i, 1);
      else lines.splice(i, 0, ...Array<string>(m.times).fill(lines[i]!));
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    case 'replaceNumber': {
      const text = body.toString('latin1');
      const numbers = [...text.matchAll(/\d+/g)];
      if (numbers.length === 0) return body;
      const hit = numbers[m.nth % numbers.length]!;
      return Buffer.concat([Buffer.from(text.slice(0, hit.index), 'latin1'), Buffer.from(m.with), Buffer.from(text.slice(hit.index + hit[0].length), 'latin1')]);
    }
  }
}

/** Data rows we can count without a CSV parser: unquoted CSV, lines that are not blank. */
function unquotedCsvRows(body: Buffer): number | undefined {
  if (body.includes(0x22)) return undefined;
  const lines = body.toString('utf8').split('\n').filter((l) => !/^,*\r?$/.test(l));
  return Math.max(0, lines.length - 1);
}

export const mutatedBody: fc.Arbitrary<Case> = fc.record({ base: validBody, mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) }).map(({ base, mutations }) => {
  const body = mutations.reduce(mutate, base.body);
  return caseOf(body, base.type, { rows: base.type === 'application/json' ? undefined : unquotedCsvRows(body) });
});

// ---- The property ------------------------------------------------------------------------

/** Σ online, Σ total and each measure's numerator, denominator and rows, in the observations and in each rollup, as one text. */
const OBSERVED_SUMS = `SELECT coalesce(sum(online_count), 0) || ',' || coalesce(sum(total_count), 0) || ',' ||
  coalesce(sum(end_to_end_count), 0) || ',' || coalesce(sum(CASE WHEN end_to_end_count IS NOT NULL THEN total_count END), 0) || ',' || count(end_to_end_count) || ',' ||
  coalesce(sum(paid_online_count), 0) || ',' || coalesce(sum(CASE WHEN paid_online_count IS NOT NULL THEN fee_count END), 0) || ',' || count(paid_online_count) FROM observations`;
const ROLLUP_SUMS = ['online_count', 'total_count', 'end_to_end_count', 'end_to_end_base', 'end_to_end_rows', 'paid_online_count', 'paid_online_base', 'paid_online_rows']
  .map((c) => `coalesce(sum(${c}), 0)`)
  .join(" || ',' || ");
const SUMS = 8;

interface State {
  observations: number;
  revisions: number;
  storedBatches: number;
  /** OBSERVED_SUMS, then ROLLUP_SUMS of rollup_service_area, rollup_area and rollup_unit. */
  sums: number[];
}

function state(t: TestApp): State {
  const sums = t.db.sqlite
    .prepare(
      `SELECT ${[OBSERVED_SUMS, ...['rollup_service_area', 'rollup_area', 'rollup_unit'].map((table) => `SELECT ${ROLLUP_SUMS} FROM ${table}`)]
        .map((select) => `(${select})`)
        .join(' || \',\' || ')} AS sums`,
    )
    .get() as { sums: string };
  return {
    observations: count(t.db, 'observations'),
    revisions: count(t.db, 'observation_revisions'),
    storedBatches: (t.db.sqlite.prepare("SELECT count(*) AS n FROM batches WHERE outcome = 'stored'").get() as { n: number }).n,
    sums: sums.sums.split(',').map(Number),
  };
}

/** Sends one case and checks the property; throws (an AssertionError) when it does not hold. */
export async function checkCase(target: FuzzTarget, c: Case): Promise<void> {
  const { t } = target;
  const before = state(t);
  const res = await t.app.inject({ method: 'POST', url: URL, headers: { ...target.headers, 'content-type': c.type }, payload: c.body });
  const after = state(t);
  const what = `${res.statusCode} ${res.body.slice(0, 300)}`;
  assert.ok(res.statusCode === 201 || (res.statusCode >= 400 && res.statusCode < 500), `not a 201 or a 4xx: ${what}`);
  if (c.valid) assert.equal(res.statusCode, 201, `a valid body was refused: ${what}`);
  const answer = JSON.parse(res.body) as Record<string, unknown>;
  // The rollups are sums of the observations, the measures' sums included, after every case.
  const observed = after.sums.slice(0, SUMS);
  assert.deepEqual(after.sums.slice(SUMS), [...observed, ...observed, ...observed], 'the rollups no longer equal the observations');

  if (res.statusCode !== 201) {
    assert.equal(typeof answer.error, 'string', what);
    assert.equal(typeof answer.message, 'string', what);
    assert.deepEqual(after, before, `a refused body changed the database: ${what}`);
    return;
  }
  const { rows, inserted, revised, unchanged } = answer as Record<string, number>;
  assert.equal(inserted! + revised! + unchanged!, rows, `counts do not add up: ${what}`);
  if (c.rows !== undefined) assert.equal(rows, c.rows, `rows is not the number of data rows sent: ${what}`);
  assert.equal(after.observations - before.observations, inserted, `inserted does not match the new observations: ${what}`);
  assert.equal(after.revisions - before.revisions, revised, `revised does not match the new revisions: ${what}`);
  assert.equal(after.storedBatches - before.storedBatches, 1, what);
}

/**
 * The admin imports (service catalogue, targets) share the parsers: the same bodies must never
 * get a 5xx there either. What they store is their own business, so only the answer is checked.
 */
export async function checkAdminImport(target: FuzzTarget, url: string, c: Case): Promise<void> {
  const res = await target.t.app.inject({ method: 'POST', url, headers: { ...adminHeaders(), 'content-type': c.type }, payload: c.body });
  const what = `${url}: ${res.statusCode} ${res.body.slice(0, 300)}`;
  assert.ok(res.statusCode < 500, `a 5xx: ${what}`);
  if (res.statusCode >= 400) assert.equal(typeof (JSON.parse(res.body) as { error?: unknown }).error, 'string', what);
}

const adminImport = fc.record({ url: fc.constantFrom('/api/v1/services', '/api/v1/targets'), c: fc.oneof(hostileBody, mutatedBody) });

export const PROPERTY_NAMES = [
  'valid bodies are stored with the right counts',
  'mutated valid bodies get a 4xx or a consistent 201',
  'hostile and random bodies get a 4xx or a consistent 201',
  'the catalogue and targets imports never answer 5xx',
] as const;
export type PropertyName = (typeof PROPERTY_NAMES)[number];

/** Each property's share of the cases: mutations find the most, hostile bodies cost the most. */
const SHARE: Record<PropertyName, number> = { [PROPERTY_NAMES[0]]: 0.25, [PROPERTY_NAMES[1]]: 0.45, [PROPERTY_NAMES[2]]: 0.2, [PROPERTY_NAMES[3]]: 0.1 };

/** One property against a shared target, with its share of `cases`. */
export function ingestProperty(target: FuzzTarget, name: PropertyName, cases: number): { property: fc.IAsyncPropertyWithHooks<[unknown]>; numRuns: number } {
  const numRuns = Math.max(1, Math.round(cases * SHARE[name]));
  const check = (c: Case) => checkCase(target, c);
  const property: fc.IAsyncPropertyWithHooks<[unknown]> =
    name === PROPERTY_NAMES[0]
      ? fc.asyncProperty(validBody, check)
      : name === PROPERTY_NAMES[1]
        ? fc.asyncProperty(mutatedBody, check)
        : name === PROPERTY_NAMES[2]
          ? fc.asyncProperty(hostileBody, check)
          : fc.asyncProperty(adminImport, ({ url, c }) => checkAdminImport(target, url, c));
  return { property, numRuns };
}

/** 2,400 cases run in about 25 s on two shared cores: well under CI's minute. FUZZ_RUNS=100000 for a long run. */
export const CI_CASES = 2400;

/** Cases in all: FUZZ_RUNS, or the fallback. */
export function fuzzCases(fallback = CI_CASES, env: NodeJS.ProcessEnv = process.env): number {
  const runs = Number(env.FUZZ_RUNS);
  return Number.isInteger(runs) && runs > 0 ? runs : fallback;
}
