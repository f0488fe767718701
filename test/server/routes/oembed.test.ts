/**
 * GET /oembed against a real built site, served by the listening app: a third-party oEmbed
 * client finds and reads it from a chart page's discovery link, and the answers follow
 * oEmbed 1.0 ("rich") for page and embed URLs in both languages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extract } from '@extractus/oembed-extractor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localePath } from '../../../web/i18n.ts';
import type { ChartManifest } from '../../../web/model.ts';
import { strings } from '../../../web/strings.ts';
import { type ServedSite, decodeHtml, readPage, servedSite, walk } from '../../jobs/site/fixture.ts';

const FIELDS = ['cache_age', 'height', 'html', 'provider_name', 'provider_url', 'thumbnail_height', 'thumbnail_url', 'thumbnail_width', 'title', 'type', 'version', 'width'];

interface Oembed {
  type: string;
  version: string;
  title: string;
  provider_name: string;
  provider_url: string;
  html: string;
  width: number;
  height: number;
  thumbnail_url: string;
  thumbnail_width: number;
  thumbnail_height: number;
  cache_age: number;
}

/** The iframe of an oEmbed html: its src as a URL and its other attributes. */
function iframe(html: string): { src: URL; title: string; width: number; height: number } {
  const m = html.match(/^<iframe src="([^"]+)" title="([^"]*)" width="(\d+)" height="(\d+)"[^>]*><\/iframe>$/);
  expect(m, html).not.toBeNull();
  return { src: new URL(decodeHtml(m![1]!)), title: decodeHtml(m![2]!), width: Number(m![3]), height: Number(m![4]) };
}

/** The oEmbed discovery links of a page, their href decoded. */
function discoveryLinks(page: string): string[] {
  return [...page.matchAll(/<link rel="alternate" type="application\/json\+oembed" href="([^"]+)"[^>]*>/g)].map((m) => decodeHtml(m[1]!));
}

describe('GET /oembed', () => {
  let site: ServedSite;
  let base: string;
  let manifest: ChartManifest;

  beforeAll(async () => {
    site = await servedSite();
    base = site.base;
    manifest = JSON.parse(readFileSync(join(site.siteDir, 'embed', 'charts.json'), 'utf8')) as ChartManifest;
  }, 120_000);
  afterAll(() => site?.close());

  const ask = (query: Record<string, string | number>) =>
    site.t.app.inject({ url: `/oembed?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}` });

  async function answer(query: Record<string, string | number>): Promise<Oembed> {
    const res = await ask(query);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    return res.json() as Oembed;
  }

  const chart = (page: string) => manifest.charts.find((c) => c.page === page)!;
  const vi = strings('vi');
  const en = strings('en');

  describe('read by a third-party client (@extractus/oembed-extractor, auto-discovery)', () => {
    it.each([
      ['/services/KS-01/', '/embed/services/KS-01/', 'vi', vi.services.trend('Đăng ký khai sinh')],
      ['/en/localities/08/', '/en/embed/localities/08/', 'en', undefined],
      ['/en/', '/en/embed/national/', 'en', en.home.trend],
    ] as const)('turns %s into the iframe of %s', async (page, embed, lang, title) => {
      const data = await extract(base + page);
      // No provider list knows 127.0.0.1: the library found our endpoint through the page's link.
      expect(data.method).toBe('auto-discovery');
      expect(data).toMatchObject({ type: 'rich', version: '1.0', provider_name: 'Thước đo', title: title ?? chart(page).title });
      expect(data.thumbnail_url).toBe(base + chart(page).image);
      const thumbnail = await fetch(String(data.thumbnail_url));
      expect(thumbnail.status).toBe(200);
      expect(thumbnail.headers.get('content-type')).toBe('image/png');
      const frame = iframe(String(data.html));
      expect(frame.src.origin).toBe(base);
      expect(frame.src.pathname).toBe(embed);
      expect(Object.fromEntries(frame.src.searchParams)).toEqual({ time: '2020..latest', tab: 'chart', lang, theme: 'auto' });
      expect(frame.title).toBe(data.title);
    });

    it('passes maxwidth and maxheight on, and the answer keeps to them', async () => {
      const data = await extract(`${base}/services/KH-02/`, { maxwidth: 400, maxheight: 300 });
      expect(data).toMatchObject({ type: 'rich', width: 400, height: 300 });
      expect(iframe(String(data.html))).toMatchObject({ width: 400, height: 300 });
    });

    it('finds nothing on a page without a chart', async () => {
      await expect(extract(`${base}/methodology/`)).rejects.toThrow(/No oEmbed link/);
    });
  });

  describe('answers', () => {
    it('carry every field of a rich oEmbed 1.0 answer', async () => {
      const data = await answer({ url: `${base}/services/KS-01/` });
      expect(Object.keys(data).sort()).toEqual(FIELDS);
      expect(data).toMatchObject({
        type: 'rich',
        version: '1.0',
        title: vi.services.trend('Đăng ký khai sinh'),
        provider_name: 'Thước đo',
        provider_url: `${base}/`,
        width: 640,
        height: 520,
        thumbnail_url: `${base}/images/vi/service-KS-01.png`,
        thumbnail_width: 1200,
        thumbnail_height: 630,
      });
      expect(Number.isInteger(data.cache_age) && data.cache_age > 0).toBe(true);
      expect(iframe(data.html)).toMatchObject({ width: data.width, height: data.height, title: data.title });
      expect(data.html).toContain('loading="lazy"');
    });

    it.each([
      [{ maxwidth: 300, maxheight: 200 }, 300, 200],
      [{ maxwidth: 300 }, 300, 520],
      [{ maxheight: 250 }, 640, 250],
      [{ maxwidth: 5000, maxheight: 5000 }, 640, 520],
    ])('respect %o', async (limits, width, height) => {
      const data = await answer({ url: `${base}/localities/79/`, ...limits });
      expect(data).toMatchObject({ width, height });
      expect(iframe(data.html)).toMatchObject({ width, height });
    });

    it.each([
      ['/', '/embed/national/', 'vi', vi.home.trend, {}],
      ['/en/', '/en/embed/national/', 'en', en.home.trend, {}],
      ['/services/KS-01/', '/embed/services/KS-01/', 'vi', vi.services.trend('Đăng ký khai sinh'), {}],
      ['/en/services/KS-01/', '/en/embed/services/KS-01/', 'en', en.services.trend('Birth registration'), {}],
      ['/en/services/KS-01', '/en/embed/services/KS-01/', 'en', en.services.trend('Birth registration'), {}],
      ['/embed/services/KS-01/', '/embed/services/KS-01/', 'vi', vi.services.trend('Đăng ký khai sinh'), {}],
      ['/en/embed/services/KS-01/', '/en/embed/services/KS-01/', 'en', en.services.trend('Birth registration'), {}],
      ['/localities/08/?x=1', '/embed/localities/08/', 'vi', undefined, {}],
      // An embed URL keeps the view it was given.
      ['/en/embed/localities/08/?theme=dark&tab=table', '/en/embed/localities/08/', 'en', undefined, { theme: 'dark', tab: 'table' }],
      ['/embed/services/KS-01/?time=2024..latest', '/embed/services/KS-01/', 'vi', undefined, { time: '2024..latest' }],
    ] as const)('for %s: the embed %s', async (path, embed, lang, title, kept) => {
      const data = await answer({ url: base + path });
      const pageOf = manifest.charts.find((c) => c.embed === embed)!;
      expect(data.title).toBe(title ?? pageOf.title);
      expect(data.thumbnail_url).toBe(base + pageOf.image);
      const frame = iframe(data.html);
      expect(`${frame.src.origin}${frame.src.pathname}`).toBe(base + embed);
      expect(Object.fromEntries(frame.src.searchParams)).toEqual({ time: '2020..latest', tab: 'chart', lang, theme: 'auto', ...kept });
    });

    it.each([
      ['a page without a chart', () => `${base}/methodology/`],
      ['an unknown service', () => `${base}/services/NOPE/`],
      ['a file', () => `${base}/embed/charts.json`],
      ['the generic embed', () => `${base}/embed/adoption/?service=KS-01`],
      ['a path below a chart page', () => `${base}/services/KS-01/x/`],
      ['a relative URL', () => '/services/KS-01/'],
      ['not a URL', () => 'chart please'],
      ['a chart page of another host', () => 'http://evil.example/services/KS-01/'],
      ['a chart page on another port', () => `${base.replace(/:\d+$/, ':1')}/services/KS-01/`],
    ])('404 for %s', async (_name, url) => {
      const res = await ask({ url: url() });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: 'not_found' });
    });

    it('501 for format=xml, and format=json is the default', async () => {
      const res = await ask({ url: `${base}/services/KS-01/`, format: 'xml' });
      expect(res.statusCode).toBe(501);
      expect((await answer({ url: `${base}/services/KS-01/`, format: 'json' })).title).toBe((await answer({ url: `${base}/services/KS-01/` })).title);
    });

    it('400 without a url', async () => {
      expect((await site.t.app.inject({ url: '/oembed' })).statusCode).toBe(400);
    });
  });

  describe('discovery links', () => {
    it('every chart page links to /oembed with its own URL, and the link answers for its chart', async () => {
      expect(manifest.charts.length).toBeGreaterThan(10);
      for (const c of manifest.charts) {
        const links = discoveryLinks(readPage(site.siteDir, c.page));
        expect(links, c.page).toEqual([`${base}/oembed?url=${encodeURIComponent(base + c.page)}&format=json`]);
        const link = new URL(links[0]!);
        const res = await site.t.app.inject({ url: link.pathname + link.search });
        expect(res.statusCode, c.page).toBe(200);
        const data = res.json() as Oembed;
        expect(data.title).toBe(c.title);
        expect(iframe(data.html).src.pathname).toBe(c.embed);
      }
    });

    it('pages without a chart have none', () => {
      const chartPages = new Set(manifest.charts.map((c) => c.page));
      const others = walk(site.siteDir)
        .filter((f) => f.endsWith('index.html'))
        .map((f) => `/${f.replace(/index\.html$/, '')}`)
        .filter((p) => !chartPages.has(p));
      expect(others).toContain(localePath('en', '/methodology/'));
      expect(others).toContain('/services/');
      for (const page of others) expect(discoveryLinks(readPage(site.siteDir, page)), page).toEqual([]);
    });
  });
});
