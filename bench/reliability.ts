import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { kill, onAbort, stopTree } from './cleanup.ts';
import { type IngestTally, lateReporter } from './late-reports.ts';
import { type LoadRun, type Target, cpuSummary, failureNotes, failures, hit } from './load.ts';
import { cpuMeter, descendants } from './proc.ts';
import type { Output } from './report.ts';
import { type RunningServer, startServer } from './server.ts';
import { MAX_GROWTH, WARM_UP_SHARE, WINDOW_SHARE, sampleRss } from './soak.ts';
import { staticVsNginx } from './static-vs-nginx.ts';
import { percentile } from './stats.ts';

const ADMIN = 'bench-reliability-admin-token';
/** Per target; four targets at once. */
const CONNECTIONS = 5;
const WARM_UP_SECONDS = 5;
const SITE_TIMEOUT_SECONDS = 300;
const ADOPTION = 'adoption API';

/** Home page, an embed page, the adoption API and oEmbed, each cycling through a few real URLs. */
function mixedTargets(url: string, service: string): Target[] {
  const oembed = (page: string) => `/oembed?url=${encodeURIComponent(url + page)}&format=json`;
  const target = (name: string, paths: string[]) => ({ name, url, paths, connections: CONNECTIONS });
  return [
    target('home page /', ['/']),
    target('embed page /embed/national/', ['/embed/national/']),
    target(ADOPTION, [
      '/api/v1/adoption?granularity=year',
      '/api/v1/adoption?locality=79&granularity=month&from=2024-01',
      `/api/v1/adoption?service=${service}&locality=01&granularity=quarter`,
      `/api/v1/adoption?service=${service}&granularity=month`,
    ]),
    target('oEmbed', [oembed('/embed/national/'), oembed(`/services/${service}/`), oembed('/localities/79/')]),
  ];
}

/** Waits until a published site includes the latest batch (the demo's, at first): no build is due. */
async function siteCaughtUp(server: RunningServer): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < SITE_TIMEOUT_SECONDS * 1000) {
    const health = (await fetch(`${server.url}/api/v1/health`).then((r) => r.json(), () => null)) as {
      site_built_at?: string | null;
      last_batch_at?: string | null;
    } | null;
    // site_built_at is when that build started; an idle builder rules out one already queued behind it.
    const builder = cpuMeter(descendants(server.pid));
    await new Promise((r) => setTimeout(r, 1000));
    if (health?.site_built_at && health.site_built_at > (health.last_batch_at ?? '') && builder() < 0.05) return;
  }
  throw new Error(`the site did not catch up with the data within ${SITE_TIMEOUT_SECONDS} s`);
}

/** The mixed read load with the ingest loop running beside it. */
async function underLoad(server: RunningServer, ingestRun: () => () => Promise<IngestTally>, targets: Target[], seconds: number) {
  const stopIngest = ingestRun();
  const load = await hit(targets, seconds, server.pid);
  return { load, ingest: await stopIngest() };
}

function reportLoad(label: string, run: { load: LoadRun; ingest: IngestTally }, { record, note }: Output): number {
  for (const t of run.load.targets) {
    record(`${t.name}, ${label}: throughput`, t.perSecond, 'req/s');
    record(`${t.name}, ${label}: p50`, t.p50, 'ms');
    const goal = t.name === ADOPTION;
    record(`${t.name}, ${label}: p99`, t.p99, 'ms', goal ? '< 50 ms' : '', goal ? t.p99 < 50 : null);
    record(`${t.name}, ${label}: errors (non-2xx + socket)`, t.errors + t.non2xx, 'count');
  }
  const { ingest } = run;
  record(`ingest batches done, ${label} (${ingest.rows.toLocaleString('en')} rows, ${ingest.revised.toLocaleString('en')} revised)`, ingest.batches, 'batches');
  const batchMs = [...ingest.ms].sort((a, b) => a - b);
  record(`ingest batch round trip, ${label}: median`, percentile(batchMs, 50), 'ms');
  record(`ingest batch round trip, ${label}: max`, batchMs.at(-1) ?? NaN, 'ms');
  note(`${label}: ${cpuSummary(run.load)} (the site builder, rebuilding after batches)`);
  return noteFailures(label, run, note);
}

/** Says which target or batch failed and how, so an error count can be followed up; returns the count. */
function noteFailures(label: string, run: { load: LoadRun; ingest: IngestTally }, note: Output['note']): number {
  failureNotes(label, run.load).forEach(note);
  if (run.ingest.failed) note(`${label}: ${run.ingest.failed} ingest batches failed, the last with: ${run.ingest.lastFailure}`);
  return failures(run.load) + run.ingest.failed;
}

/**
 * Issue 6, promise 7, "under load": the demo data's server hit on every kind of URL at once
 * while a publisher keeps sending batches; static pages against nginx; memory over a soak.
 */
export async function reliability({ loadSeconds, soakSeconds }: { loadSeconds: number; soakSeconds: number }, out: Output): Promise<void> {
  const { record, note } = out;
  const dir = mkdtempSync(join(tmpdir(), 'thuocdo-reliability-'));
  const siteDir = join(dir, 'site');
  const pids: number[] = [];
  const disarm = onAbort(() => {
    for (const pid of pids.flatMap((p) => [...descendants(p), p])) kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  });
  note(
    `autocannon runs in the bench process (pid ${process.pid}), the server in its own child process; on ${cpus().length} cores ` +
      `(load average ${loadavg()[0]!.toFixed(2)} at start) they share the CPU, so read rates relative to each other, not as capacity`,
  );
  let server: RunningServer | null = null;
  try {
    const started = performance.now();
    server = await startServer({ DB_PATH: join(dir, 'thuocdo.db'), SITE_DIR: siteDir, SEED_DEMO: '1', ADMIN_TOKEN: ADMIN, WRITE_RATE_LIMIT: '1000000' });
    pids.push(server.pid);
    await siteCaughtUp(server);
    record('demo data loaded and site built (server start to first build)', (performance.now() - started) / 1000, 's');

    const reporter = await lateReporter(server, ADMIN);
    const primed = await reporter.prime();
    const rows = reporter.batches.reduce((sum, b) => sum + b.communes.length * b.services.length, 0);
    note(
      `ingest: one publisher sends ${reporter.batches.length} batches in turn (${Math.round(rows / reporter.batches.length)} rows on average: ` +
        `the communes of a province that has not reported a recent month × a slice of the services), a 1.5 s pause after each; ` +
        `all sent once before measuring (${primed.batches} stored), so every row sent while measuring is a revision`,
    );
    // The rebuild after priming must not run during the static pages' comparison.
    await siteCaughtUp(server);
    const targets = mixedTargets(server.url, reporter.batches[0]!.services[0]!);
    const warmUp = await hit(targets, WARM_UP_SECONDS, server.pid);
    failureNotes('warm-up', warmUp).forEach(note);
    if (primed.failed) note(`priming: ${primed.failed} ingest batches failed, the last with: ${primed.lastFailure}`);
    let failed = primed.failed + failures(warmUp);
    failed += await staticVsNginx(server, { siteDir, dir, seconds: loadSeconds, track: (pid) => pids.push(pid) }, out);
    failed += reportLoad('while ingesting', await underLoad(server, reporter.run, targets, loadSeconds), out);

    const rss = sampleRss(server.pid, soakSeconds);
    const soak = await underLoad(server, reporter.run, targets, soakSeconds);
    const trend = rss();
    note(`soak: ${cpuSummary(soak.load)}`);
    failed += noteFailures('soak', soak, note);
    const requests = soak.load.targets.reduce((sum, t) => sum + t.requests, 0);
    record(`soak, ${soakSeconds} s of the same load: requests (${soak.ingest.batches} ingest batches beside them)`, requests, 'requests');
    const pct = (share: number) => `${Math.round(share * 100)}%`;
    record(`server RSS after warm-up (median over ${pct(WARM_UP_SHARE)}–${pct(WARM_UP_SHARE + WINDOW_SHARE)} of the soak)`, trend.startMiB, 'MiB');
    record(`server RSS at the end (median over the last ${pct(WINDOW_SHARE)})`, trend.endMiB, 'MiB');
    record(`server RSS peak during the soak (${trend.samples} samples)`, trend.peakMiB, 'MiB');
    record('server RSS growth over the soak', trend.growth * 100, '%', `≤ ${pct(MAX_GROWTH)} (end ≤ start × ${1 + MAX_GROWTH})`, trend.growth <= MAX_GROWTH);
    record('errors: non-2xx, socket errors and failed ingest batches, whole run', failed, 'count', '0', failed === 0);
  } finally {
    if (server) await stopTree(server.stop, server.pid);
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    disarm();
  }
}
