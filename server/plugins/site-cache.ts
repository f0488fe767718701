import { createHash } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';

/** The published files worth keeping in memory, with the type each is served as. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
const MAX_FILE = 512 * 1024;
const BUDGET = 64 * 1024 * 1024;

export interface CachedFile {
  /** Its path in the build ("services/index.html" for "/services/"). */
  path: string;
  body: Buffer;
  type: string;
  etag: string;
}

/** What a URL path names in a build: a file with a cached type, or null (left to @fastify/static). */
function fileOf(urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.endsWith('/')) path += 'index.html';
  const parts = path.split('/').slice(1);
  // Anything unusual (dot segments, hidden files, NUL, backslashes) goes to @fastify/static's checks.
  if (parts.some((p) => p === '' || p.startsWith('.') || /[\0\\]/.test(p))) return null;
  return TYPES[extname(path)] ? parts.join('/') : null;
}

/**
 * Small published files in memory, per build. A build never changes once SITE_DIR points at it
 * (builds are swapped in whole), so a file read once is good until the link moves, and the
 * link is read on every request. Where SITE_DIR is a plain folder, files may change in place:
 * nothing is cached. Serving from memory spares the open/stat/read/close of every request,
 * which was most of what a page cost.
 */
export function siteCache(siteDir: string) {
  let build: string | null = null;
  let files = new Map<string, CachedFile>();
  let loading = new Map<string, Promise<CachedFile | null>>();
  let size = 0;

  const load = async (buildDir: string, path: string): Promise<CachedFile | null> => {
    const file = resolve(buildDir, path);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile() || info.size > MAX_FILE) return null;
    const body = await readFile(file);
    return { path, body, type: TYPES[extname(path)]!, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
  };

  const keep = (file: string, entry: CachedFile) => {
    files.set(file, entry);
    size += entry.body.length;
    // The oldest entries go first once the budget is spent.
    for (const [key, old] of files) {
      if (size <= BUDGET) break;
      files.delete(key);
      size -= old.body.length;
    }
  };

  return {
    /** The file from memory (read on first use); null when it is not one to cache. */
    get(urlPath: string): CachedFile | Promise<CachedFile | null> | null {
      let live: string;
      try {
        live = readlinkSync(siteDir);
      } catch {
        return null;
      }
      const file = fileOf(urlPath);
      if (file === null) return null;
      if (live !== build) {
        build = live;
        files = new Map();
        loading = new Map();
        size = 0;
      }
      const cached = files.get(file);
      if (cached) return cached;
      let pending = loading.get(file);
      if (!pending) {
        const map = loading;
        // The build the link named, even if it moves while the file is read.
        pending = load(resolve(dirname(siteDir), live), file).then((entry) => {
          if (map === loading) {
            loading.delete(file);
            if (entry) keep(file, entry);
          }
          return entry;
        });
        loading.set(file, pending);
      }
      return pending;
    },
  };
}
