import { createReadStream, existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HASHED_ASSET } from '../../web/assets.ts';
import { addVary, chooseCoding } from './compression.ts';
import { siteCache, typeOf } from './site-cache.ts';

/**
 * Assets under content-hashed names (web/assets.ts) never change: browsers keep them a year
 * without asking again. Pages are revalidated often; data files and the assets' plain names may
 * be cached a little longer.
 */
export function cacheControl(path: string): string {
  if (HASHED_ASSET.test(path) && /(^|\/)assets\/[^/]+$/.test(path)) return 'public, max-age=31536000, immutable';
  return path.endsWith('.html') ? 'public, max-age=60, stale-while-revalidate=300' : 'public, max-age=300';
}

const matches = (request: FastifyRequest, etag: string) => request.headers['if-none-match'] === etag;

/**
 * Serves the built static site from SITE_DIR. The folder is a symlink the builder swaps
 * atomically, so each request sees one whole build. Pages, assets and data files go out as br or
 * gzip, whichever the client's Accept-Encoding prefers, from the `.br`/`.gz` siblings the builder
 * writes (lib/compressed-files.ts).
 */
export default fp<{ siteDir: string }>(
  async (fastify, { siteDir }) => {
    // Before the first build there is nothing to serve yet; the build replaces the empty folder.
    if (!existsSync(siteDir)) mkdirSync(siteDir, { recursive: true });
    await fastify.register(fastifyStatic, {
      root: resolve(siteDir),
      index: 'index.html',
      redirect: true,
      wildcard: true,
      // Not preCompressed: with it, a folder's index.html answers 404 to a client that accepts gzip
      // when no .gz sibling exists (@fastify/static 10). What reaches @fastify/static (ranges, big
      // files without a sibling, anything unusual) is sent as it is or compressed on the fly
      // (server/plugins/compression.ts); ranges always as they are.
      setHeaders: (res, path) => {
        res.header('cache-control', cacheControl(path));
        // The watch list's Atom feed (jobs/site/watch-feed.ts).
        if (path.endsWith('feed.xml')) res.header('content-type', typeOf(path)!);
      },
    });

    // The live build's files in the coding the client prefers: small ones from memory, big ones
    // from their siblings on disk; the rest, and anything unusual, from @fastify/static.
    const cache = siteCache(resolve(siteDir));
    fastify.addHook('onRequest', async (request, reply) => {
      if ((request.method !== 'GET' && request.method !== 'HEAD') || request.routeOptions.url !== '/*' || request.headers.range) return undefined;
      const accept = request.headers['accept-encoding'];
      const answer = await cache.get(request.url.split('?')[0]!, (available) => chooseCoding(accept, available));
      if (!answer) return undefined;
      reply.header('content-type', answer.type).header('etag', answer.etag).header('cache-control', cacheControl(answer.path));
      if (answer.varies) addVary(reply);
      if (answer.coding !== 'identity') reply.header('content-encoding', answer.coding);
      // Fastify leaves Content-Length to the handler for HEAD.
      if (request.method === 'HEAD') reply.header('content-length', answer.size);
      if (answer.body) return reply.send(request.method === 'HEAD' ? null : answer.body);
      // A sibling on disk, streamed: @fastify/etag cannot look at a stream, so 304 is answered here.
      if (matches(request, answer.etag)) return reply.code(304).send();
      reply.header('content-length', answer.size);
      return reply.send(request.method === 'HEAD' ? null : createReadStream(answer.file!));
    });
  },
  { name: 'site' },
);
