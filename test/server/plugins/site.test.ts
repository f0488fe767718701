import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, tempDir, testApp } from '../../helper.ts';

/** A build folder with a home page, an embed, a folder page and a data file. */
function writeBuild(dir: string, label: string): void {
  mkdirSync(join(dir, 'embed', 'national'), { recursive: true });
  mkdirSync(join(dir, 'services'), { recursive: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), `<!doctype html><title>${label}</title>`);
  writeFileSync(join(dir, 'embed', 'national', 'index.html'), `<!doctype html><title>embed ${label}</title>`);
  writeFileSync(join(dir, 'services', 'index.html'), `<!doctype html><title>services ${label}</title>`);
  writeFileSync(join(dir, 'data', 'a.csv'), `period,rate\n2026-10,${label}\n`);
}

describe('serving the site from memory', () => {
  let root: ReturnType<typeof tempDir>;
  let t: TestApp;
  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

  beforeEach(async () => {
    root = tempDir('thuocdo-site-');
    writeBuild(join(root.path, 'builds', 'a'), 'A');
    writeBuild(join(root.path, 'builds', 'b'), 'B');
    symlinkSync(join('builds', 'a'), join(root.path, 'site'));
    t = await testApp({ siteDir: join(root.path, 'site') });
  });
  afterEach(async () => {
    await t.close();
    root.remove();
  });

  it('answers from memory once read, with the same headers, until the link moves', async () => {
    const first = await get('/');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('<title>A</title>');
    expect(first.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(first.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    expect(first.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(first.headers['x-content-type-options']).toBe('nosniff');

    // Builds never change in place; if one did, the copy in memory would still be served.
    writeFileSync(join(root.path, 'builds', 'a', 'index.html'), 'changed in place');
    const second = await get('/');
    expect(second.body).toBe(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect((await get('/', { 'if-none-match': first.headers.etag as string })).statusCode).toBe(304);

    // A publish moves the link: the new build is served at once.
    const link = join(root.path, 'site');
    symlinkSync(join('builds', 'b'), `${link}.tmp`);
    renameSync(`${link}.tmp`, link);
    const after = await get('/');
    expect(after.body).toContain('<title>B</title>');
    expect(after.headers.etag).not.toBe(first.headers.etag);
  });

  it('keeps the framing policy, types and cache rules of each kind of file', async () => {
    for (let i = 0; i < 2; i++) {
      const embed = await get('/embed/national/');
      expect(embed.body).toContain('embed A');
      expect(embed.headers['content-security-policy']).toContain('frame-ancestors *');
      const csv = await get('/data/a.csv?v=1');
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['cache-control']).toBe('public, max-age=300');
      expect(csv.body).toBe('period,rate\n2026-10,A\n');
    }
  });

  it('leaves redirects, HEAD, missing files and odd paths to the static plugin', async () => {
    const redirect = await get('/services');
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/services/');
    const head = await t.app.inject({ method: 'HEAD', url: '/services/' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect((await get('/nowhere/')).statusCode).toBe(404);
    for (const url of ['/../builds/b/index.html', '/%2e%2e/builds/b/index.html', '/data/%00a.csv']) {
      const res = await get(url);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.body).not.toContain('<title>B</title>');
    }
  });
});

describe('serving a plain site folder', () => {
  it('reads files as they are now: a folder copied by hand may change in place', async () => {
    const root = tempDir('thuocdo-site-');
    writeBuild(root.path, 'A');
    const t = await testApp({ siteDir: root.path });
    try {
      expect((await t.app.inject({ method: 'GET', url: '/' })).body).toContain('<title>A</title>');
      writeFileSync(join(root.path, 'index.html'), '<title>edited</title>');
      expect((await t.app.inject({ method: 'GET', url: '/' })).body).toBe('<title>edited</title>');
    } finally {
      await t.close();
      root.remove();
    }
  });
});
