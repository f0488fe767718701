import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchMonths, NEW_PROVINCES, serviceCode } from './dataset.ts';
import { httpIngest, rawInsertCeiling } from './ingest.ts';
import { peakRssMiB, startServer } from './server.ts';
import { timeRequests } from './stats.ts';

const { values } = parseArgs({ options: { services: { type: 'string', default: '1000' }, queries: { type: 'string', default: '300' } } });
const services = Number(values.services);
const queries = Number(values.queries);
const dir = join('bench', 'data', `run-${Date.now()}`);
mkdirSync(dir, { recursive: true });
const ADMIN = 'bench-admin-token';

interface Result {
  metric: string;
  value: number;
  unit: string;
  goal: string;
  pass: boolean | null;
}
const results: Result[] = [];
const record = (metric: string, value: number, unit: string, goal = '', pass: boolean | null = null) =>
  results.push({ metric, value: Math.round(value * 100) / 100, unit, goal, pass });

console.error(`bench: ${services} services × provinces × ${benchMonths().length} months, data in ${dir}`);

const ceiling = rawInsertCeiling(dir, services);
record('raw insert ceiling (one transaction)', ceiling.rowsPerSecond, 'rows/s');

const server = await startServer({ DB_PATH: join(dir, 'thuocdo.db'), SITE_DIR: join(dir, 'site'), SEED_DEMO: '0', ADMIN_TOKEN: ADMIN });
try {
  const ingest = await httpIngest(server, ADMIN, services);
  const share = ingest.rowsPerSecond / ceiling.rowsPerSecond;
  record(`HTTP CSV ingest (${ingest.rows} rows, ${ingest.batches} batches)`, ingest.rowsPerSecond, 'rows/s');
  record('HTTP ingest / raw ceiling', share * 100, '%', '≥ 40%', share >= 0.4);

  const national = await timeRequests(Array.from({ length: queries }, () => `${server.url}/api/v1/adoption?granularity=year`));
  record('adoption national/all/year p50', national.p50, 'ms');
  record('adoption national/all/year p99', national.p99, 'ms', '< 50 ms', national.p99 < 50);
  const local = await timeRequests(
    Array.from({ length: queries }, (_, i) => {
      const province = NEW_PROVINCES[i % NEW_PROVINCES.length];
      return `${server.url}/api/v1/adoption?service=${serviceCode((i * 7919) % services)}&locality=${province}&granularity=month`;
    }),
  );
  record('adoption province/service/month p50', local.p50, 'ms');
  record('adoption province/service/month p99', local.p99, 'ms', '< 50 ms', local.p99 < 50);
  const rss = peakRssMiB(server.pid);
  record('server peak RSS', rss, 'MiB', '< 1024 MiB', rss < 1024);
} finally {
  await server.stop();
}

console.log(`\n| metric | value | unit | goal | pass |\n|---|---:|---|---|---|`);
for (const r of results) console.log(`| ${r.metric} | ${r.value.toLocaleString('en')} | ${r.unit} | ${r.goal} | ${r.pass === null ? '' : r.pass ? 'yes' : 'NO'} |`);
const out = { date: new Date().toISOString(), node: process.version, services, results };
writeFileSync(join('bench', 'results.json'), JSON.stringify(out, null, 2) + '\n');
console.log('\nwritten bench/results.json');
