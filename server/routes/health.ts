import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { dataVersion, readMeta } from '../../db/meta.ts';
import { DemoFlag } from '../schemas.ts';

/** GET /api/v1/health: is it up, how fresh is the data and the site. */
const healthRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
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
            demo: DemoFlag,
          }),
        },
      },
    },
    async (_request, reply) => {
      const sqlite = fastify.db.sqlite;
      sqlite.prepare('SELECT 1').get();
      const latest = sqlite.prepare('SELECT max(period) AS p FROM rollup_area').get() as { p: string | null };
      const lastBatch = sqlite.prepare("SELECT max(received_at) AS at FROM batches WHERE outcome = 'stored'").get() as { at: string | null };
      reply.header('cache-control', 'no-store');
      return {
        status: 'ok' as const,
        time: new Date().toISOString(),
        data_version: dataVersion(sqlite),
        latest_period: latest.p,
        last_batch_at: lastBatch.at,
        site_built_at: readMeta(sqlite, 'site_built_at') ?? null,
      };
    },
  );
};

export default healthRoutes;
