import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { getService, listServices } from '../../db/services.ts';
import { sendTranslatedError } from '../plugins/errors.ts';
import { DemoFlag, ErrorBody, Nullable } from '../schemas.ts';

export const ServiceSchema = Type.Object({
  code: Type.String(),
  name_vi: Type.String(),
  name_en: Nullable(Type.String()),
  agency: Nullable(Type.String()),
  online_level: Type.String({ enum: ['full', 'partial', 'none'] }),
  online_since: Nullable(Type.String()),
  updated_at: Type.String(),
  demo: DemoFlag,
});

/** The service registry, sorted by Vietnamese name. */
const serviceRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/api/v1/services',
    {
      schema: {
        summary: 'Every registered service',
        tags: ['read'],
        response: { 200: Type.Object({ count: Type.Integer(), services: Type.Array(ServiceSchema), demo: DemoFlag }) },
      },
    },
    async () => {
      const services = listServices(fastify.db.sqlite).map(({ id: _id, ...s }) => s);
      return { count: services.length, services };
    },
  );

  fastify.get(
    '/api/v1/services/:code',
    {
      schema: {
        summary: 'One service',
        tags: ['read'],
        params: Type.Object({ code: Type.String() }),
        response: { 200: ServiceSchema, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const service = getService(fastify.db.sqlite, request.params.code);
      if (!service) return sendTranslatedError(request, reply, 404, 'not_found', {
          vi: `Không có thủ tục mã "${request.params.code}"; danh mục thủ tục ở /api/v1/services.`,
          en: `unknown service "${request.params.code}"; see /api/v1/services`,
        });
      const { id: _id, ...rest } = service;
      return rest;
    },
  );
};

export default serviceRoutes;
