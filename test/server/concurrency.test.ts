import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bucket, Granularity } from '../../db/adoption.ts';
import { tempDir } from '../helper.ts';
import {
  ROOT,
  type Batch,
  type ServerFiles,
  createPublisher,
  currentProvinces,
  getJson,
  inDb,
  killServers,
  makeBatch,
  monthsFrom,
  postCsv,
  provincesBefore2025,
  registerServices,
  rollupMismatches,
  serverFiles,
  startServer,
} from './child.ts';

const PROVINCES = currentProvinces();
const SUCCESSOR = provincesBefore2025();
const SERVICES = Array.from({ length: 20 }, (_, i) => `C${String(i).padStart(2, '0')}`);
// A writes services 0–13, B writes 7–19: on 7–13 they revise each other's rows.
const A_SERVICES = SERVICES.slice(0, 14);
const B_SERVICES = SERVICES.slice(7);
const MONTHS = monthsFrom('2025-07', 12);

interface Row {
  service: string;
  locality: string;
  period: string;
  online: number;
  total: number;
}

interface ObservationPage {
  next_offset: number | null;
  observations: Array<{ period: string; service_code: string; locality_code: string; online_count: number; total_count: number }>;
}

interface Query {
  service?: string;
  locality?: string;
  granularity: Granularity;
  from?: string;
  to?: string;
}

/** What readers ask: the country, a merged province over its history, services one or both publishers write. */
const QUERIES: Query[] = [
  { granularity: 'month' },
  { locality: '08', granularity: 'quarter' },
  { service: 'C10', granularity: 'year' },
  { service: 'C03', locality: '79', granularity: 'month' },
  { service: 'C18', locality: '80', granularity: 'quarter', from: '2024-06', to: '2025-12' },
];

const path = (q: Query) => `/api/v1/adoption?${new URLSearchParams(Object.entries(q) as Array<[string, string]>)}`;

function rowsOf(batch: Batch): Row[] {
  return batch.csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [period, service, locality, online, total] = line.split(',') as [string, string, string, string, string];
      return { service, locality, period, online: Number(online), total: Number(total) };
    });
}

/**
 * The adoption series recomputed from rows as reported, without the app's code: a row before
 * 2025-07 counts towards the province its code's old province merged into (the reference
 * file), Σonline / Σtotal per bucket, rounded to four decimals.
 */
type Sums = Omit<Bucket, 'coverage' | 'complete'>;

/** A bucket's sums alone: coverage has tests of its own (test/db/coverage.test.ts). */
const sumsOf = (series: Bucket[]): Sums[] => series.map(({ coverage: _coverage, complete: _complete, ...sums }) => sums);

function recompute(rows: Iterable<Row>, q: Query): Sums[] {
  const months = new Map<string, { online: number; total: number }>();
  for (const r of rows) {
    const area = r.period < '2025-07' ? SUCCESSOR.get(r.locality) : r.locality;
    if ((q.service && r.service !== q.service) || (q.locality && area !== q.locality)) continue;
    if ((q.from && r.period < q.from) || (q.to && r.period > q.to)) continue;
    const m = months.get(r.period) ?? { online: 0, total: 0 };
    m.online += r.online;
    m.total += r.total;
    months.set(r.period, m);
  }
  const label = (month: string) =>
    q.granularity === 'month' ? month : q.granularity === 'year' ? month.slice(0, 4) : `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5)) / 3)}`;
  const buckets = new Map<string, Sums>();
  for (const month of [...months.keys()].sort()) {
    const { online, total } = months.get(month)!;
    const b = buckets.get(label(month)) ?? { period: label(month), first_month: month, last_month: month, months: 0, online_count: 0, total_count: 0, rate: null };
    b.last_month = month;
    b.months++;
    b.online_count += online;
    b.total_count += total;
    buckets.set(b.period, b);
  }
  return [...buckets.values()].map((b) => ({ ...b, rate: b.total_count === 0 ? null : Math.round((b.online_count / b.total_count) * 10_000) / 10_000 }));
}

/** Runs `npm run ingest` as publisher `id` on the server's file: a second process writing it. */
async function cliIngest(files: ServerFiles, file: string, id: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/ingest.ts', file, '--publisher', String(id)], {
    cwd: ROOT,
    env: { ...process.env, DB_PATH: files.dbPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

describe('concurrent publishers and readers on a listening server', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => void (dir = tempDir('thuocdo-concurrency-')));
  afterEach(async () => {
    await killServers();
    dir.remove();
  });

  it('every read sees a batch wholly or not at all, and the rates equal those recomputed from the raw rows', async () => {
    const files = serverFiles(dir.path);
    const server = await startServer(files, { SITE_BUILD_DELAY_MS: '3600000' });
    await registerServices(server.url, SERVICES);
    // Same scope for both: every province, hence every old province merged into one.
    const a = await createPublisher(server.url, PROVINCES);
    const b = await createPublisher(server.url, PROVINCES);

    // History in the old boundaries first, so that merged provinces have something to merge.
    const history = makeBatch({ services: SERVICES, localities: [...SUCCESSOR.keys()], months: monthsFrom('2024-01', 18) }, (i) => [i % 5, 10 + (i % 7)]);
    expect(await postCsv(server.url, a.headers, history.csv)).toMatchObject({ status: 201 });

    // Each batch sets all its rows to its own value v (online v of 10 + v): a state is known by its sums.
    const batchOf = (services: string[], v: number) => makeBatch({ services, localities: PROVINCES, months: MONTHS }, () => [v, 10 + v]);
    const aBatches = [1, 3, 5].map((v) => batchOf(A_SERVICES, v));
    const bBatches = [2, 4, 6].map((v) => batchOf(B_SERVICES, v));
    // B's last batch goes through the CLI: another process writing the file while the server reads it.
    const cliFile = join(dir.path, 'b-last.csv');
    writeFileSync(cliFile, bBatches[2]!.csv);

    let writing = true;
    const writers = Promise.all([
      (async () => {
        for (const batch of aBatches) expect(await postCsv(server.url, a.headers, batch.csv)).toMatchObject({ status: 201, body: { rows: batch.rows } });
      })(),
      (async () => {
        for (const batch of bBatches.slice(0, 2)) expect(await postCsv(server.url, b.headers, batch.csv)).toMatchObject({ status: 201, body: { rows: batch.rows } });
        const cli = await cliIngest(files, cliFile, b.id);
        expect(cli.code, cli.output).toBe(0);
      })(),
    ]).finally(() => (writing = false));
    const reads: Array<{ reader: number; query: number; series: Bucket[] }> = [];
    const readers = Array.from({ length: 3 }, async (_, reader) => {
      for (let n = reader; writing; n++) {
        const query = n % QUERIES.length;
        const res = await getJson<{ series: Bucket[] }>(`${server.url}${path(QUERIES[query]!)}`);
        expect(res.status).toBe(200);
        reads.push({ reader, query, series: res.body.series });
      }
    });
    await Promise.all([writers, ...readers]);

    // The order the batches were committed in is the order of their ids.
    const sent = [history, ...aBatches, ...bBatches];
    const stored = inDb(files.dbPath, (db) => ({
      committed: db.sqlite.prepare("SELECT id, sha256 FROM batches WHERE outcome = 'stored' ORDER BY id").all() as Array<{ id: number; sha256: string }>,
      revisions: (db.sqlite.prepare('SELECT count(*) AS n FROM observation_revisions').get() as { n: number }).n,
      rollupMismatches: rollupMismatches(db),
    }));
    const committed = stored.committed.map(({ id, sha256 }) => ({ id, batch: sent.find((s) => s.sha256 === sha256)! }));
    expect(committed.every((c) => c.batch)).toBe(true);
    expect(committed).toHaveLength(sent.length);
    expect(stored.rollupMismatches).toEqual([]);
    // The state after each commit: rows by key, applied in commit order; a changed key is a revision.
    const current = new Map<string, Row>();
    let revisions = 0;
    const states = committed.map(({ batch }) => {
      for (const r of rowsOf(batch)) {
        const key = `${r.service}|${r.locality}|${r.period}`;
        if (current.has(key)) revisions++;
        current.set(key, r);
      }
      return [...current.values()];
    });
    expect(stored.revisions).toBe(revisions);
    const expected = QUERIES.map((q) => states.map((rows) => recompute(rows, q)));

    // Every read equals the series of one state, and a reader never sees an older state than it saw before.
    const seen = new Map<number, number>();
    for (const { reader, query, series } of reads) {
      const earliest = seen.get(reader) ?? 0;
      const k = expected[query]!.findIndex((state, i) => i >= earliest && JSON.stringify(state) === JSON.stringify(sumsOf(series)));
      expect(k, `reader ${reader}, ${path(QUERIES[query]!)}: ${JSON.stringify(series)}`).toBeGreaterThanOrEqual(0);
      seen.set(reader, k);
    }
    expect(reads.length).toBeGreaterThan(QUERIES.length);

    // As of each batch, the API gives the state right after it.
    for (const [k, { id }] of committed.entries()) {
      for (const q of [QUERIES[0]!, QUERIES[2]!]) {
        const frozen = await getJson<{ series: Bucket[] }>(`${server.url}${path(q)}&as_of_batch=${id}`);
        expect(sumsOf(frozen.body.series)).toEqual(expected[QUERIES.indexOf(q)]![k]);
      }
    }

    // Finally, recomputed from the raw observations as the API lists them, page by page.
    const raw: Row[] = [];
    for (let offset: number | null = 0; offset !== null; ) {
      const { body: page }: { body: ObservationPage } = await getJson<ObservationPage>(`${server.url}/api/v1/observations?limit=10000&offset=${offset}`);
      for (const o of page.observations) raw.push({ service: o.service_code, locality: o.locality_code, period: o.period, online: o.online_count, total: o.total_count });
      offset = page.next_offset;
    }
    expect(raw).toHaveLength(states.at(-1)!.length);
    for (const q of QUERIES) {
      const answer = await getJson<{ series: Bucket[] }>(`${server.url}${path(q)}`);
      expect(sumsOf(answer.body.series), path(q)).toEqual(recompute(raw, q));
      expect(answer.body.series.length, path(q)).toBeGreaterThan(0);
    }
  }, 120_000);
});
