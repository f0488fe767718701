import helmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { Db } from '../db/open.ts';
import type { Config } from './config.ts';
import auth from './plugins/auth.ts';
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
import adoptionRoutes from './routes/adoption.ts';
import healthRoutes from './routes/health.ts';
import ingestRoutes from './routes/ingest.ts';
import localityRoutes from './routes/localities.ts';
import observationRoutes from './routes/observations.ts';
import serviceRoutes from './routes/services.ts';
import watchRoutes from './routes/watch.ts';

export interface AppOptions {
  db: Db;
  config: Pick<Config, 'adminToken' | 'maxBodyBytes' | 'siteDir' | 'publicUrl' | 'writeRateLimit'>;
  /** Called after every stored batch (the site rebuild listens here). */
  onBatchStored?: () => void;
  logger?: FastifyServerOptions['logger'];
}

/** Builds the whole app without listening: server.ts listens, tests inject. */
export async function buildApp({ db, config, onBatchStored = () => {}, logger = false }: AppOptions) {
  const fastify = Fastify({
    logger,
    bodyLimit: config.maxBodyBytes,
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
  await fastify.register(errors, { siteDir: config.siteDir });
  await fastify.register(httpCache);
  await fastify.register(dbPlugin, { db });
  await fastify.register(demoFlag);
  await fastify.register(auth, { adminToken: config.adminToken });
  await fastify.register(rateLimit, { perMinute: config.writeRateLimit });
  await fastify.register(openapi);

  await fastify.register(healthRoutes);
  await fastify.register(serviceRoutes);
  await fastify.register(localityRoutes);
  await fastify.register(adoptionRoutes);
  await fastify.register(observationRoutes);
  await fastify.register(ingestRoutes, { maxBodyBytes: config.maxBodyBytes, onBatchStored });
  await fastify.register(adminRoutes, { maxBodyBytes: config.maxBodyBytes });
  await fastify.register(watchRoutes, { maxBodyBytes: config.maxBodyBytes });
  await fastify.register(oembedRoutes, { siteDir: config.siteDir, publicUrl: config.publicUrl });
  await fastify.register(framing);
  await fastify.register(site, { siteDir: config.siteDir });
  return fastify;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
