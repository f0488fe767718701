import fp from 'fastify-plugin';
import type { Db } from '../../db/open.ts';
import { type LocalityRegistry, localityRegistry } from '../../db/localities/registry.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    localities: LocalityRegistry;
  }
}

/** Shares the open database and its locality registry with every route. */
export default fp<{ db: Db }>(
  async (fastify, { db }) => {
    fastify.decorate('db', db);
    fastify.decorate('localities', localityRegistry(db.sqlite));
  },
  { name: 'db' },
);
