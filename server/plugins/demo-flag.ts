import fp from 'fastify-plugin';
import { hasDemoRows } from '../../db/meta.ts';

/** Every API answer says whether demo rows are in the database: demo data is never silent. */
export default fp(
  async (fastify) => {
    fastify.addHook('preSerialization', async (request, reply, payload) => {
      if (!request.url.startsWith('/api/') || payload === null || typeof payload !== 'object' || Array.isArray(payload)) return payload;
      if ('demo' in payload) return payload;
      return { ...payload, demo: hasDemoRows(fastify.db.sqlite) };
    });
  },
  { name: 'demo-flag', dependencies: ['db'] },
);
