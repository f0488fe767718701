import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_TO, NEW_PROVINCES, benchMonths, serviceCode } from './dataset.ts';
import { communeCeilingRows, communeScale } from './communes.ts';
import { communeSite } from './commune-site.ts';
import { httpIngest, provinceCeilingRows, rawInsertCeiling } from './ingest.ts';
import { fuzz } from './fuzz.ts';
import { reliability } from './reliability.ts';
import { peakRssMiB, startServer } from './server.ts';
import { fullSiteBuild, pageWeights, uploadToSiteSeconds } from './site.ts';
import { timeRequests } from './stats.ts';
import { INDICATORS } from '../db/indicators/catalogue.ts';
import { openDb } from '../db/open.ts';
import { computeSignals } from '../db/watch/signals.ts';

const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '1000' },
    queries: { type: 'string', default: '300' },
    only: { type: 'string' },
    // Only the "under load" part (bench/reliability.ts), on the demo data.
    reliability: { type: 'boolean', default: false },
    'load-seconds': { type: 'string', default: '20' },
    'soak-seconds': { type: 'string', default: '300' },
    // Only the long ingest fuzzing run: this many fast-check cases (CI runs a few thousand).
    fuzz: { type: 'string' },
    // "commune": the commune-scale dataset on top (bench/communes.ts), about 17 million more rows.
    scale: { type: 'string', default: 'province' },
  },
});
const services = Number(values.services);
const queries = Number(values.queries);
const dir = join('bench', 'data', `run-${Date.now()}`);
const ADMIN = 'bench-admin-token';
const env = { DB_PATH: join(dir, 'thuocdo.db'), SITE_DIR: join(dir, 'site'), SEED_DEMO: '0', ADMIN_TOKEN: ADMIN, WRITE_RATE_LIMIT: '100000' };

interface Result {
  metric: string;
  value: number;
  unit: string;
  goal: string;
  pass: boolean | null;
}
const results: Result[] = [];
const record = (metric: string, value: number, unit: string, goal = '', pass: boolean | null = null) => {
  results.push({ metric, value: Math.round(value * 100) / 100, unit, goal, pass });
  console.error(`  ${metric}: ${value.toFixed(2)} ${unit}`);
};
const notes: string[] = [];
const note = (text: string) => {
  notes.push(text);
  console.error(`  note: ${text}`);
};

if (values.fuzz !== undefined) {
  const run = await fuzz(Number(values.fuzz));
  record(`ingest fuzzing: ${run.cases.toLocaleString('en')} fast-check cases, failures`, run.failures, '', '0', run.failures === 0);
  record('ingest fuzzing: time', run.seconds, 's');
  finish();
}

if (values.reliability) {
  await reliability({ loadSeconds: Number(values['load-seconds']), soakSeconds: Number(values['soak-seconds']) }, { record, note });
  finish();
}

mkdirSync(dir, { recursive: true });

console.error(`bench: ${services} services × provinces × ${benchMonths().length} months, data in ${dir}`);

const ceiling = rawInsertCeiling(dir, () => provinceCeilingRows(services));
record('raw insert ceiling (one transaction)', ceiling.rowsPerSecond, 'rows/s');
const communes = values.scale === 'commune';
const communeCeiling = communes ? rawInsertCeiling(dir, communeCeilingRows, 'commune-ceiling') : null;
if (communeCeiling) record('commune scale: raw insert ceiling (one transaction)', communeCeiling.rowsPerSecond, 'rows/s');

// Ingest and reads, with site rebuilds held off so they measure the API alone.
let token = '';
const api = await startServer({ ...env, SITE_BUILD_DELAY_MS: '86400000' });
try {
  const ingest = await httpIngest(api, ADMIN, services);
  token = ingest.token;
  const share = ingest.rowsPerSecond / ceiling.rowsPerSecond;
  record(`HTTP CSV ingest (${ingest.rows} rows, ${ingest.batches} batches)`, ingest.rowsPerSecond, 'rows/s');
  record('HTTP ingest / raw ceiling', share * 100, '%', '≥ 40%', share >= 0.4);

  const national = await timeRequests(Array.from({ length: queries }, () => `${api.url}/api/v1/adoption?granularity=year`));
  record('adoption national/all/year p50', national.p50, 'ms');
  record('adoption national/all/year p99', national.p99, 'ms', '< 50 ms', national.p99 < 50);
  const local = await timeRequests(
    Array.from({ length: queries }, (_, i) => {
      const province = NEW_PROVINCES[i % NEW_PROVINCES.length];
      return `${api.url}/api/v1/adoption?service=${serviceCode((i * 7919) % services)}&locality=${province}&granularity=month`;
    }),
  );
  record('adoption province/service/month p50', local.p50, 'ms');
  record('adoption province/service/month p99', local.p99, 'ms', '< 50 ms', local.p99 < 50);
  // Issue 16: every indicator, nationally by year and for a province by month. The server follows
  // the rollups in memory (server/plugins/cube.ts); after this 4.7-million-row ingest it reads them
  // whole again in a thread, and the first question that needs them waits for that: timed apart.
  const firstStarted = performance.now();
  await fetch(`${api.url}/api/v1/adoption?indicator=services_with_online_dossiers&granularity=year`).then((r) => r.arrayBuffer());
  record('first service-counting indicator question after the ingest (waits for the server to read the rollups again)', performance.now() - firstStarted, 'ms');
  for (const indicator of INDICATORS) {
    const timing = await timeRequests(
      Array.from({ length: queries }, (_, i) =>
        i % 2 === 0
          ? `${api.url}/api/v1/adoption?indicator=${indicator.id}&granularity=year`
          : `${api.url}/api/v1/adoption?indicator=${indicator.id}&locality=${NEW_PROVINCES[i % NEW_PROVINCES.length]}&granularity=month`,
      ),
    );
    record(`adoption ?indicator=${indicator.id} (national/year, province/month) p99`, timing.p99, 'ms', '< 50 ms', timing.p99 < 50);
  }
  const cards = await timeRequests(Array.from({ length: Math.min(queries, 100) }, (_, i) => `${api.url}/api/v1/scorecard?locality=${i % 2 ? NEW_PROVINCES[i % NEW_PROVINCES.length] : 'VN'}&year=2025`));
  record('scorecard (VN or a province, 2025) p99', cards.p99, 'ms');
  const rss = peakRssMiB(api.pid);
  record('server peak RSS (ingest + reads)', rss, 'MiB', '< 1024 MiB', rss < 1024);
  if (communeCeiling) await communeScale(api, ADMIN, token, env.DB_PATH, communeCeiling.rowsPerSecond, record, queries);
} finally {
  await api.stop();
}

// Every watch-list signal on the whole dataset (the first call includes its one-off scans).
const watchDb = openDb(env.DB_PATH);
const signalsStarted = performance.now();
const signals = computeSignals(watchDb.sqlite);
const signalSeconds = (performance.now() - signalsStarted) / 1000;
watchDb.sqlite.close();
record(`watch list: every signal (${signals.flags.length} flags)`, signalSeconds, 's', '< 10 s', signalSeconds < 10);

if (values.only === 'api') finish();

// At commune scale the site part is its own (issue 13's goals); the province-scale site figures come from a province run.
if (communes) {
  await communeSite(env, token, record, services);
  finish();
}

const build = fullSiteBuild(env);
record(`full site build from scratch (${build.pages} pages, ${build.imagesRendered} images drawn)`, build.ms / 1000, 's');
record('full site build peak RSS', build.peakRssMiB, 'MiB', '< 1024 MiB', build.peakRssMiB < 1024);
record(`writing the raw observations in that build (${build.raw.written} parts by year and province)`, build.raw.ms / 1000, 's');
record(`writing the ${build.spreadsheets.written} spreadsheets (XLSX) in that build`, build.spreadsheets.ms / 1000, 's');
// The same build again: every image is unchanged and reused, so the difference is the images' cost.
const again = fullSiteBuild(env);
record('full site build without drawing images', again.ms / 1000, 's', '< 60 s', again.ms < 60_000);
record(`raw observations in that build: ${again.raw.linked} unchanged parts linked, ${again.raw.written} written`, again.raw.ms / 1000, 's');
record(`spreadsheets in that build: ${again.spreadsheets.linked} unchanged linked, ${again.spreadsheets.written} written`, again.spreadsheets.ms / 1000, 's');
const imageSeconds = (build.ms - again.ms) / 1000;
record(`drawing all ${build.imagesRendered} chart images (PNG + SVG)`, imageSeconds, 's', '< 30 s', imageSeconds < 30);
const weight = pageWeights(env.SITE_DIR);
// As sent (brotli siblings), first visit, the page with every stylesheet and script it links.
record('home page, first visit as sent (br): HTML, CSS, JS, Chart.js', weight.homeKb, 'KB', '< 100 KB', weight.homeKb < 100);
record('province page /localities/79/, first visit as sent (br)', weight.provinceKb, 'KB', '< 150 KB', weight.provinceKb < 150);
record('embed /embed/national/, first visit as sent (br)', weight.embedKb, 'KB', '< 90 KB', weight.embedKb < 90);
record('watch page /watch/, first visit as sent (br)', weight.watchKb, 'KB', '< 200 KB', weight.watchKb < 200);
record('of which Chart.js (br, immutable: once per browser)', weight.chartJsKb, 'KB');

// With the default rebuild delay: how long until a 1,000-row upload shows on the site. The first
// upload right after a start may wait for the builder to read the rollups; the next ones do not.
const live = await startServer(env);
try {
  const first = await uploadToSiteSeconds(live, token, services, BENCH_TO, 7);
  record(`upload of ${services} rows visible on the site, right after the server started`, first, 's');
  const seconds = Math.max(await uploadToSiteSeconds(live, token, services, BENCH_TO, 8), await uploadToSiteSeconds(live, token, services, BENCH_TO, 6));
  record(`upload of ${services} rows (one province, one month) visible on the site (slower of two)`, seconds, 's', '< 5 s', seconds < 5);
} finally {
  await live.stop();
}

finish();

function finish(): never {
  console.log(`\n| metric | value | unit | goal | pass |\n|---|---:|---|---|---|`);
  for (const r of results) console.log(`| ${r.metric} | ${r.value.toLocaleString('en')} | ${r.unit} | ${r.goal} | ${r.pass === null ? '' : r.pass ? 'yes' : 'NO'} |`);
  for (const n of notes) console.log(`\nNote: ${n}`);
  // Each part keeps the others' figures: "reliability" and "fuzz" have their own keys.
  const file = join('bench', 'results.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { reliability?: unknown; fuzz?: unknown }) : {};
  const part = { date: new Date().toISOString(), node: process.version, results, notes };
  const next =
    values.fuzz !== undefined
      ? { ...previous, fuzz: part }
      : values.reliability
        ? { ...previous, reliability: part }
        : values.scale === 'commune'
          ? { ...previous, commune: { ...part, services } }
          : { ...part, services, reliability: previous.reliability, fuzz: previous.fuzz, commune: (previous as { commune?: unknown }).commune };
  writeFileSync(file, JSON.stringify(next, null, 2) + '\n');
  console.log(`\nwritten ${file}`);
  process.exit(0);
}
