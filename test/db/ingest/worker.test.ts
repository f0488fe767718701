import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNRESTRICTED, type Writer } from '../../../db/ingest/ingest.ts';
import { type IngestRunner, ingestWorker } from '../../../db/ingest/worker.ts';
import { openDb } from '../../../db/open.ts';
import { addServices, count, csv, testDb } from '../../helper.ts';

const WRITER: Writer = { source: 'api', publisherId: null, scope: UNRESTRICTED };
const SERVICES = Array.from({ length: 100 }, (_, s) => `S${s}`);
/** Communes of 2024 would need their codes; 100 services × 63 old provinces × months is plenty. */
const PROVINCES = ['01', '02', '04', '06', '08', '10', '11', '12', '14', '15', '17', '19', '20', '22', '24', '25', '26', '27', '30', '31'];

function bigBatch(months: string[]): string {
  const rows: Array<Array<string | number>> = [];
  for (const month of months) for (const p of PROVINCES) for (const s of SERVICES) rows.push([month, s, p, 3, 7]);
  return csv(rows);
}

describe('ingestWorker: batches on a thread of their own', () => {
  let db: ReturnType<typeof testDb>;
  let runner: IngestRunner;
  beforeEach(() => {
    db = testDb();
    addServices(db, ...SERVICES);
    runner = ingestWorker(db.file, db.sqlite);
  });
  afterEach(async () => {
    await runner.close();
    db.remove();
  });

  it('stores a batch through its own connection, with the same answers as in process', async () => {
    const stored = await runner.ingest(Buffer.from(csv([['2024-01', 'S1', '01', 1, 2]])), 'csv', WRITER);
    expect(stored).toMatchObject({ status: 201, body: { rows: 1, inserted: 1 } });
    expect(count(db, 'observations')).toBe(1);
    const refused = await runner.ingest(Buffer.from(csv([['2024-02', 'S1', '01', 5, 2]])), 'csv', WRITER);
    expect(refused).toMatchObject({ status: 422, body: { error: 'invalid_rows', errors: [{ row: 2, column: 'online_count' }] } });
    expect(count(db, 'observations')).toBe(1);
  });

  it('keeps this thread free while a big batch is written, and readers see the old state until it commits', async () => {
    const months = ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06', '2024-07', '2024-08', '2024-09', '2024-10'];
    const body = Buffer.from(bigBatch(months));
    let done = false;
    const writing = runner.ingest(body, 'csv', WRITER).finally(() => (done = true));
    // Count turns of this thread's event loop, and what a reader sees, while the batch is written.
    let turns = 0;
    const seen = new Set<number>();
    while (!done) {
      seen.add(count(db, 'observations'));
      turns++;
      await new Promise((r) => setImmediate(r));
    }
    expect(await writing).toMatchObject({ status: 201, body: { inserted: months.length * PROVINCES.length * SERVICES.length } });
    // In process, the loop would not turn at all until the batch was written.
    expect(turns).toBeGreaterThan(10);
    // Never a half-written batch: nothing, then everything.
    expect([...seen].every((n) => n === 0 || n === 20_000)).toBe(true);
    expect(count(db, 'observations')).toBe(20_000);
  });

  it('stores on the caller\'s connection when the database is in memory (another connection would see another database)', async () => {
    const memory = openDb(':memory:');
    addServices(memory, 'S1');
    const inMemory = ingestWorker(memory.file, memory.sqlite);
    try {
      expect(await inMemory.ingest(Buffer.from(csv([['2024-01', 'S1', '01', 1, 2]])), 'csv', WRITER)).toMatchObject({ status: 201 });
      expect(count(memory, 'observations')).toBe(1);
    } finally {
      await inMemory.close();
      memory.sqlite.close();
    }
  });

  it('finishes the batches already sent before it closes', async () => {
    const pending = [runner.ingest(Buffer.from(csv([['2024-01', 'S1', '01', 1, 2]])), 'csv', WRITER), runner.ingest(Buffer.from(csv([['2024-01', 'S2', '01', 1, 2]])), 'csv', WRITER)];
    await runner.close();
    expect((await Promise.all(pending)).map((o) => o.status)).toEqual([201, 201]);
    expect(count(db, 'observations')).toBe(2);
  });
});
