import { negotiate } from '@fastify/accept-negotiator';
import compress from '@fastify/compress';
import fp from 'fastify-plugin';
import type { ContentCoding } from '../../lib/compressed-files.ts';
import type { Coding } from './site-cache.ts';

/** Types sent compressed: text, JSON, CSV, XML and SVG; never PNG, zip or xlsx, compressed already. */
const COMPRESSIBLE_TYPE = /^(text\/|application\/([\w.+-]+\+)?(json|xml)|image\/svg\+xml)/;

/**
 * The coding a client's Accept-Encoding prefers among `available` (best first), by q-value, as
 * @fastify/compress chooses it ("*" and "x-gzip" count as gzip); identity when none is accepted.
 */
export function chooseCoding(acceptEncoding: string | undefined, available: readonly ContentCoding[]): Coding {
  if (!acceptEncoding || available.length === 0) return 'identity';
  return negotiate(acceptEncoding.toLowerCase().replace(/\*|x-gzip/g, 'gzip'), [...available]) ?? 'identity';
}

/**
 * API answers, and any page or file not sent from its precompressed sibling (server/plugins/site.ts),
 * go out as br or gzip when the client accepts them, compressed on the fly (streams stay streams:
 * a raw observations part is never read into memory). Answers that are compressed already, partial
 * (206) or under 1 KB are left as they are. Every answer of a compressible type says
 * `Vary: Accept-Encoding`, even when sent as it is, so a shared cache keeps one copy per coding.
 */
export default fp(
  async (fastify) => {
    await fastify.register(compress, {
      global: true,
      encodings: ['br', 'gzip'],
      threshold: 1024,
      customTypes: COMPRESSIBLE_TYPE,
      // Request bodies are taken as sent: ingest has its own limits, and no decompression bomb gets past them.
      globalDecompression: false,
    });
    fastify.addHook('onSend', async (_request, reply, payload) => {
      const type = reply.getHeader('content-type');
      if (typeof type === 'string' && COMPRESSIBLE_TYPE.test(type)) addVary(reply);
      return payload;
    });
  },
  { name: 'compression' },
);

export function addVary(reply: { getHeader(name: string): unknown; header(name: string, value: string): unknown }): void {
  const vary = reply.getHeader('vary');
  const values = (Array.isArray(vary) ? vary.join(',') : typeof vary === 'string' ? vary : '').toLowerCase();
  if (values.includes('accept-encoding') || values.includes('*')) return;
  reply.header('vary', values ? `${vary}, accept-encoding` : 'accept-encoding');
}
