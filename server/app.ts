import { dirname } from 'node:path';
import helmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { type IngestRunner, ingestWorker } from '../db/ingest/worker.ts';
import type { Db } from '../db/open.ts';
import { type Config, configFromEnv } from './config.ts';
import auth from './plugins/auth.ts';
import compression from './plugins/compression.ts';
import cube from './plugins/cube.ts';
import dbPlugin from './plugins/db.ts';
import demoFlag from './plugins/demo-flag.ts';
import errors from './plugins/errors.ts';
import httpCache from './plugins/http-cache.ts';
import openapi from './plugins/openapi.ts';
import rateLimit from './plugins/rate-limit.ts';
import framing from './plugins/framing.ts';
import site from './plugins/site.ts';
import oembedRoutes from './routes/oembed.ts';
import adminRoutes from './routes/admin.ts';
import adminAccountRoutes from './routes/admins.ts';
import auditRoutes from './routes/audit.ts';
import adoptionRoutes from './routes/adoption.ts';
import healthRoutes, { type SiteBuild } from './routes/health.ts';
import indicatorRoutes from './routes/indicators.ts';
import ingestRoutes from './routes/ingest.ts';
import localityRoutes from './routes/localities.ts';
import observationRoutes from './routes/observations.ts';
import publisherRoutes from './routes/publishers.ts';
import serviceRoutes from './routes/services.ts';
import sourceRoutes, { type PullRunner } from './routes/sources.ts';
import watchRoutes from './routes/watch.ts';
import targetRoutes from './routes/targets.ts';
import tokenRoutes from './routes/token.ts';

/** Limits with defaults from configFromEnv, so tests and tools need not spell them out. */
type ServerLimits = 'writeRateLimitIp' | 'connectionTimeoutMs' | 'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs' | 'trustProxy';

/**
 * Log lines never carry a secret: bearer tokens (publishers' and ADMIN_TOKEN) and cookies are
 * censored wherever a request's headers are logged.
 */
export const LOG_REDACT = ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'request.headers.authorization'];

export interface AppOptions {
  db: Db;
  config: Pick<Config, 'adminToken' | 'maxBodyBytes' | 'siteDir' | 'publicUrl' | 'writeRateLimit'> & Partial<Pick<Config, ServerLimits>>;
  /** Called after every stored batch (the site rebuild listens here). */
  onBatchStored?: () => void;
  /** The scheduled pulls, for the admin endpoints that run and reschedule them. */
  pulls?: PullRunner;
  /** The ingest thread, when the caller shares it (with the pulls) and closes it; else the app has its own. */
  ingest?: IngestRunner;
  /** How the site builder's last build ended, for /api/v1/health. */
  siteBuild?: () => SiteBuild;
  logger?: FastifyServerOptions['logger'];
}

/** Builds the whole app without listening: server.ts listens, tests inject. */
export async function buildApp({ db, config, onBatchStored = () => {}, pulls, ingest, siteBuild, logger = false }: AppOptions) {
  const limits = { ...configFromEnv({}), ...config };
  const fastify = Fastify({
    logger: logger === true ? { redact: LOG_REDACT } : logger && typeof logger === 'object' ? { redact: LOG_REDACT, ...logger } : logger,
    bodyLimit: config.maxBodyBytes,
    trustProxy: limits.trustProxy,
    // Slow clients: a stalled socket, headers trickled in (slowloris) or a body that never ends
    // are cut off; requestTimeout bounds the whole request, so it is sized for MAX_BODY_MB on a slow link.
    connectionTimeout: limits.connectionTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks headersTimeout and requestTimeout on this interval (30 s by default); it also
    // refuses a headersTimeout above the requestTimeout it is created with, so both are given here.
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await fastify.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        // Ministries may serve it over plain HTTP on an intranet: don't rewrite its own URLs.
        upgradeInsecureRequests: null,
      },
    },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  await fastify.register(errors, { siteDir: config.siteDir, dataFolder: db.file === ':memory:' ? null : dirname(db.file) });
  await fastify.register(httpCache);
  // Before the routes: it compresses the answers of routes registered after it.
  await fastify.register(compression);
  await fastify.register(dbPlugin, { db });
  await fastify.register(cube);
  await fastify.register(demoFlag);
  await fastify.register(auth, { adminToken: config.adminToken });
  await fastify.register(rateLimit, { perMinute: config.writeRateLimit, perMinuteIp: limits.writeRateLimitIp });
  await fastify.register(openapi);

  await fastify.register(healthRoutes, { siteBuild });
  await fastify.register(serviceRoutes);
  await fastify.register(localityRoutes);
  await fastify.register(adoptionRoutes);
  await fastify.register(indicatorRoutes);
  await fastify.register(observationRoutes);
  const runner = ingest ?? ingestWorker(db.file, db.sqlite);
  // After in-flight requests (and so their batches) are done.
  if (!ingest) fastify.addHook('onClose', () => runner.close());
  await fastify.register(ingestRoutes, {
    maxBodyBytes: config.maxBodyBytes,
    onBatchStored: () => {
      fastify.rollupsChanged();
      onBatchStored();
    },
    runner,
  });
  await fastify.register(adminRoutes, { maxBodyBytes: config.maxBodyBytes });
  await fastify.register(publisherRoutes);
  await fastify.register(tokenRoutes);
  await fastify.register(adminAccountRoutes);
  await fastify.register(auditRoutes);
  await fastify.register(watchRoutes);
  await fastify.register(targetRoutes, { maxBodyBytes: config.maxBodyBytes });
  await fastify.register(sourceRoutes, { pulls });
  await fastify.register(oembedRoutes, { siteDir: config.siteDir, publicUrl: config.publicUrl });
  await fastify.register(framing);
  await fastify.register(site, { siteDir: config.siteDir });
  return fastify;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
