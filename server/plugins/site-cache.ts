import { createHash } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { type ContentCoding, SIBLINGS, compressible } from '../../lib/compressed-files.ts';

/** The published files answered here, with the type each is served as. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml; charset=utf-8',
  '.png': 'image/png',
};
/** The watch list's Atom feed (jobs/site/watch-feed.ts). */
const FEED_TYPE = 'application/atom+xml; charset=utf-8';
export const typeOf = (path: string): string | undefined => (path.endsWith('feed.xml') ? FEED_TYPE : TYPES[extname(path)]);

/** Files up to this size are kept in memory; bigger ones (the raw observations) are streamed from disk. */
const MAX_FILE = 512 * 1024;
const BUDGET = 64 * 1024 * 1024;

export type Coding = ContentCoding | 'identity';

/** What to send for a URL: its bytes in one coding, from memory or from a file. */
export interface SiteAnswer {
  /** Its path in the build ("services/index.html" for "/services/"). */
  path: string;
  type: string;
  coding: Coding;
  etag: string;
  /** Whether other clients get another coding of it (Vary: Accept-Encoding). */
  varies: boolean;
  size: number;
  /** In memory, or else the file to stream. */
  body?: Buffer;
  file?: string;
}

/** Chooses among the codings a file has (best first); 'identity' when none suits the client. */
export type Choose = (available: ContentCoding[]) => Coding;

interface Small {
  path: string;
  body: Buffer;
  /** The SHA-1 of its bytes: the identity ETag, and the stem of the others'. */
  hash: string;
  codings: ContentCoding[];
  /** Compressed copies, read from their siblings, or made here when a sibling is missing. */
  variants: Map<ContentCoding, Promise<Buffer>>;
  file: string;
  /** Bytes held in memory: the file and its compressed copies. */
  bytes: number;
}

interface Large {
  path: string;
  /** The siblings on disk: size and ETag of each. */
  siblings: Map<ContentCoding, { size: number; etag: string }>;
  file: string;
  compressible: boolean;
}

type Entry = Small | Large;
const isSmall = (entry: Entry): entry is Small => 'body' in entry;

/** What a URL path names in a build: a file with a known type, or null (left to @fastify/static). */
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
  return typeOf(path) ? parts.join('/') : null;
}

const CODINGS = Object.keys(SIBLINGS) as ContentCoding[];

/**
 * When a build has no sibling for a file (one built before siblings, or a file linked without
 * them), it is compressed here once, off the event loop, at the levels of an on-the-fly answer.
 */
const compressNow: Record<ContentCoding, (body: Buffer) => Promise<Buffer>> = {
  br: (body) => promisify(brotliCompress)(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
  gzip: (body) => promisify(gzip)(body, { level: 6 }),
};

async function readVariant(entry: Small, coding: ContentCoding): Promise<Buffer> {
  const sibling = await readFile(entry.file + SIBLINGS[coding]).catch(() => null);
  return sibling ?? compressNow[coding](entry.body);
}

const etagOf = (hash: string, coding: Coding) => (coding === 'identity' ? `"${hash}"` : `"${hash}-${coding}"`);

/**
 * The live build's files, per build. A build never changes once SITE_DIR points at it (builds
 * are swapped in whole), so a file read once is good until the link moves, and the link is read
 * on every request. Where SITE_DIR is a plain folder, files may change in place: nothing is
 * cached. Small files are answered from memory (sparing the open/stat/read/close of every
 * request, which was most of what a page cost), each coding of them with an ETag of its own;
 * big ones from their precompressed siblings on disk, streamed.
 */
export function siteCache(siteDir: string) {
  let build: string | null = null;
  let entries = new Map<string, Entry>();
  let loading = new Map<string, Promise<Entry | null>>();
  let size = 0;

  const load = async (buildDir: string, path: string): Promise<Entry | null> => {
    const file = resolve(buildDir, path);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return null;
    if (info.size > MAX_FILE) {
      const siblings = new Map<ContentCoding, { size: number; etag: string }>();
      for (const coding of CODINGS) {
        const s = await stat(file + SIBLINGS[coding]).catch(() => null);
        if (s?.isFile()) siblings.set(coding, { size: s.size, etag: `W/"${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}-${coding}"` });
      }
      return { path, file, siblings, compressible: compressible(path, info.size) };
    }
    const body = await readFile(file);
    const hash = createHash('sha1').update(body).digest('base64url');
    return { path, file, body, hash, codings: compressible(path, body.length) ? CODINGS : [], variants: new Map(), bytes: 0 };
  };

  const spend = (entry: Small, bytes: number) => {
    if (entries.get(entry.path) !== entry) return;
    entry.bytes += bytes;
    size += bytes;
    // The oldest entries go first once the budget is spent.
    for (const [key, old] of entries) {
      if (size <= BUDGET) break;
      entries.delete(key);
      if (isSmall(old)) size -= old.bytes;
    }
  };

  const entry = (urlPath: string): Entry | Promise<Entry | null> | null => {
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
      entries = new Map();
      loading = new Map();
      size = 0;
    }
    const cached = entries.get(file);
    if (cached) return cached;
    let pending = loading.get(file);
    if (!pending) {
      const map = loading;
      // The build the link named, even if it moves while the file is read.
      pending = load(resolve(dirname(siteDir), live), file).then((loaded) => {
        if (map === loading) {
          loading.delete(file);
          if (loaded) {
            entries.set(file, loaded);
            if (isSmall(loaded)) spend(loaded, loaded.body.length);
          }
        }
        return loaded;
      });
      loading.set(file, pending);
    }
    return pending;
  };

  return {
    /**
     * The answer for a URL path in the coding `choose` picks; null when it is not a file to
     * answer here (left to @fastify/static), or a big one with no sibling the client accepts.
     */
    async get(urlPath: string, choose: Choose): Promise<SiteAnswer | null> {
      const found = await entry(urlPath);
      if (!found) return null;
      const type = typeOf(found.path)!;
      if (!isSmall(found)) {
        const coding = choose([...found.siblings.keys()]);
        const sibling = coding === 'identity' ? undefined : found.siblings.get(coding);
        if (!sibling) return null;
        return { path: found.path, type, coding, etag: sibling.etag, varies: true, size: sibling.size, file: found.file + SIBLINGS[coding as ContentCoding] };
      }
      const coding = choose(found.codings);
      const varies = found.codings.length > 0;
      if (coding === 'identity') return { path: found.path, type, coding, etag: etagOf(found.hash, coding), varies, size: found.body.length, body: found.body };
      let variant = found.variants.get(coding);
      if (!variant) {
        variant = readVariant(found, coding);
        found.variants.set(coding, variant);
        void variant.then(
          (b) => spend(found, b.length),
          () => found.variants.delete(coding),
        );
      }
      const body = await variant;
      return { path: found.path, type, coding, etag: etagOf(found.hash, coding), varies, size: body.length, body };
    },
  };
}
