/**
 * The watch list on the site: /watch/ lists what computeSignals finds, in both languages,
 * province pages summarise it, and /watch/feed.xml follows flags raised and cleared across builds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthRange } from '../../../db/months.ts';
import { computeSignals } from '../../../db/watch/signals.ts';
import { FEED_STATE, type WatchState, flagKey } from '../../../jobs/site/watch-feed.ts';
import { escapeHtml } from '../../../web/templates/html.ts';
import { tempDir, testDb } from '../../helper.ts';
import { HOSTILE_AGENCY, HOSTILE_NAME, HOSTILE_NAME_ESCAPED, NOW, type Row, build, ingest, loadDataset, readPage } from './fixture.ts';

/** Cao Bằng reports one service until 2026-08 only: its data for 2026-09 and 2026-10 is late on NOW. */
const LATE = '04';
const lateRows = (from: string, to: string): Row[] => monthRange(from, to).map((period) => [period, 'KS-01', LATE, 40, 400]);
const LATER = new Date(NOW.getTime() + 86_400_000);

/** The rows of a flag table (watch-flags: the national page's, or a province page's own flags). */
function rowsOf(page: string, table = 'watch-flags'): string[] {
  const start = page.indexOf(`id="${table}"`);
  if (start < 0) return [];
  const body = page.slice(page.indexOf('<tbody>', start), page.indexOf('</tbody>', start));
  return body.split('<tr ').slice(1);
}

/** The national page's flags: the country's, each service's nationwide, publishers' and every late_data. */
const isNational = (f: { locality_code: string | null; signal: string }) => f.locality_code === 'VN' || f.locality_code === null || f.signal === 'late_data';
const PROVINCES = ['01', '04', '08', '79'];
const watchUrl = (lang: 'vi' | 'en', code?: string) => `${lang === 'vi' ? '' : '/en'}/watch/${code ? `${code}/` : ''}`;

function parseFeed(xml: string) {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const entries = [...doc.querySelectorAll('entry')].map((e) => ({
    id: e.querySelector('id')!.textContent!,
    title: e.querySelector('title')!.textContent!,
    updated: e.querySelector('updated')!.textContent!,
    content: e.querySelector('content')!.textContent!,
    event: e.querySelector('category')!.getAttribute('term'),
  }));
  return { doc, entries };
}

/** What linkedom's lenient parser would not catch: a bare "&" or "<" in text. */
function expectWellFormedText(xml: string) {
  expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"')).toBe(true);
  expect(xml.match(/&(?!(amp|lt|gt|quot|apos);)/g)).toBeNull();
  for (const text of xml.matchAll(/>([^<]*)</g)) expect(text[1]).not.toMatch(/[<>]/);
  expect((xml.match(/<entry>/g) ?? []).length).toBe((xml.match(/<\/entry>/g) ?? []).length);
}

describe('the watch list on the site', () => {
  const db = testDb();
  const dir = tempDir('thuocdo-watch-');
  const site = join(dir.path, 'site');
  let flags: ReturnType<typeof computeSignals>['flags'];
  let firstFeed: string;

  beforeAll(async () => {
    loadDataset(db.sqlite);
    ingest(db.sqlite, lateRows('2025-07', '2026-08'));
    flags = computeSignals(db.sqlite, { now: NOW }).flags;
    await build(db.sqlite, site);
    firstFeed = readFileSync(join(site, 'watch', 'feed.xml'), 'utf8');
  });
  afterAll(() => (db.remove(), dir.remove()));

  it('has low_usage and late_data flags to show', () => {
    expect(flags.some((f) => f.signal === 'low_usage')).toBe(true);
    expect(flags.some((f) => f.signal === 'late_data' && f.locality_code === LATE)).toBe(true);
  });

  it.each(['vi', 'en'] as const)('lists every flag of computeSignals on /watch/ or its province’s page, most paper first, with its explanation (%s)', (lang) => {
    const page = readPage(site, watchUrl(lang));
    expect(page).toContain(lang === 'vi' ? '<h1>Danh sách theo dõi</h1>' : '<h1>Watch list</h1>');
    const national = rowsOf(page);
    expect(national).toHaveLength(flags.filter(isNational).length);
    const papers = national.map((r) => Number(r.match(/data-sort="(\d+)"/)![1]));
    expect(papers).toEqual(flags.filter(isNational).map((f) => f.paper_12m).sort((a, b) => b - a));
    const late = flags.find((f) => f.signal === 'late_data' && f.locality_code === LATE)!;
    expect(page).toContain(escapeHtml(lang === 'vi' ? late.explanation_vi : late.explanation_en));
    expect(page).toContain(lang === 'vi' ? '>Chậm báo cáo</th>' : '>Late data</th>');
    // Every province flag is on its province's page (late data on both).
    let listed = national.length - flags.filter((f) => isNational(f) && f.locality_code !== null && PROVINCES.includes(f.locality_code)).length;
    for (const code of PROVINCES) {
      const rows = rowsOf(readPage(site, watchUrl(lang, code)));
      expect(rows).toHaveLength(flags.filter((f) => f.locality_code === code).length);
      listed += rows.length;
    }
    expect(listed).toBe(flags.length);
    // A service × province row links to the service's page and to its chart; the page to the province's.
    const p79 = readPage(site, watchUrl(lang, '79'));
    const row = rowsOf(p79).find((r) => r.includes('data-locality="79"') && r.includes('/services/FX-05/'))!;
    expect(row).toContain(lang === 'vi' ? 'href="../../services/FX-05/"' : 'href="../../../en/services/FX-05/"');
    expect(p79).toContain(lang === 'vi' ? 'href="../../localities/79/"' : 'href="../../../en/localities/79/"');
    expect(row).toContain(`embed/adoption/?service=FX-05&amp;locality=79&amp;tab=chart&amp;lang=${lang}&amp;theme=auto`);
    expect(row).toContain(lang === 'vi' ? '>biểu đồ</a>' : '>chart</a>');
    // Filters, the provinces' table linking each page, the feed link for readers and for feed readers.
    expect(page).toContain('data-filter-select="watch-flags" data-filter-key="signal"');
    expect(page).toContain(`href="${lang === 'vi' ? '../' : '../../en/'}watch/04/">Tỉnh Cao Bằng</a>`);
    expect(page).toMatch(/<link rel="alternate" type="application\/atom\+xml" href="[./]+watch\/feed.xml"/);
  });

  it('escapes the hostile service on the watch pages', () => {
    const urls = ['vi', 'en'].flatMap((lang) => [undefined, ...PROVINCES].map((code) => watchUrl(lang as 'vi' | 'en', code)));
    const named = urls.filter((url) => readPage(site, url).includes(HOSTILE_NAME_ESCAPED));
    expect(named.length).toBeGreaterThanOrEqual(2);
    for (const url of urls) {
      const page = readPage(site, url);
      expect(page).not.toContain(HOSTILE_NAME);
      expect(page).not.toContain(HOSTILE_AGENCY);
    }
  });

  it('links the watch list from the home page and the nav', () => {
    expect(readPage(site, '/')).toContain('href="./watch/">Xem danh sách theo dõi');
    expect(readPage(site, '/en/')).toContain('>Watch list</a>');
  });

  it.each(['vi', 'en'] as const)('summarises a province’s flags on its page (%s)', (lang) => {
    const page = readPage(site, lang === 'vi' ? `/localities/${LATE}/` : `/en/localities/${LATE}/`);
    const mine = flags.filter((f) => f.locality_code === LATE);
    expect(page).toContain(lang === 'vi' ? `<li>Chậm báo cáo: 1</li>` : `<li>Late data: 1</li>`);
    expect(page).toContain(`watch/${LATE}/"`);
    expect(page).toContain(lang === 'vi' ? `Xem ${mine.length} cảnh báo` : `See its ${mine.length} flags`);
    expect(page).toContain(lang === 'vi' ? 'Dịch vụ trực tuyến có phát sinh hồ sơ trực tuyến' : 'Online services that received any online dossier');
  });

  it('writes a valid Atom feed of the flags raised, with the hostile name escaped', () => {
    expectWellFormedText(firstFeed);
    expect(firstFeed).not.toContain(HOSTILE_NAME);
    expect(firstFeed).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const { doc, entries } = parseFeed(firstFeed);
    const feed = doc.querySelector('feed')!;
    expect(feed.getAttribute('xmlns')).toBe('http://www.w3.org/2005/Atom');
    expect(feed.querySelector('id')!.textContent).toMatch(/^tag:/);
    expect(feed.querySelector('link[rel="self"]')).not.toBeNull();
    expect(feed.querySelector('author name')!.textContent).toBe('Thước đo');
    expect(entries).toHaveLength(flags.length);
    expect(entries.every((e) => e.event === 'raised' && e.title.startsWith('Đã phát hiện: ') && e.updated === NOW.toISOString())).toBe(true);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    // The hostile name comes back as the very text it was.
    expect(entries.some((e) => e.title.includes(HOSTILE_NAME))).toBe(true);
    const late = flags.find((f) => f.signal === 'late_data')!;
    expect(entries.find((e) => e.content.startsWith(late.explanation_vi))!.content).toContain(late.explanation_en);
    const state = JSON.parse(readFileSync(join(site, FEED_STATE), 'utf8')) as WatchState;
    expect(Object.keys(state.flags).sort()).toEqual(flags.map(flagKey).sort());
  });

  it('after the late data arrives, the feed says the flag cleared and keeps the earlier entries', async () => {
    ingest(db.sqlite, lateRows('2026-09', '2026-10'));
    const after = computeSignals(db.sqlite, { now: LATER }).flags;
    expect(after.some((f) => f.signal === 'late_data' && f.locality_code === LATE)).toBe(false);
    await build(db.sqlite, site, { now: LATER });
    const xml = readFileSync(join(site, 'watch', 'feed.xml'), 'utf8');
    expectWellFormedText(xml);
    const { doc, entries } = parseFeed(xml);
    const cleared = entries.filter((e) => e.event === 'cleared');
    const lateKey = encodeURIComponent(`late_data||${LATE}`);
    expect(cleared.some((e) => e.id.includes(`/cleared/${lateKey}/`) && e.title.startsWith('Đã hết: ') && e.updated === LATER.toISOString())).toBe(true);
    // Every entry of the first build is still there, with its id.
    const first = parseFeed(firstFeed).entries;
    expect(entries.map((e) => e.id)).toEqual(expect.arrayContaining(first.map((e) => e.id)));
    expect(doc.querySelector('feed > updated')!.textContent).toBe(LATER.toISOString());
    // The pages no longer list it.
    expect(rowsOf(readPage(site, '/watch/'))).toHaveLength(after.filter(isNational).length);
    expect(rowsOf(readPage(site, `/watch/${LATE}/`))).toHaveLength(after.filter((f) => f.locality_code === LATE).length);
    expect(readPage(site, `/watch/${LATE}/`)).not.toContain('data-signal="late_data"');

    // A third build with nothing new adds nothing.
    await build(db.sqlite, site, { now: new Date(LATER.getTime() + 3_600_000) });
    expect(parseFeed(readFileSync(join(site, 'watch', 'feed.xml'), 'utf8')).entries.map((e) => e.id)).toEqual(entries.map((e) => e.id));
  });
});
