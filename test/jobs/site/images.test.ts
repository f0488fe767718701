import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { DEMO_LABEL, drawNewImages, linkLiveImages, readManifest, renderChartImages, writeImageManifest } from '../../../jobs/site/images.ts';
import { type ChartImage, type ChartRef, IMAGE_HEIGHT, IMAGE_WIDTH, chartImagePaths } from '../../../web/charts.ts';
import type { Point, Series } from '../../../web/model.ts';
import { tempDir } from '../../helper.ts';

const dirs: Array<{ path: string; remove: () => void }> = [];
function dir(): string {
  const d = tempDir('thuocdo-images-');
  dirs.push(d);
  return d.path;
}
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
  vi.restoreAllMocks();
});

/** `months` monthly points from January 2024, rising, with one month missing; and their yearly rates. */
function series(months = 24, shift = 0): Series {
  const monthly: Point[] = [];
  for (let i = 0; i < months; i++) {
    const period = `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
    const total = 1000;
    const online = i === 4 ? 0 : Math.round(total * (0.05 + i * 0.012 + shift + 0.02 * Math.sin(i)));
    monthly.push({ period, online_count: online, total_count: i === 4 ? 0 : total, rate: i === 4 ? null : online / total, coverage: { reporting: 1, expected: 1 }, complete: true });
  }
  const yearly: Point[] = [];
  for (const year of new Set(monthly.map((p) => p.period.slice(0, 4)))) {
    const points = monthly.filter((p) => p.period.startsWith(year) && p.rate !== null);
    const online = points.reduce((s, p) => s + p.online_count, 0);
    const total = points.reduce((s, p) => s + p.total_count, 0);
    yearly.push({ period: year, online_count: online, total_count: total, rate: online / total, months: points.length, coverage: { reporting: 1, expected: 1 }, complete: points.length === 12 });
  }
  return { monthly, yearly, units: 'provinces' };
}

function image(ref: ChartRef, lang: 'vi' | 'en', extra: Partial<ChartImage> = {}): ChartImage {
  return {
    ref,
    lang,
    title: lang === 'vi' ? 'Tỷ lệ hồ sơ nộp trực tuyến, Đắk Lắk' : 'Share of dossiers submitted online, Đắk Lắk',
    summary: lang === 'vi' ? 'Tăng từ 9,51% năm 2024 lên 25,40% năm 2025.' : 'Up from 9.51% in 2024 to 25.40% in 2025.',
    source: lang === 'vi' ? 'Nguồn: Thước đo. Số liệu đến 12/2025' : 'Source: Thước đo. Data to Dec 2025',
    demo: false,
    series: series(),
    ...extra,
  };
}

const HANDFUL: ChartImage[] = [
  image({ kind: 'national' }, 'vi', { demo: true }),
  image({ kind: 'national' }, 'en', { demo: true }),
  image({ kind: 'service', code: '1.001' }, 'vi'),
  image({ kind: 'locality', code: '66' }, 'en', { series: series(7) }),
];

const file = (root: string, path: string) => join(root, ...path.split('/'));

function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function pixels(bytes: Buffer): Promise<Uint8ClampedArray> {
  const img = await loadImage(bytes);
  const canvas = createCanvas(IMAGE_WIDTH, IMAGE_HEIGHT);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return ctx.getImageData(0, 0, IMAGE_WIDTH, IMAGE_HEIGHT).data;
}

function near(data: Uint8ClampedArray, i: number, [r, g, b]: [number, number, number], tolerance = 40): boolean {
  return Math.abs(data[i]! - r) <= tolerance && Math.abs(data[i + 1]! - g) <= tolerance && Math.abs(data[i + 2]! - b) <= tolerance;
}

describe('renderChartImages', () => {
  test('writes a 1200×630 PNG with the chart drawn on it, an SVG and a manifest', async () => {
    const site = dir();
    const result = renderChartImages(site, HANDFUL, { reuseFrom: null });
    expect(result).toMatchObject({ rendered: 4, reused: 0 });

    for (const img of HANDFUL) {
      const paths = chartImagePaths(img.ref, img.lang);
      const png = readFileSync(file(site, paths.png));
      expect(pngSize(png)).toEqual({ width: 1200, height: 630 });

      const data = await pixels(png);
      let inked = 0;
      let monthly = 0;
      let yearly = 0;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4) {
        if (data[i]! < 235 || data[i + 1]! < 235 || data[i + 2]! < 235) inked++;
        if (near(data, i, [0x1f, 0x4e, 0x8c])) monthly++;
        if (near(data, i, [0xa3, 0x3a, 0x00])) yearly++;
        colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      }
      expect(inked).toBeGreaterThan(8000);
      expect(colours.size).toBeGreaterThanOrEqual(3);
      expect(monthly).toBeGreaterThan(300);
      expect(yearly).toBeGreaterThan(150);
      // The background is white: the corners are untouched.
      expect([data[0], data[1], data[2], data[3]]).toEqual([255, 255, 255, 255]);

      const svg = readFileSync(file(site, paths.svg), 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg).toContain('viewBox="0 0 1200 630"');
      expect(svg.match(/<path /g)!.length).toBeGreaterThan(5);
      expect(svg.match(/<text /g)!.length).toBe(svg.match(/<\/text>/g)!.length);
      expect(svg).toContain(`>${img.title}</text>`);
      expect(svg).toContain('stroke="#1f4e8c"');
      expect(svg).toContain('stroke="#a33a00"');
      expect(svg.includes(DEMO_LABEL)).toBe(img.demo);
    }

    // Axis labels follow the language.
    const vi = readFileSync(file(site, '/images/vi/national.svg'), 'utf8');
    const en = readFileSync(file(site, '/images/en/national.svg'), 'utf8');
    expect(vi).toContain('>01/2024</text>');
    expect(en).toContain('>Jan 2024</text>');
    expect(vi).toContain('>Hằng tháng</text>');
    expect(en).toContain('>Monthly</text>');

    const manifest = JSON.parse(readFileSync(file(site, '/images/manifest.json'), 'utf8')) as { images: Record<string, string> };
    expect(Object.keys(manifest.images).sort()).toEqual(HANDFUL.flatMap((i) => Object.values(chartImagePaths(i.ref, i.lang))).sort());
  });

  test('links unchanged images from the previous build and redraws only what changed', () => {
    const first = dir();
    renderChartImages(first, HANDFUL, { reuseFrom: null });

    const second = dir();
    expect(renderChartImages(second, HANDFUL, { reuseFrom: first })).toMatchObject({ rendered: 0, reused: 4 });
    for (const img of HANDFUL) {
      for (const p of Object.values(chartImagePaths(img.ref, img.lang))) {
        expect(statSync(file(second, p)).ino).toBe(statSync(file(first, p)).ino);
      }
    }
    expect(readFileSync(file(second, '/images/manifest.json'), 'utf8')).toBe(readFileSync(file(first, '/images/manifest.json'), 'utf8'));

    const changed = HANDFUL.map((img, i) => (i === 2 ? { ...img, series: series(24, 0.05) } : img));
    const third = dir();
    expect(renderChartImages(third, changed, { reuseFrom: second })).toMatchObject({ rendered: 1, reused: 3 });
    const redrawn = chartImagePaths(changed[2]!.ref, 'vi').png;
    expect(statSync(file(third, redrawn)).ino).not.toBe(statSync(file(second, redrawn)).ino);
    expect(readFileSync(file(third, redrawn)).equals(readFileSync(file(second, redrawn)))).toBe(false);
    const kept = chartImagePaths(changed[0]!.ref, 'vi').svg;
    expect(statSync(file(third, kept)).ino).toBe(statSync(file(first, kept)).ino);
  });

  test('a quick build links the live images whole (a changed one stays as it was) and draws only new charts; the next pass draws the changed one', () => {
    const first = dir();
    renderChartImages(first, HANDFUL, { reuseFrom: null });
    const changed = HANDFUL.map((img, i) => (i === 1 ? { ...img, series: series(24, 0.05) } : img));
    const added = image({ kind: 'service', code: 'NEW-01' }, 'vi');
    const stalePath = chartImagePaths(changed[1]!.ref, changed[1]!.lang).png;

    const quick = dir();
    const kept = linkLiveImages(first, quick);
    const drawn = drawNewImages(quick, [...changed, added], kept);
    expect(drawn).toMatchObject({ rendered: 1, reused: 0 });
    expect(Object.keys(drawn.hashes).sort()).toEqual(Object.values(chartImagePaths(added.ref, 'vi')).sort());
    writeImageManifest(quick, { ...kept, ...drawn.hashes });
    expect(statSync(file(quick, stalePath)).ino).toBe(statSync(file(first, stalePath)).ino);
    // The manifest is the build's own file: writing it never touches the live build's.
    expect(statSync(file(quick, '/images/manifest.json')).ino).not.toBe(statSync(file(first, '/images/manifest.json')).ino);
    expect(readManifest(first)).toEqual(kept);
    // The manifest still says the old input, so the changed image counts as out of date.
    expect(readManifest(quick)[stalePath]).toBe(kept[stalePath]);

    const redraw = dir();
    expect(renderChartImages(redraw, [...changed, added], { reuseFrom: quick })).toMatchObject({ rendered: 1, reused: 4 });
    expect(readFileSync(file(redraw, stalePath)).equals(readFileSync(file(first, stalePath)))).toBe(false);
  });

  test('a previous build without images or manifest means drawing everything', () => {
    const site = dir();
    expect(renderChartImages(site, HANDFUL.slice(0, 2), { reuseFrom: dir() })).toMatchObject({ rendered: 2, reused: 0 });
  });

  test('markup in titles is text, long Vietnamese titles are cut to fit, and empty series draw', () => {
    const site = dir();
    const long = 'Tỷ lệ hồ sơ nộp trực tuyến của thủ tục đăng ký khai sinh, kết hôn, nhận cha mẹ con và các thủ tục liên thông khác tại tỉnh Đắk Lắk';
    const images = [
      image({ kind: 'service', code: 'x1' }, 'en', { title: '<script>alert(1)</script> & "quotes"', summary: 'a\u0000b\nc' }),
      image({ kind: 'service', code: 'x2' }, 'vi', { title: long, source: long + ' — ' + long, demo: true }),
      image({ kind: 'locality', code: '01' }, 'vi', { series: { monthly: [], yearly: [], units: 'units' }, summary: 'Chưa có số liệu.' }),
    ];
    expect(() => renderChartImages(site, images, { reuseFrom: null })).not.toThrow();

    const escaped = readFileSync(file(site, '/images/en/service-x1.svg'), 'utf8');
    expect(escaped).not.toContain('<script');
    expect(escaped).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(escaped).not.toContain('\u0000');

    const cut = readFileSync(file(site, '/images/vi/service-x2.svg'), 'utf8');
    const title = /<text [^>]*font-weight="bold"[^>]*>([^<]*)<\/text>/.exec(cut)![1]!;
    expect(title.endsWith('…')).toBe(true);
    expect(long.startsWith(title.slice(0, -1))).toBe(true);
    // Every text stays inside the image, and left-aligned text inside the margins.
    const texts = [...cut.matchAll(/<text ([^>]*)>/g)].map((m) => m[1]!);
    expect(texts.length).toBeGreaterThan(10);
    for (const attrs of texts) {
      const x = Number(/(?:^| )x="([\d.]+)"/.exec(attrs)![1]);
      const length = Number(/textLength="([\d.]+)"/.exec(attrs)![1]);
      const anchor = /text-anchor="(\w+)"/.exec(attrs)?.[1] ?? 'start';
      const left = anchor === 'start' ? x : anchor === 'middle' ? x - length / 2 : x - length;
      expect(left).toBeGreaterThanOrEqual(0);
      expect(left + length).toBeLessThanOrEqual(anchor === 'start' ? IMAGE_WIDTH - 40 : IMAGE_WIDTH);
    }
    expect(pngSize(readFileSync(file(site, '/images/vi/locality-01.png')))).toEqual({ width: 1200, height: 630 });
  });

  test('codes that are not plain names are refused', () => {
    expect(() => renderChartImages(dir(), [image({ kind: 'service', code: '../../etc' }, 'vi')], { reuseFrom: null })).toThrow(/unsafe name/);
  });

  test('many images are shared with a worker thread and all written', () => {
    const warn = vi.spyOn(console, 'warn');
    const site = dir();
    const many = Array.from({ length: 30 }, (_, i) => image({ kind: 'locality', code: `p${i}` }, i % 2 ? 'en' : 'vi', { series: series(24, i / 100) }));
    expect(renderChartImages(site, many, { reuseFrom: null, threads: 2 })).toMatchObject({ rendered: 30, reused: 0 });
    for (const img of many) {
      const { png, svg } = chartImagePaths(img.ref, img.lang);
      expect(pngSize(readFileSync(file(site, png)))).toEqual({ width: 1200, height: 630 });
      expect(existsSync(file(site, svg))).toBe(true);
    }
    expect(warn).not.toHaveBeenCalled();
  });
});
