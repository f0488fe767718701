import { addMonths, monthRange } from '../db/months.ts';
import { post } from './ingest.ts';
import type { RunningServer } from './server.ts';

const BATCH_ROWS = 1000;
/** Longer than the server's default 1 s rebuild debounce: quick site rebuilds run during the load, as in production. */
const PAUSE_MS = 1500;

/** One batch: every listed commune × every listed service, in one month. */
export interface Batch {
  period: string;
  communes: string[];
  services: string[];
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return (await res.json()) as T;
}

/**
 * Realistic batches for the demo data: the provinces that have not reported their latest
 * months yet send them commune by commune (as Hà Nội does), about 1,000 rows a batch.
 * Returns the batches and the provinces a publisher needs.
 */
export async function lateReports(server: RunningServer): Promise<{ provinces: string[]; batches: Batch[] }> {
  const { latest_period: latest } = await getJson<{ latest_period: string }>(`${server.url}/api/v1/health`);
  const from = addMonths(latest, -5);
  const { localities } = await getJson<{ localities: Array<{ code: string; level: string; parent_code: string | null }> }>(
    `${server.url}/api/v1/localities?at=${latest}`,
  );
  const { services } = await getJson<{ services: Array<{ code: string }> }>(`${server.url}/api/v1/services`);
  const provinces: string[] = [];
  const batches: Batch[] = [];
  for (const province of localities.filter((u) => u.level === 'province')) {
    const { series } = await getJson<{ series: Array<{ period: string }> }>(
      `${server.url}/api/v1/adoption?locality=${province.code}&from=${from}&to=${latest}`,
    );
    const reported = new Set(series.map((s) => s.period));
    const missing = monthRange(from, latest).filter((m) => !reported.has(m));
    const communes = localities.filter((u) => u.parent_code === province.code).map((u) => u.code);
    if (missing.length === 0 || communes.length === 0) continue;
    provinces.push(province.code);
    const perBatch = Math.max(1, Math.floor(BATCH_ROWS / communes.length));
    for (const period of missing) {
      for (let i = 0; i < services.length; i += perBatch) batches.push({ period, communes, services: services.slice(i, i + perBatch).map((s) => s.code) });
    }
  }
  if (batches.length === 0) throw new Error('no province is missing a recent month: the reliability bench needs the demo data (SEED_DEMO=1)');
  return { provinces, batches };
}

/** Counts that change with every round, so every row after the first round is a revision. */
function batchCsv(batch: Batch, round: number): string {
  const lines = ['period,service_code,locality_code,online_count,total_count'];
  batch.communes.forEach((commune, c) =>
    batch.services.forEach((service, s) => {
      const total = 50 + ((c * 31 + s * 17 + round * 13) % 400);
      lines.push(`${batch.period},${service},${commune},${Math.floor((total * ((c + s + round) % 10)) / 10)},${total}`);
    }),
  );
  return lines.join('\n') + '\n';
}

export interface IngestTally {
  batches: number;
  rows: number;
  revised: number;
  failed: number;
  lastFailure: string | null;
  /** Each stored batch's round trip: while one is written the server's event loop answers nothing else. */
  ms: number[];
}

export interface LateReporter {
  batches: Batch[];
  /** Sends every batch once, back to back: afterwards every batch revises every row it sends. */
  prime: () => Promise<IngestTally>;
  /** Starts sending the batches in turn, with a pause after each; the function stops it. */
  run: () => () => Promise<IngestTally>;
}

/** A publisher for the late provinces. Rounds carry on from one run to the next, so the counts keep changing. */
export async function lateReporter(server: RunningServer, adminToken: string): Promise<LateReporter> {
  const { provinces, batches } = await lateReports(server);
  const { token } = (await post(server, '/api/v1/publishers', JSON.stringify({ name: 'reliability bench', localities: provinces }), {
    authorization: `Bearer ${adminToken}`,
    'content-type': 'application/json',
  })) as { token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'text/csv' };
  let sent = 0;
  const sendNext = async (tally: IngestTally) => {
    const body = batchCsv(batches[sent % batches.length]!, Math.floor(sent / batches.length));
    sent++;
    const started = performance.now();
    try {
      const res = await fetch(`${server.url}/api/v1/observations`, { method: 'POST', body, headers });
      const answer = (await res.json()) as { rows: number; revised: number };
      if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(answer).slice(0, 300)}`);
      tally.batches++;
      tally.rows += answer.rows;
      tally.revised += answer.revised;
      tally.ms.push(performance.now() - started);
    } catch (err) {
      tally.failed++;
      tally.lastFailure = (err as Error).message;
    }
  };
  const newTally = (): IngestTally => ({ batches: 0, rows: 0, revised: 0, failed: 0, lastFailure: null, ms: [] });
  return {
    batches,
    prime: async () => {
      const tally = newTally();
      for (const _ of batches) await sendNext(tally);
      return tally;
    },
    run: () => {
      const tally = newTally();
      let running = true;
      const loop = (async () => {
        while (running) {
          await sendNext(tally);
          if (running) await new Promise((r) => setTimeout(r, PAUSE_MS));
        }
      })();
      return async () => {
        running = false;
        await loop;
        return tally;
      };
    },
  };
}
