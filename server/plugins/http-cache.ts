import cors from '@fastify/cors';
import etag from '@fastify/etag';
import fp from 'fastify-plugin';

/**
 * Reads are public and cacheable: CORS *, a weak ETag on every answer (304 on a match),
 * and a short Cache-Control so CDNs absorb a front-page rush.
 */
export default fp(
  async (fastify) => {
    await fastify.register(cors, { origin: '*', methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] });
    // Weak: an answer's identity, br and gzip codings (server/plugins/compression.ts) share its ETag,
    // computed before it is compressed; a weak one says they are the same data, not the same bytes.
    await fastify.register(etag, { weak: true });
    fastify.addHook('onSend', async (request, reply, payload) => {
      if (request.method === 'GET' && request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) {
        reply.header('cache-control', reply.statusCode < 400 ? 'public, max-age=60, stale-while-revalidate=600' : 'no-store');
      }
      return payload;
    });
  },
  { name: 'http-cache' },
);
