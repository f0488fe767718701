import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';

/** The OpenAPI document, built from the route schemas, at /api/v1/openapi.json and browsable at /docs. */
export default fp(
  async (fastify) => {
    await fastify.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Thước đo API',
          version: '1.0.0',
          description:
            'Monthly counts of dossiers submitted online vs all dossiers, per public service and locality, and the adoption rates computed from them. Read endpoints are public; writes need a publisher token.',
          license: { name: 'Data: CC BY 4.0; code: MIT', identifier: 'CC-BY-4.0' },
        },
        tags: [
          { name: 'read', description: 'Public, no token, CORS *' },
          { name: 'write', description: 'Publisher token' },
          { name: 'admin', description: 'ADMIN_TOKEN' },
        ],
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      },
    });
    await fastify.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
    fastify.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => fastify.swagger());
  },
  { name: 'openapi' },
);
