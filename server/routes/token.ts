import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { localityRegistry } from '../../db/localities/registry.ts';
import { FIRST_MONTH, currentMonth } from '../../db/months.ts';
import { getPublisher } from '../../db/publishers.ts';
import { ErrorBody, Nullable } from '../schemas.ts';

const Whoami = Type.Object({
  kind: Type.Literal('publisher'),
  id: Type.Integer(),
  name: Type.String(),
  localities: Type.Array(Type.Object({ code: Type.String(), name: Type.String() }), { description: 'what the token may write: these units and every unit under them' }),
  services: Nullable(Type.Array(Type.String(), { description: 'null = every service' })),
  expires_at: Nullable(Type.String({ description: 'ISO UTC; null = never' })),
  periods: Type.Object({ from: Type.String(), to: Type.String() }, { description: 'the months a row may have: from 2000-01 to the current month (YYYY-MM)' }),
});

/** GET /api/v1/token: what a publisher's token may write (localities, services, months), so that the desk can say it before a file is sent. */
const tokenRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/api/v1/token',
    {
      onRequest: fastify.requirePublisher,
      schema: {
        summary: 'The scope of your publisher token: its localities, services and expiry',
        tags: ['write'],
        security: [{ bearer: [] }],
        response: { 200: Whoami, 401: ErrorBody },
      },
    },
    async (request) => {
      const publisher = request.publisher!;
      const record = getPublisher(fastify.db, publisher.id)!;
      const registry = localityRegistry(fastify.db.sqlite);
      return {
        kind: 'publisher' as const,
        id: record.id,
        name: record.name,
        localities: [...record.scope.localityIds].map((id) => registry.get(id)).map((l) => ({ code: l.code, name: l.name })),
        services: record.scope.serviceCodes,
        expires_at: record.expiresAt,
        periods: { from: FIRST_MONTH, to: currentMonth() },
      };
    },
  );
};

export default tokenRoutes;
