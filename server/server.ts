import { loadDemoIfEmpty } from '../db/demo/load.ts';
import { ingestWorker } from '../db/ingest/worker.ts';
import { openDb } from '../db/open.ts';
import { pullScheduler } from '../jobs/pull/scheduler.ts';
import { maintenanceJob, startJobs } from '../jobs/scheduler.ts';
import { debouncedRebuilder, warmBuilder } from '../jobs/site/rebuilder.ts';
import { siteBuildJob, siteIsStale } from '../jobs/site/schedule.ts';
import { buildApp } from './app.ts';
import { configFromEnv } from './config.ts';

/** The one place that wires everything: database, demo seed, app, jobs, signals. */
const config = configFromEnv();
const db = openDb(config.dbPath);
const logger = { level: process.env.LOG_LEVEL ?? 'info' };
// The app is built before the rebuilder exists; batches reach it through this hook.
let onBatchStored = () => {};
// Pulls log through the app's logger; nothing is pulled before reload() below, when the app exists.
// One ingest thread for the API and the pulls: batches are written one at a time, off this thread.
const ingest = ingestWorker(config.dbPath, db.sqlite);
const pulls = pullScheduler(db.sqlite, {
  ingest: ingest.ingest,
  log: { info: (obj, msg) => app.log.info(obj, msg), error: (obj, msg) => app.log.error(obj, msg) },
  onBatchStored: () => onBatchStored(),
  maxBytes: config.maxBodyBytes,
  backoffMs: 5_000,
  maxBackoffMs: 300_000,
  settleMs: 5_000,
});
// Health asks how the last build went only once the server listens, when the rebuilder below exists.
const app = await buildApp({ db, config, logger, onBatchStored: () => onBatchStored(), pulls, ingest, siteBuild: () => rebuilder.status() });

if (config.seedDemo) {
  const loaded = loadDemoIfEmpty(db.sqlite);
  if (loaded) app.log.info({ rows: loaded.rows, ms: loaded.ms }, 'demo dataset loaded (Dữ liệu minh họa — Demo data)');
}

const builder = warmBuilder({ dbPath: config.dbPath, siteDir: config.siteDir, publicUrl: config.publicUrl });
builder.start();
const rebuilder = debouncedRebuilder(builder.build, app.log, config.siteBuildDelayMs);
onBatchStored = rebuilder.request;
if (siteIsStale(db.sqlite, config.siteDir)) rebuilder.request();
const jobs = startJobs([maintenanceJob(db), siteBuildJob(rebuilder)], app.log);
pulls.reload();

// In-flight ingests and the site build get this long to finish; a client that never ends its
// upload must not keep the process (and a supervisor's restart) waiting forever.
const shutdownTimeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS || 25_000);
let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info({ signal, timeoutMs: shutdownTimeoutMs }, 'shutting down');
  setTimeout(() => {
    app.log.error({ timeoutMs: shutdownTimeoutMs }, 'shutdown timed out; exiting without waiting further');
    process.exit(1);
  }, shutdownTimeoutMs).unref();
  // Fastify closes the connections idle at the signal only: one that answers an in-flight
  // request stays open for its keep-alive client, and app.close() would wait on it.
  setInterval(() => app.server.closeIdleConnections(), 100).unref();
  jobs.stop();
  await Promise.all([app.close(), pulls.stop()]);
  await ingest.close();
  await rebuilder.close();
  builder.stop();
  db.sqlite.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ host: config.host, port: config.port });
