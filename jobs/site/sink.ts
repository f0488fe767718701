import { closeSync, linkSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { mkdir as mkdirAsync } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { SIBLINGS, compressible, compressibleType } from '../../lib/compressed-files.ts';
import { isSidecar } from '../../web/data-names.ts';

/** Writes a file synchronously in large chunks, so millions of lines never sit in memory. */
export class FileSink {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  bytes = 0;

  constructor(readonly path: string) {
    this.fd = inFolder(path, () => openSync(path, 'w'));
  }

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    this.bytes += writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  close(): number {
    this.flush();
    closeSync(this.fd);
    // Read back from the page cache: a raw part is a few MB at most, and only at build time.
    if (compressible(this.path, this.bytes)) siblingsOf(this.path, () => readFileSync(this.path));
    return this.bytes;
  }
}

/** Folders made by this process, so that each is made once: a build writes ~15,000 files into ~6,000 folders. */
const made = new Set<string>();
const MADE_KEPT = 100_000;

/**
 * Runs `create` (which makes the file at `path`) after making its folder, unless this process
 * made that folder already. A folder removed since (a dropped build) is made again.
 */
export function inFolder<T>(path: string, create: () => T): T {
  const folder = dirname(path);
  if (made.has(folder)) {
    try {
      return create();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  makeFolder(folder);
  return create();
}

function makeFolder(folder: string): void {
  // Build folders are new each time: the names of old ones are never asked for again.
  if (made.size > MADE_KEPT) made.clear();
  mkdirSync(folder, { recursive: true });
  made.add(folder);
}

/**
 * Starts making folders on libuv's threads, to overlap with the caller's work: making thousands
 * of folders under one parent waits on the file system (the parent's lock and its journal) more
 * than it uses the CPU. Their parents are made now. A folder not made yet when a file goes in
 * is made then (inFolder); one whose build was removed meanwhile is not made again.
 */
export function makeFoldersAhead(folders: string[]): void {
  for (const parent of new Set(folders.map((f) => dirname(f)))) makeFolder(parent);
  for (const folder of folders) {
    made.add(folder);
    mkdirAsync(folder).catch(() => {});
  }
}

/** Writes a whole small file, making its folder, with its compressed siblings (unless told not to: the caller writes them). */
export function writeFile(path: string, data: string | Uint8Array, options: { compressed?: boolean } = {}): number {
  inFolder(path, () => writeFileSync(path, data));
  const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  if (options.compressed !== false && compressible(path, bytes)) siblingsOf(path, () => data);
  return bytes;
}

/**
 * Build folders whose files get their compressed siblings later, each with the files (relative
 * to it) still waiting for them. A quick build goes live without them: compressing the ~200 MB a
 * one-province batch rewrites cost ~2.7 s of CPU at bench scale (2026-12-08), most of it on the
 * page thread, the build's critical path. The server compresses a file that has no sibling as it
 * sends it, and the step after the build (redrawStaleImages) writes them.
 */
const deferred = new Map<string, Set<string>>();

/** From now on, the files written or linked into `build` without siblings are listed, not compressed. */
export function deferSiblings(build: string): void {
  if (!deferred.has(build)) deferred.set(build, new Set());
}

/** Stops deferring for `build` and returns the files (relative to it) whose siblings are still to write. */
export function takeDeferredSiblings(build: string): string[] {
  const files = deferred.get(build);
  deferred.delete(build);
  return files ? [...files] : [];
}

function siblingsOf(path: string, data: () => string | Uint8Array): void {
  for (const [build, files] of deferred) {
    if (path.startsWith(build + sep)) {
      files.add(relative(build, path));
      return;
    }
  }
  writeCompressed(path, data());
}

/** Writes the siblings of files already in `build` (a file there may be a hard link: its siblings are new files). */
export function writeSiblingsOf(build: string, files: string[]): void {
  for (const file of files) {
    const path = join(build, file);
    writeCompressed(path, readFileSync(path));
  }
}

/**
 * Every build rewrites its pages and data, so their siblings cost every quick build: a
 * one-province batch at bench scale (1,000 services) rewrites ~200 MB of pages and data. CPU time
 * on 53.5 MB of that build's service pages, service data and province pages (2026-12-07): brotli 4
 * at 81–89 MB/s to 16.8% of the bytes, 3 at 144 MB/s to 17.7%, 2 at 157–178 MB/s to 17.9%, 1 at
 * 298 MB/s to 20.6%; gzip 3 at 145–157 MB/s to 19.9%, gzip 1 no faster (147–159 MB/s, 20.4%).
 * Brotli 2 halves the brotli time (~1.1 s of CPU a quick build, of ~11 s) for 6.5% more bytes.
 * The assets, the same from build to build, are compressed once per process at the best levels
 * (assets.ts).
 */
const FAST = { brotli: 2, gzip: 3 };
export const BEST = { brotli: 11, gzip: 9 };

export function compress(data: string | Uint8Array, levels: { brotli: number; gzip: number } = FAST): { br: Buffer; gzip: Buffer } {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  return {
    br: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: levels.brotli, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
    }),
    gzip: gzipSync(bytes, { level: levels.gzip }),
  };
}

/** Writes the `.br` and `.gz` siblings of a file just written (or the given ones). */
export function writeCompressed(path: string, data: string | Uint8Array, compressed = compress(data)): void {
  writeFileSync(path + SIBLINGS.br, compressed.br);
  writeFileSync(path + SIBLINGS.gzip, compressed.gzip);
}

/**
 * Hard-links a file of another build, with its compressed siblings: nothing is compressed again.
 * A file that has none (linked from a quick build whose siblings were not written yet) gets them
 * here, or listed for later like a file written; but a CSV's metadata file, written without them
 * (table-files.ts writeSidecar), stays so.
 */
export function linkWithSiblings(from: string, to: string): void {
  inFolder(to, () => linkSync(from, to));
  let linked = 0;
  for (const ext of Object.values(SIBLINGS)) {
    try {
      linkSync(from + ext, to + ext);
      linked++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  if (linked === 0 && !isSidecar(to) && compressibleType(to) && compressible(to, statSync(to).size)) siblingsOf(to, () => readFileSync(to));
}

/** Codes become folder and file names: only plain ones, never "." or "..". */
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Joins a path under `root` from parts that each must be a plain name. */
export function safeJoin(root: string, ...parts: string[]): string {
  const bad = parts.find((p) => !SAFE_SEGMENT.test(p));
  if (bad !== undefined) throw new Error(`unsafe name for a published file: ${JSON.stringify(bad)}`);
  return join(root, ...parts);
}
