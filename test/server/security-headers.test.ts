import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, adminHeaders, tempDir, testApp } from '../helper.ts';

/** The CSP as directive → sources. */
function csp(res: LightMyRequestResponse): Map<string, string[]> {
  const header = String(res.headers['content-security-policy'] ?? '');
  return new Map(header.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...sources]) => [name!, sources]));
}

/** The headers every answer carries, page, API, 404 or error alike. */
function expectBaseline(res: LightMyRequestResponse, what: string): Map<string, string[]> {
  const policy = csp(res);
  expect(policy.get('default-src'), what).toEqual(["'self'"]);
  expect(policy.get('script-src'), what).toEqual(["'self'"]);
  expect(policy.get('style-src'), what).toEqual(["'self'"]);
  expect(policy.get('object-src'), what).toEqual(["'none'"]);
  for (const [name, sources] of policy) {
    expect(sources, `${what}: ${name}`).not.toContain("'unsafe-inline'");
    expect(sources, `${what}: ${name}`).not.toContain("'unsafe-eval'");
  }
  expect(res.headers['x-content-type-options'], what).toBe('nosniff');
  expect(res.headers['referrer-policy'], what).toBe('no-referrer');
  return policy;
}

describe('security headers', () => {
  let t: TestApp;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    dir = tempDir('thuocdo-headers-');
    const site = join(dir.path, 'site');
    for (const path of ['', 'embed/national', 'en/embed/services/KS']) {
      mkdirSync(join(site, path), { recursive: true });
      writeFileSync(join(site, path, 'index.html'), '<!doctype html><title>Thước đo</title><p>ok</p>');
    }
    writeFileSync(join(site, '404.html'), '<!doctype html><title>404</title>');
    writeFileSync(join(site, 'embed.js'), '');
    t = await testApp({ siteDir: site, maxBodyBytes: 1024 });
  });
  afterAll(async () => {
    await t.close();
    dir.remove();
  });

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });

  it.each([
    ['a site page', '/', 200, {}],
    ['an API answer', '/api/v1/health', 200, {}],
    ['an API 404', '/api/v1/nowhere', 404, {}],
    ['a page 404', '/nowhere/', 404, { accept: 'text/html' }],
    ['a 400', '/api/v1/adoption?granularity=weekly', 400, {}],
  ] as const)('%s: the baseline, and no framing', async (what, url, status, headers) => {
    const res = await get(url, headers);
    expect(res.statusCode, what).toBe(status);
    expect(expectBaseline(res, what).get('frame-ancestors')).toEqual(["'none'"]);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it.each([
    ['a write refused without a token (401)', { method: 'POST' as const, url: '/api/v1/observations', headers: { 'content-type': 'text/csv' }, payload: 'x' }, 401],
    ['a body too large (413)', { method: 'PUT' as const, url: '/api/v1/services/KS', headers: { ...adminHeaders(), 'content-type': 'application/json' }, payload: 'x'.repeat(4096) }, 413],
    ['an unsupported content type (415)', { method: 'POST' as const, url: '/api/v1/services', headers: { ...adminHeaders(), 'content-type': 'text/plain' }, payload: 'x' }, 415],
  ])('%s: the baseline too', async (what, request, status) => {
    const res = await t.app.inject(request);
    expect(res.statusCode, what).toBe(status);
    expect(expectBaseline(res, what).get('frame-ancestors')).toEqual(["'none'"]);
  });

  it.each([
    ['an embed page', '/embed/national/'],
    ['an English embed page', '/en/embed/services/KS/'],
    ['the host-page resizer', '/embed.js'],
    ['oEmbed', '/oembed?url=https%3A%2F%2Fexample.org%2F&format=json'],
  ])('%s: the baseline, framable from anywhere', async (what, url) => {
    const res = await get(url);
    expect(expectBaseline(res, what).get('frame-ancestors')).toEqual(['*']);
    expect(res.headers['x-frame-options']).toBeUndefined();
  });
});
