/**
 * Communes on the site: a page per commune (trend continuous through whole old communes, or from
 * 2025-07 with a note), its province's commune table, the old communes' pointers, the search
 * index, and builds that rewrite only the communes a batch changed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertServices } from '../../../db/services.ts';
import { type WarmState, buildSite, redrawStaleImages, warmState } from '../../../jobs/site/build.ts';
import { liveBuild } from '../../../jobs/site/publish.ts';
import type { SearchIndex } from '../../../web/model.ts';
import { tempDir, testDb } from '../../helper.ts';
import { NOW, type Row, decodeHtml, ingest, parseCsv, readPage, walk } from './fixture.ts';

/** 25760 Phường Bình Dương (79) = old 25760, 25762, 25763, 25924, all whole; 25747 Phường Thủ Dầu Một has split sources. */
const rows: Row[] = [
  ['2025-05', 'A', '25760', 10, 100],
  ['2025-05', 'A', '25762', 30, 100],
  ['2025-06', 'A', '25760', 20, 100],
  ...['2025-07', '2025-08', '2025-09', '2025-10'].flatMap((m, i): Row[] => [
    [m, 'A', '25760', 50 + i, 100],
    [m, 'A', '25747', 5 + i, 100],
    [m, 'A', '25750', 60, 100],
  ]),
];
const text = (site: string, url: string) =>
  decodeHtml(readPage(site, url).replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .replace(/ ([,.:])/g, '$1');

describe('communes on the site', () => {
  const db = testDb();
  const dir = tempDir('thuocdo-communes-site-');
  const site = join(dir.path, 'site');
  let warm: WarmState;

  beforeAll(async () => {
    upsertServices(db.sqlite, [{ code: 'A', name_vi: 'Đăng ký khai sinh', name_en: 'Birth registration', agency: null, online_level: 'full', online_since: '2019-01' }]);
    ingest(db.sqlite, rows);
    warm = warmState();
    await buildSite(db.sqlite, site, { now: NOW, warm });
  }, 120_000);
  afterAll(async () => {
    await warm.pages.close();
    db.remove();
    dir.remove();
  });

  it('gives a commune made of whole old communes its continuous trend, with breadcrumbs, in both languages', () => {
    const vi = readPage(site, '/localities/25760/');
    expect(text(site, '/localities/25760/')).toContain('Việt Nam › Thành phố Hồ Chí Minh › Phường Bình Dương'.replaceAll(' › ', ' '));
    expect(vi).toContain('"periods":["2025-05","2025-06","2025-07","2025-08","2025-09","2025-10"]');
    expect(text(site, '/en/localities/25760/')).toContain('Trend: Phường Bình Dương');
    const csv = parseCsv(readFileSync(join(site, 'data', 'localities', '25760.csv'), 'utf8'));
    expect(csv.rows.map((r) => [r[1], r[2], r[3]])).toEqual([
      ['2025-05', '40', '200'],
      ['2025-06', '20', '100'],
      ['2025-07', '50', '100'],
      ['2025-08', '51', '100'],
      ['2025-09', '52', '100'],
      ['2025-10', '53', '100'],
    ]);
    expect(readPage(site, '/embed/localities/25760/')).toContain('Phường Bình Dương');
  });

  it('starts a commune with a split source at the reform and says why; a commune without figures says so', () => {
    expect(text(site, '/localities/25747/')).toContain('Số liệu bắt đầu từ 07/2025');
    expect(text(site, '/en/localities/25747/')).toContain('The series starts in Jul 2025');
    expect(text(site, '/localities/25768/')).toContain('Chưa có số liệu báo cáo riêng cho xã, phường này');
  });

  it("lists a province's communes with their 12-month figures, lowest called out", () => {
    const page = readPage(site, '/localities/79/');
    const table = page.slice(page.indexOf('id="communes-table"'), page.indexOf('</table>', page.indexOf('id="communes-table"')));
    expect(table.split('<tr>').length - 2).toBe(168);
    expect(text(site, '/localities/79/')).toContain('Thấp nhất: Phường Thủ Dầu Một, Phường Bình Dương, Phường Phú Lợi');
    expect(text(site, '/localities/79/')).toContain('168 xã, phường, đặc khu; 3 có số liệu');
  });

  it('points every old commune to what it became, and indexes old and new names for the search box', () => {
    expect(text(site, '/localities/before-2025-07/74/')).toContain('Phường Hoà Phú 25760 Nay là: Phường Bình Dương 25760');
    expect(text(site, '/localities/before-2025-07/01/')).toContain('Phường Quảng An 00100 Chia tách vào: Phường Hồng Hà 00097, Phường Tây Hồ 00103');
    const index = JSON.parse(readFileSync(join(site, 'localities', 'search.json'), 'utf8')) as SearchIndex;
    expect([index.provinces.length, index.communes.length, index.before.length]).toEqual([34, 3321, 10_052]);
    expect(index.before.find(([code]) => code === '00001')).toEqual(['00001', 'Phường Phúc Xá', ['00097']]);
    // Without JavaScript the localities index lists every commune under its province.
    expect(readPage(site, '/localities/').match(/href="[^"]*localities\/\d{5}\/"/g)).toHaveLength(3321);
  });

  it('rewrites only the communes a batch changed, and a warm quick build with its second step writes what a cold full build writes', async () => {
    const before = liveBuild(site)!;
    ingest(db.sqlite, [['2025-10', 'A', '25750', 70, 100]]);
    const quick = await buildSite(db.sqlite, site, { now: NOW, warm, quick: true });
    const after = liveBuild(site)!;
    const inode = (build: string, path: string) => statSync(join(build, path)).ino;
    // Untouched communes are the live build's files, linked; the one the batch changed is new.
    for (const code of ['00004', '25768']) expect(inode(after, `localities/${code}/index.html`)).toBe(inode(before, `localities/${code}/index.html`));
    expect(inode(after, 'localities/25750/index.html')).not.toBe(inode(before, 'localities/25750/index.html'));
    // The search index, unchanged, is linked with its siblings (compressed once, at the best levels).
    for (const f of ['localities/search.json', 'localities/search.json.br', 'localities/search.json.gz']) expect(inode(after, f)).toBe(inode(before, f));
    expect(text(site, '/localities/25750/')).toContain('70,00%');

    // The second step writes the compressed siblings the quick build left out.
    expect(existsSync(join(after, 'localities/25750/index.html.br'))).toBe(false);
    await redrawStaleImages(quick.redraw!);
    const cold = join(dir.path, 'cold');
    await buildSite(db.sqlite, cold, { now: NOW });
    const communeFiles = walk(liveBuild(cold)!).filter((f) => /^(en\/)?(localities|embed\/localities)\/\d{5}\/|^data\/localities\/\d{5}\./.test(f));
    expect(communeFiles.length).toBeGreaterThan(6642);
    const differ = communeFiles.filter((f) => !readFileSync(join(liveBuild(cold)!, f)).equals(readFileSync(join(liveBuild(site)!, f))));
    expect(differ).toEqual([]);
  });
});
