/**
 * Compression as sent over real HTTP by the real app: the coding each Accept-Encoding gets, the
 * precompressed siblings, the fallbacks when a sibling is missing, ETags per coding, 304s, HEAD,
 * ranges, big files streamed, hashed assets cached as immutable, and API answers.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, tempDir, testApp } from '../../helper.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as they came over the wire. */
  raw: Buffer;
}

function get(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, raw: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const decoded = (a: Answer) => {
  const coding = a.headers['content-encoding'];
  return coding === 'br' ? brotliDecompressSync(a.raw) : coding === 'gzip' ? gunzipSync(a.raw) : a.raw;
};

/** Text that compresses well, in a size of our choosing. */
const text = (bytes: number, seed: string) => {
  let out = '';
  for (let i = 0; out.length < bytes; i++) out += `${seed},${i},${(i * 7919) % 1000},Phường Ba Đình\n`;
  return out.slice(0, bytes);
};

describe('compression over HTTP', () => {
  let root: ReturnType<typeof tempDir>;
  let t: TestApp;
  let base: string;
  const build = () => join(root.path, 'builds', 'a');
  const page = text(20_000, 'page');
  const noSibling = text(8_000, 'no-sibling');
  const big = text(3 * 1024 * 1024, 'raw');
  const bigBare = text(1024 * 1024, 'bare');
  const asset = 'body{color:#1f4e8c}\n'.repeat(200);
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(4000)]);

  beforeAll(async () => {
    root = tempDir('thuocdo-compress-');
    const dir = await build();
    for (const folder of ['services', 'assets', 'data/observations/2026', 'images']) mkdirSync(join(dir, folder), { recursive: true });
    // A page with both siblings, written as the builder writes them, but for a marker in the
    // gzip one: the test can tell a sibling sent from a copy compressed on the fly.
    writeFileSync(join(dir, 'index.html'), page);
    writeFileSync(join(dir, 'index.html.br'), brotliCompressSync(page));
    writeFileSync(join(dir, 'index.html.gz'), gzipSync(page, { level: 9 }));
    // A folder's index.html with no siblings at all (a build from before them).
    writeFileSync(join(dir, 'services', 'index.html'), noSibling);
    writeFileSync(join(dir, 'assets', 'site.0123abcd.css'), asset);
    writeFileSync(join(dir, 'assets', 'site.0123abcd.css.br'), brotliCompressSync(asset));
    writeFileSync(join(dir, 'assets', 'site.css'), asset);
    writeFileSync(join(dir, 'images', 'chart.png'), png);
    // Big files: one with siblings, one without.
    writeFileSync(join(dir, 'data/observations/2026/01.csv'), big);
    writeFileSync(join(dir, 'data/observations/2026/01.csv.br'), brotliCompressSync(big));
    writeFileSync(join(dir, 'data/observations/2026/01.csv.gz'), gzipSync(big));
    writeFileSync(join(dir, 'data/observations/2026/02.csv'), bigBare);
    symlinkSync(join('builds', 'a'), join(root.path, 'site'));
    t = await testApp({ siteDir: join(root.path, 'site') });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await t?.close();
    root?.remove();
  });

  it('sends a page in the coding Accept-Encoding prefers, by q-value, with Vary and an ETag per coding', async () => {
    const cases: Array<[string | undefined, string | undefined]> = [
      ['gzip, deflate, br, zstd', 'br'],
      ['br;q=0.5, gzip', 'gzip'],
      ['gzip;q=0.2, br;q=0.9', 'br'],
      ['gzip', 'gzip'],
      ['x-gzip', 'gzip'],
      // "*" is read as gzip, as @fastify/compress reads it for API answers.
      ['*', 'gzip'],
      ['deflate', undefined],
      ['br;q=0, gzip;q=0', undefined],
      ['identity', undefined],
      [undefined, undefined],
    ];
    const etags = new Map<string, string>();
    for (const [accept, coding] of cases) {
      // Twice: read from disk, then from memory.
      for (let i = 0; i < 2; i++) {
        const res = await get(base, '/', accept === undefined ? {} : { 'accept-encoding': accept });
        expect(res.status, accept).toBe(200);
        expect(res.headers['content-encoding'], accept).toBe(coding);
        expect(res.headers.vary, accept).toMatch(/accept-encoding/i);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(decoded(res).toString(), accept).toBe(page);
        expect(Number(res.headers['content-length'])).toBe(res.raw.length);
        const etag = res.headers.etag as string;
        expect(etags.get(coding ?? 'identity') ?? etag).toBe(etag);
        etags.set(coding ?? 'identity', etag);
      }
    }
    expect(new Set(etags.values()).size).toBe(3);
    // The precompressed sibling is what is sent: here the best gzip level, as written.
    const gz = await get(base, '/', { 'accept-encoding': 'gzip' });
    expect(gz.raw.equals(gzipSync(page, { level: 9 }))).toBe(true);

    // Each coding revalidates against its own ETag.
    for (const [coding, etag] of etags) {
      const accept = coding === 'identity' ? 'identity' : coding;
      expect((await get(base, '/', { 'accept-encoding': accept, 'if-none-match': etag })).status, coding).toBe(304);
    }
    expect((await get(base, '/', { 'accept-encoding': 'br', 'if-none-match': etags.get('gzip')! })).status).toBe(200);
  });

  it('answers 200 when a sibling is missing: compressed here, once, or sent as it is', async () => {
    for (const accept of ['br', 'gzip', 'identity']) {
      const res = await get(base, '/services/', { 'accept-encoding': accept });
      expect(res.status, accept).toBe(200);
      expect(res.headers['content-encoding'], accept).toBe(accept === 'identity' ? undefined : accept);
      expect(decoded(res).toString()).toBe(noSibling);
    }
    // An asset with a .br sibling and no .gz.
    const gz = await get(base, '/assets/site.0123abcd.css', { 'accept-encoding': 'gzip' });
    expect([gz.status, gz.headers['content-encoding'], decoded(gz).toString()]).toEqual([200, 'gzip', asset]);
  });

  it('keeps HEAD and ranges working: HEAD has the GET headers, a range is sent as it is', async () => {
    const getRes = await get(base, '/', { 'accept-encoding': 'br' });
    const head = await get(base, '/', { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.raw.length).toBe(0);
    for (const h of ['content-encoding', 'content-length', 'etag', 'vary', 'content-type']) expect(head.headers[h], h).toBe(getRes.headers[h]);

    const range = await get(base, '/', { 'accept-encoding': 'br, gzip', range: 'bytes=10-29' });
    expect(range.status).toBe(206);
    expect(range.headers['content-encoding']).toBeUndefined();
    expect(range.raw.equals(Buffer.from(page).subarray(10, 30))).toBe(true);
    const bigRange = await get(base, '/data/observations/2026/01.csv', { 'accept-encoding': 'br', range: 'bytes=0-99' });
    expect([bigRange.status, bigRange.headers['content-encoding'], bigRange.raw.equals(Buffer.from(big).subarray(0, 100))]).toEqual([206, undefined, true]);
  });

  it('streams a big file from its sibling, or compresses it on the fly as a stream when it has none', async () => {
    const br = await get(base, '/data/observations/2026/01.csv', { 'accept-encoding': 'gzip, br' });
    expect([br.status, br.headers['content-encoding'], br.headers['content-type']]).toEqual([200, 'br', 'text/csv; charset=utf-8']);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(Number(br.headers['content-length'])).toBe(br.raw.length);
    expect(br.raw.length).toBeLessThan(big.length / 4);
    expect(decoded(br).toString()).toBe(big);
    const gz = await get(base, '/data/observations/2026/01.csv', { 'accept-encoding': 'gzip' });
    expect([gz.headers['content-encoding'], decoded(gz).toString() === big]).toEqual(['gzip', true]);
    expect(gz.headers.etag).not.toBe(br.headers.etag);
    expect((await get(base, '/data/observations/2026/01.csv', { 'accept-encoding': 'br', 'if-none-match': br.headers.etag as string })).status).toBe(304);
    const head = await get(base, '/data/observations/2026/01.csv', { 'accept-encoding': 'br' }, 'HEAD');
    expect([head.status, head.headers['content-length'], head.raw.length]).toEqual([200, br.headers['content-length'], 0]);
    const plain = await get(base, '/data/observations/2026/01.csv');
    expect([plain.headers['content-encoding'], plain.raw.length]).toEqual([undefined, Buffer.byteLength(big)]);

    // No sibling: @fastify/static's stream, compressed on the fly (no length known beforehand).
    const bare = await get(base, '/data/observations/2026/02.csv', { 'accept-encoding': 'br' });
    expect([bare.status, bare.headers['content-encoding']]).toEqual([200, 'br']);
    expect(bare.headers['content-length']).toBeUndefined();
    expect(bare.headers.vary).toMatch(/accept-encoding/i);
    expect(bare.headers.etag).toMatch(/^W\//);
    expect(decoded(bare).toString()).toBe(bigBare);
  });

  it('gives hashed assets a year as immutable, and their plain names a short max-age', async () => {
    const hashed = await get(base, '/assets/site.0123abcd.css', { 'accept-encoding': 'br' });
    expect([hashed.status, hashed.headers['content-encoding'], hashed.headers['cache-control']]).toEqual([200, 'br', 'public, max-age=31536000, immutable']);
    const plain = await get(base, '/assets/site.css', { 'accept-encoding': 'br' });
    expect([plain.status, plain.headers['cache-control']]).toEqual([200, 'public, max-age=300']);
    expect(decoded(plain).toString()).toBe(asset);
  });

  it('never compresses a PNG', async () => {
    const res = await get(base, '/images/chart.png', { 'accept-encoding': 'br, gzip' });
    expect([res.status, res.headers['content-encoding'], res.headers['content-type']]).toEqual([200, undefined, 'image/png']);
    expect(res.raw.equals(png)).toBe(true);
  });

  it('compresses API answers on the fly, with Vary and a weak ETag shared by the codings', async () => {
    const answers = new Map<string, Answer>();
    for (const accept of ['br', 'gzip', 'identity']) {
      const res = await get(base, '/api/v1/localities', { 'accept-encoding': accept });
      expect(res.status, accept).toBe(200);
      expect(res.headers['content-encoding'], accept).toBe(accept === 'identity' ? undefined : accept);
      expect(res.headers.vary, accept).toMatch(/accept-encoding/i);
      expect(res.headers.etag, accept).toMatch(/^W\/"/);
      answers.set(accept, res);
    }
    const plain = decoded(answers.get('identity')!);
    expect(plain.length).toBeGreaterThan(1024);
    expect(decoded(answers.get('br')!).equals(plain)).toBe(true);
    expect(decoded(answers.get('gzip')!).equals(plain)).toBe(true);
    expect(answers.get('br')!.raw.length).toBeLessThan(plain.length / 2);
    const etag = answers.get('identity')!.headers.etag as string;
    expect((await get(base, '/api/v1/localities', { 'accept-encoding': 'br', 'if-none-match': etag })).status).toBe(304);
  });
});
