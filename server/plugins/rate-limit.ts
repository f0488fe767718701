import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sendTranslatedError } from './errors.ts';

const WRITES = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);
const MINUTE = 60_000;

/** A client of the write API: its token's public id when it sends one, else its address. */
function writer(request: FastifyRequest): string {
  const token = /^Bearer\s+td_([A-Za-z0-9_-]{12})_/i.exec(request.headers.authorization ?? '');
  return token ? `token:${token[1]}` : `ip:${request.ip}`;
}

const isWrite = (method: string, url: string) => WRITES.has(method) && url.startsWith('/api/');

export interface RateLimitOptions {
  /** Writes a minute per token (per address without one). */
  perMinute: number;
  /** Writes a minute per address, whatever the token. */
  perMinuteIp: number;
}

/**
 * Write endpoints are rate-limited with @fastify/rate-limit, which answers 429 with Retry-After,
 * twice: per token (per address without one), and per address whatever the token, so one
 * address cannot lift its limit by rotating tokens. Reads are not: they are cached and served
 * to crowds.
 */
export default fp<RateLimitOptions>(
  async (fastify, { perMinute, perMinuteIp }) => {
    // Runs before the plugin's own onRoute hook, so every write route gets the limit.
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (methods.some((m) => isWrite(m, route.url))) {
        route.config = { ...(route.config as object), rateLimit: { max: perMinute, timeWindow: MINUTE, keyGenerator: writer } };
      }
    });
    await fastify.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) => {
        const texts = {
          vi: `Quá nhiều yêu cầu: mỗi mã truy cập chỉ được gửi tối đa ${context.max} lần ghi trong một phút. Xin thử lại sau ${Math.ceil(context.ttl / 1000)} giây.`,
          en: `too many requests: at most ${context.max} writes a minute per token; retry in ${Math.ceil(context.ttl / 1000)} s`,
        };
        return { statusCode: 429, code: 'rate_limited', message: texts.en, texts };
      },
    });

    // The route hooks above run after authentication, and the plugin's handler runs once per
    // request, so the address limit is its own root hook: it also counts requests whose token
    // is refused (guessing tokens from one address is limited too).
    const perAddress = fastify.createRateLimit({ max: perMinuteIp, timeWindow: MINUTE, keyGenerator: (request) => `ip:${request.ip}` });
    fastify.addHook('onRequest', async (request, reply) => {
      if (!isWrite(request.method, request.url)) return undefined;
      const limit = await perAddress(request);
      if (limit.isAllowed || !limit.isExceeded) return undefined;
      reply.header('retry-after', limit.ttlInSeconds);
      return sendTranslatedError(request, reply, 429, 'rate_limited', {
        vi: `Quá nhiều yêu cầu: mỗi địa chỉ chỉ được gửi tối đa ${limit.max} lần ghi trong một phút. Xin thử lại sau ${limit.ttlInSeconds} giây.`,
        en: `too many requests: at most ${limit.max} writes a minute from one address; retry in ${limit.ttlInSeconds} s`,
      });
    });
  },
  { name: 'rate-limit' },
);
