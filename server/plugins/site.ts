import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import { siteCache } from './site-cache.ts';

/** Pages are revalidated often; data files and assets may be cached a little longer. */
const cacheControl = (path: string) => (path.endsWith('.html') ? 'public, max-age=60, stale-while-revalidate=300' : 'public, max-age=300');

/**
 * Serves the built static site from SITE_DIR. The folder is a symlink the builder swaps
 * atomically, so each request sees one whole build.
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
      // when no .gz sibling exists (@fastify/static 10).
      setHeaders: (res, path) => {
        res.header('cache-control', cacheControl(path));
        // The watch list's Atom feed (jobs/site/watch-feed.ts).
        if (path.endsWith('feed.xml')) res.header('content-type', 'application/atom+xml; charset=utf-8');
      },
    });

    // Small files of the live build from memory; the rest, and anything unusual, from @fastify/static.
    const cache = siteCache(resolve(siteDir));
    fastify.addHook('onRequest', async (request, reply) => {
      if ((request.method !== 'GET' && request.method !== 'HEAD') || request.routeOptions.url !== '/*' || request.headers.range) return undefined;
      const file = await cache.get(request.url.split('?')[0]!);
      if (!file) return undefined;
      reply.header('content-type', file.type).header('etag', file.etag).header('cache-control', cacheControl(file.path));
      return reply.send(file.body);
    });
  },
  { name: 'site' },
);
