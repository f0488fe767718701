import { PullError } from './errors.ts';

export interface FetchOptions {
  timeoutMs: number;
  maxBytes: number;
  /** Validators from the last good pull: an unchanged file answers 304 and is not downloaded. */
  etag: string | null;
  lastModified: string | null;
  signal?: AbortSignal;
}

export type Fetched =
  | { notModified: true }
  | { notModified: false; body: Buffer; contentType: string | null; etag: string | null; lastModified: string | null };

const USER_AGENT = 'Thuoc-do-pull/1 (+https://github.com/thuoc-do)';

/** Statuses worth another try: the server is busy or briefly broken, not the request. */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * Downloads one file within `timeoutMs` (the whole answer, not just its headers) and at most
 * `maxBytes`, so a slow or endless source cannot hold a pull or the memory.
 */
export async function fetchUrl(url: string, options: FetchOptions): Promise<Fetched> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const headers: Record<string, string> = { accept: 'text/csv, application/json;q=0.9, */*;q=0.1', 'user-agent': USER_AGENT };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;
  try {
    const response = await fetch(url, { headers, signal, redirect: 'follow' });
    if (response.status === 304) return { notModified: true };
    if (!response.ok) {
      await response.body?.cancel();
      throw new PullError(`${url} answered HTTP ${response.status} ${response.statusText}`.trim(), RETRYABLE.has(response.status), retryAfterMs(response.headers.get('retry-after')));
    }
    const body = await readCapped(response, options.maxBytes, url);
    return {
      notModified: false,
      body,
      contentType: response.headers.get('content-type'),
      etag: response.headers.get('etag'),
      lastModified: response.headers.get('last-modified'),
    };
  } catch (err) {
    if (err instanceof PullError) throw err;
    if (timeout.aborted) throw new PullError(`${url} did not send the whole file within ${options.timeoutMs / 1000} s`, true);
    if (options.signal?.aborted) throw new PullError('the pull was stopped (the server is shutting down)', false);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new PullError(`could not reach ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, true);
  }
}

async function readCapped(response: Response, maxBytes: number, url: string): Promise<Buffer> {
  const tooBig = () => new PullError(`${url} serves more than ${Math.round(maxBytes / 1024 / 1024)} MB (MAX_BODY_MB); split the file`, false);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooBig();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
    size += read.value.byteLength;
    if (size > maxBytes) {
      await reader!.cancel();
      throw tooBig();
    }
    chunks.push(Buffer.from(read.value));
  }
  return Buffer.concat(chunks, size);
}

/** Retry-After in seconds or as an HTTP date, in ms; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
