import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { dataVersion, readMeta } from '../../db/meta.ts';
import { DemoFlag, Nullable } from '../schemas.ts';

const SiteBuild = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('failed')]),
    failed_at: Nullable(Type.String()),
    error: Nullable(Type.String({ description: 'why, in one line, e.g. "ENOSPC: no space left on device, open \'services/1.001/index.html\'"' })),
    message_vi: Nullable(Type.String()),
    message_en: Nullable(Type.String()),
  },
  { description: 'How the last site build ended; a failure stays until a build succeeds, and the previous site is served meanwhile' },
);
export type SiteBuild = Static<typeof SiteBuild>;

export interface HealthRouteOptions {
  /** The site builder's last outcome (server.ts has the builder); without one, no failure is known. */
  siteBuild?: () => SiteBuild;
}

const NO_BUILDER: SiteBuild = { status: 'ok', failed_at: null, error: null, message_vi: null, message_en: null };

/** GET /api/v1/health: is it up, how fresh is the data and the site. */
const healthRoutes: FastifyPluginAsyncTypebox<HealthRouteOptions> = async (fastify, { siteBuild = () => NO_BUILDER }) => {
  fastify.get(
    '/api/v1/health',
    {
      schema: {
        summary: 'Health and freshness',
        tags: ['read'],
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            time: Type.String(),
            data_version: Type.Integer(),
            latest_period: Type.Union([Type.String(), Type.Null()]),
            last_batch_at: Type.Union([Type.String(), Type.Null()]),
            site_built_at: Type.Union([Type.String(), Type.Null()]),
            site_build: SiteBuild,
            demo: DemoFlag,
          }),
        },
      },
    },
    async (_request, reply) => {
      const sqlite = fastify.db.sqlite;
      sqlite.prepare('SELECT 1').get();
      const latest = sqlite.prepare('SELECT max(period) AS p FROM rollup_area WHERE self_rows + sub_rows > 0').get() as { p: string | null };
      const lastBatch = sqlite.prepare("SELECT max(received_at) AS at FROM batches WHERE outcome = 'stored'").get() as { at: string | null };
      reply.header('cache-control', 'no-store');
      return {
        status: 'ok' as const,
        time: new Date().toISOString(),
        data_version: dataVersion(sqlite),
        latest_period: latest.p,
        last_batch_at: lastBatch.at,
        site_built_at: readMeta(sqlite, 'site_built_at') ?? null,
        site_build: siteBuild(),
      };
    },
  );
};

export default healthRoutes;
