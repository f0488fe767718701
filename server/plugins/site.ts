import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';

/**
 * Serves the built static site from SITE_DIR. The folder is a symlink the builder swaps
 * atomically, so each request sees one whole build. Pages are revalidated often; data
 * files and assets may be cached a little longer.
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
        res.header('cache-control', path.endsWith('.html') ? 'public, max-age=60, stale-while-revalidate=300' : 'public, max-age=300');
        // The watch list's Atom feed (jobs/site/watch-feed.ts).
        if (path.endsWith('feed.xml')) res.header('content-type', 'application/atom+xml; charset=utf-8');
      },
    });
  },
  { name: 'site' },
);
