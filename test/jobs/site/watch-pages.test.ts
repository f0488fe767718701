/**
 * The watch list split by province: the site's watch model counts every commune flag and writes
 * out a bounded number, /watch/ is the national overview, /watch/{province}/ lists the province's
 * flags and its communes', and the feed and flags.csv carry the commune flags within the bound.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNALS, computeSignals } from '../../../db/watch/signals.ts';
import type { WatchResult } from '../../../db/watch/types.ts';
import { flagsTable } from '../../../jobs/site/flags.ts';
import { FEED_STATE, type WatchState, flagKey } from '../../../jobs/site/watch-feed.ts';
import { COMMUNE_FLAGS_PER_COMMUNE, COMMUNE_FLAGS_PER_PROVINCE, communeFlagCounts, communeFlags, siteWatchOf } from '../../../jobs/site/watch-model.ts';
import type { SiteMeta } from '../../../web/model.ts';
import { provinceCommuneFlags } from '../../../web/templates/pages/watch-data.ts';
import { WATCH_TABLE_CAP, watchPath } from '../../../web/templates/pages/watch.ts';
import { tempDir, testDb } from '../../helper.ts';
import { NOW, build, parseCsv, readPage } from './fixture.ts';
import { COMMUNE_PROVINCE, COMMUNE_SERVICES, loadCommuneDataset, reportingCommunes } from './watch-fixture.ts';

const META: SiteMeta = { built_at: NOW.toISOString(), data_as_of: '2026-10', demo: false, site_url: null } as unknown as SiteMeta;
const rowsOf = (page: string, table: string) => {
  const start = page.indexOf(`id="${table}"`);
  if (start < 0) return [];
  const body = page.slice(page.indexOf('<tbody>', start), page.indexOf('</tbody>', start));
  return body.split('<tr ').slice(1);
};

describe('the watch list split by province', () => {
  const db = testDb();
  const dir = tempDir('thuocdo-watch-pages-');
  const site = join(dir.path, 'site');
  let result: WatchResult;
  let communes: Array<{ code: string; name: string }>;
  /** Every commune flag of 79, written out: the truth the bounded model is held to. */
  let all: ReturnType<WatchResult['commune_flags']['all']>;

  beforeAll(async () => {
    loadCommuneDataset(db.sqlite);
    result = computeSignals(db.sqlite, { now: NOW });
    communes = reportingCommunes(db.sqlite);
    all = result.commune_flags.all();
    await build(db.sqlite, site);
  }, 120_000);
  afterAll(() => (db.remove(), dir.remove()));

  it('has more commune flags in 79 than a page shows, and none elsewhere', () => {
    expect(all.length).toBeGreaterThan(COMMUNE_FLAGS_PER_PROVINCE);
    expect(all.every((f) => f.province_code === COMMUNE_PROVINCE)).toBe(true);
    expect(new Set(all.map((f) => f.signal)).size).toBeGreaterThanOrEqual(3);
  });

  describe('the model', () => {
    const bounds = { perProvince: 25, perCommune: 3 };
    const model = () => siteWatchOf(db.sqlite, result, NOW, META, bounds);

    it('counts every commune flag, by province, commune and signal', () => {
      const watch = model();
      expect(watch.communes.total).toBe(all.length);
      const hcm = watch.provinces.find((p) => p.code === COMMUNE_PROVINCE)!;
      expect(hcm.communes.total).toBe(all.length);
      for (const signal of SIGNALS) expect(hcm.communes.by_signal[signal] ?? 0).toBe(all.filter((f) => f.signal === signal).length);
      expect(hcm.commune_data).toBe(true);
      // Every other province: no commune flags, no commune data.
      const others = watch.provinces.filter((p) => p.code !== COMMUNE_PROVINCE);
      expect(others).toHaveLength(33);
      expect(others.every((p) => p.communes.total === 0 && !p.commune_data)).toBe(true);
      for (const c of communes) expect(communeFlagCounts(watch, c.code).total).toBe(all.filter((f) => f.locality_code === c.code).length);
      // The province's own flags are counted from the province flags, which stay whole.
      expect(hcm.own.total).toBe(result.flags.filter((f) => f.locality_code === COMMUNE_PROVINCE).length);
      expect(watch.flags).toHaveLength(result.flags.length);
    });

    it('writes out each province’s first flags by paper and each commune’s, no more', () => {
      const watch = model();
      const shown = provinceCommuneFlags(watch, COMMUNE_PROVINCE);
      expect(shown).toHaveLength(bounds.perProvince);
      // The same flags, texts included, as computeSignals writes them, in the same order.
      expect(shown.map((f) => f.explanation_vi)).toEqual(all.slice(0, bounds.perProvince).map((f) => f.explanation_vi));
      expect(shown.map((f) => f.paper_12m)).toEqual([...shown.map((f) => f.paper_12m)].sort((a, b) => b - a));
      let expected = 0;
      for (const c of communes) {
        const mine = all.filter((f) => f.locality_code === c.code);
        const inPage = shown.filter((f) => f.locality_code === c.code).length;
        const got = communeFlags(watch, c.code);
        // At least its first perCommune (all if fewer), plus any more of it on the province page.
        expect(got).toHaveLength(Math.max(Math.min(bounds.perCommune, mine.length), inPage));
        expect(got.map((f) => flagKey(f))).toEqual(mine.slice(0, got.length).map((f) => flagKey(f)));
        expect(got.every((f) => f.locality_name === c.name && f.province_name === 'Thành phố Hồ Chí Minh')).toBe(true);
        expected += got.length;
      }
      expect(watch.communes.flags).toHaveLength(expected);
      expect(watch.communes.flags.length).toBeLessThan(all.length);
      expect(communeFlags(watch, '99999')).toEqual([]);
    });

    it('keeps a hash of every commune flag’s key, and stays serializable for a worker', () => {
      const watch = model();
      expect(watch.communes.live_keys).toHaveLength(all.length);
      const copy = structuredClone(watch);
      expect(copy.communes.flags).toHaveLength(watch.communes.flags.length);
      expect(copy.communes.live_keys).toEqual(watch.communes.live_keys);
    });
  });

  describe('the pages', () => {
    it('the province page counts its communes’ flags beside its own, by signal, and links every one', () => {
      const page = readPage(site, `/localities/${COMMUNE_PROVINCE}/`);
      const summary = page.slice(page.indexOf('<section class="watch-summary">'), page.indexOf('</section>', page.indexOf('<section class="watch-summary">')));
      const own = result.flags.filter((f) => f.locality_code === COMMUNE_PROVINCE).length;
      expect(summary).toContain(`Các xã, phường, đặc khu của tỉnh, thành phố: ${all.length} cảnh báo`);
      for (const signal of SIGNALS) {
        const n = all.filter((f) => f.signal === signal).length;
        if (n > 0) expect(summary, signal).toMatch(new RegExp(`<li>[^<]+: ${n}</li>`));
      }
      expect(summary).toContain(`Xem ${own + all.length} cảnh báo trong danh sách theo dõi`);
      expect(readPage(site, `/en/localities/${COMMUNE_PROVINCE}/`)).toContain(`Its communes: ${all.length} flags`);
    });

    it.each(['vi', 'en'] as const)('writes /watch/ as the national overview, linking every province’s page (%s)', (lang) => {
      const page = readPage(site, lang === 'vi' ? '/watch/' : '/en/watch/');
      expect(page).toContain(lang === 'vi' ? '<h1>Danh sách theo dõi</h1>' : '<h1>Watch list</h1>');
      const national = rowsOf(page, 'watch-flags');
      const expected = result.flags.filter((f) => f.locality_code === 'VN' || f.locality_code === null || f.signal === 'late_data');
      expect(national).toHaveLength(Math.min(expected.length, WATCH_TABLE_CAP));
      expect(national.every((r) => /data-locality="(VN|)"/.test(r) || r.includes('data-signal="late_data"'))).toBe(true);
      const provinces = rowsOf(page, 'watch-province-table');
      expect(page.match(/<tr><th scope="row"><a href="[^"]*watch\/\d\d\/">/g)).toHaveLength(34);
      expect(provinces).toHaveLength(0); // its rows are plain <tr>, counted above
      // 79's row: its total is its own flags and every commune flag.
      const own = result.flags.filter((f) => f.locality_code === COMMUNE_PROVINCE).length;
      const row = page.slice(page.indexOf(`watch/${COMMUNE_PROVINCE}/">`), page.indexOf('</tr>', page.indexOf(`watch/${COMMUNE_PROVINCE}/">`)));
      expect(row).toContain(`data-sort="${own + all.length}"`);
      expect(row).toContain(`watch/${COMMUNE_PROVINCE}/?signal=stalled"`);
    });

    it.each(['vi', 'en'] as const)('writes /watch/79/ with its flags and its communes’, bounded (%s)', (lang) => {
      const url = lang === 'vi' ? watchPath(COMMUNE_PROVINCE) : `/en${watchPath(COMMUNE_PROVINCE)}`;
      expect(url).toBe(lang === 'vi' ? '/watch/79/' : '/en/watch/79/');
      const page = readFileSync(join(site, ...url.split('/').filter(Boolean), 'index.html'), 'utf8');
      const own = result.flags.filter((f) => f.locality_code === COMMUNE_PROVINCE);
      expect(own.length).toBeGreaterThan(0);
      const ownRows = rowsOf(page, 'watch-flags');
      expect(ownRows).toHaveLength(own.length);
      expect(ownRows.every((r) => r.includes(`data-locality="${COMMUNE_PROVINCE}"`))).toBe(true);
      const communeRows = rowsOf(page, 'watch-commune-flags');
      expect(communeRows).toHaveLength(COMMUNE_FLAGS_PER_PROVINCE);
      const papers = communeRows.map((r) => Number(r.match(/data-sort="(\d+)"/)![1]));
      expect(papers).toEqual(all.slice(0, COMMUNE_FLAGS_PER_PROVINCE).map((f) => f.paper_12m));
      // Each commune is named and linked to its page; the explanation in the page's language.
      const first = all[0]!;
      const name = communes.find((c) => c.code === first.locality_code)!.name;
      const up = lang === 'vi' ? '../../' : '../../../en/';
      expect(communeRows[0]).toContain(`href="${up}localities/${first.locality_code}/">${name}</a>`);
      expect(page).toContain(lang === 'vi' ? first.explanation_vi : first.explanation_en);
      // How many are not shown, and where the rest is.
      expect(page).toContain(lang === 'vi' ? `Trang này hiện 200 trong ${all.length.toLocaleString('vi-VN')} cảnh báo cấp xã` : `This page shows 200 of ${all.length.toLocaleString('en-GB')} commune flags`);
      expect(page).toContain(`api/v1/flags?within=${COMMUNE_PROVINCE}`);
      expect(page).toContain('data/flags.csv');
      // Filters by signal on both tables, by commune on the communes'.
      expect(page).toContain('data-filter-select="watch-flags" data-filter-key="signal"');
      expect(page).toContain('data-filter-select="watch-commune-flags" data-filter-key="locality"');
      expect(page).toContain('<option value="target">');
      // The twin and the feed.
      expect(page).toContain(`hreflang="${lang === 'vi' ? 'en' : 'vi'}"`);
      expect(page).toMatch(/<link rel="alternate" type="application\/atom\+xml" href="[./]+watch\/feed.xml"/);
    });

    it('writes a page for every province in both languages, saying when its communes have no data', () => {
      const page = readPage(site, '/watch/01/');
      expect(page).toContain('<h1>Danh sách theo dõi: Thành phố Hà Nội</h1>');
      expect(page).toContain('Chưa xã, phường nào của Thành phố Hà Nội có số liệu báo cáo riêng');
      expect(readPage(site, '/en/watch/01/')).toContain('None of the communes of Thành phố Hà Nội has reported data of its own');
      expect(readPage(site, '/en/watch/96/')).toContain('<h1>Watch list:');
    });
  });

  describe('the feed and the open data', () => {
    it('follows the commune flags of the watch pages in the feed', () => {
      const state = JSON.parse(readFileSync(join(site, FEED_STATE), 'utf8')) as WatchState;
      const keys = Object.keys(state.flags);
      const communeKeys = keys.filter((k) => k.split('|')[2]!.length === 5);
      expect(communeKeys.sort()).toEqual(all.slice(0, COMMUNE_FLAGS_PER_PROVINCE).map(flagKey).sort());
      expect(keys.length - communeKeys.length).toBe(result.flags.length);
      const entry = state.entries.find((e) => e.key === flagKey(all[0]!))!;
      expect(entry.page).toBe('/watch/79/');
      expect(readFileSync(join(site, 'watch', 'feed.xml'), 'utf8')).toContain('href="79/"');
    });

    it('puts the commune flags the site shows in flags.csv, and says where the rest are', () => {
      const { header, rows } = parseCsv(readFileSync(join(site, 'data', 'flags.csv'), 'utf8'));
      expect(header.slice(0, 3)).toEqual(['signal', 'service_code', 'locality_code']);
      const communeCodes = new Set(communes.map((c) => c.code));
      const communeRows = rows.filter((r) => communeCodes.has(r[2]!));
      expect(rows.length - communeRows.length).toBe(result.flags.length);
      // Here every commune has fewer than COMMUNE_FLAGS_PER_COMMUNE flags: each is on its page, so all are in the CSV.
      expect(Math.max(...communes.map((c) => all.filter((f) => f.locality_code === c.code).length))).toBeLessThan(COMMUNE_FLAGS_PER_COMMUNE);
      expect(communeRows).toHaveLength(all.length);
      const papers = rows.map((r) => Number(r[4]));
      expect(papers).toEqual([...papers].sort((a, b) => b - a));
      expect(COMMUNE_SERVICES.every((s) => communeRows.some((r) => r[1] === s))).toBe(true);
      // With smaller bounds, the table has only the flags written out, and says where every one is.
      const table = flagsTable(siteWatchOf(db.sqlite, result, NOW, META, { perProvince: 25, perCommune: 1 }));
      const bounded = [...table.rows()].filter((r) => communeCodes.has(String(r[2])));
      expect(bounded.length).toBeGreaterThanOrEqual(25);
      expect(bounded.length).toBeLessThanOrEqual(25 + communes.length);
      expect(table.description).toContain(`Commune flags: the ${bounded.length} of ${all.length} that the site shows (each province's 25 and each commune's 1 with the most paper); every one is at /api/v1/flags?within=VN.`);
    });
  });
});
