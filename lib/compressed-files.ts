/**
 * Which published files are sent compressed, and where their compressed copies sit: the site
 * builder writes `NAME.br` and `NAME.gz` beside each (jobs/site/sink.ts), and the server sends
 * them (server/plugins/site.ts), as nginx (`gzip_static`, `brotli_static`) or a CDN can. Images
 * and archives that are compressed already (PNG, zip, xlsx) are sent as they are, and so is any
 * file under 1 KB: compression would gain a few hundred bytes at most.
 */
export const COMPRESSED_TYPES = /\.(html|css|js|json|csv|svg|xml|txt)$/;
export const COMPRESSED_MIN_BYTES = 1024;

/** The content codings, best first, and each one's sibling. */
export const SIBLINGS = { br: '.br', gzip: '.gz' } as const;
export type ContentCoding = keyof typeof SIBLINGS;

export function compressible(path: string, bytes: number): boolean {
  return bytes >= COMPRESSED_MIN_BYTES && compressibleType(path);
}

/** Of a type sent compressed, whatever its size (known without reading the file). */
export const compressibleType = (path: string): boolean => COMPRESSED_TYPES.test(path);
