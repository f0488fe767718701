import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

const WRITES = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

/** A client of the write API: its token's public id when it sends one, else its address. */
function writer(request: FastifyRequest): string {
  const token = /^Bearer\s+td_([A-Za-z0-9_-]{12})_/i.exec(request.headers.authorization ?? '');
  return token ? `token:${token[1]}` : `ip:${request.ip}`;
}

/**
 * Write endpoints are rate-limited per token (per address without one) with @fastify/rate-limit,
 * which answers 429 with Retry-After. Reads are not: they are cached and served to crowds.
 */
export default fp<{ perMinute: number }>(
  async (fastify, { perMinute }) => {
    // Runs before the plugin's own onRoute hook, so every write route gets the limit.
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (route.url.startsWith('/api/') && methods.some((m) => WRITES.has(m))) {
        route.config = { ...(route.config as object), rateLimit: { max: perMinute, timeWindow: 60_000, keyGenerator: writer } };
      }
    });
    await fastify.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        code: 'rate_limited',
        message: `too many requests: at most ${context.max} writes a minute per token; retry in ${Math.ceil(context.ttl / 1000)} s`,
      }),
    });
  },
  { name: 'rate-limit' },
);
