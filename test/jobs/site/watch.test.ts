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

function rowsOf(page: string): string[] {
  const body = page.slice(page.indexOf('<tbody>'), page.indexOf('</tbody>'));
  return body.split('<tr ').slice(1);
}

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

  beforeAll(() => {
    loadDataset(db.sqlite);
    ingest(db.sqlite, lateRows('2025-07', '2026-08'));
    flags = computeSignals(db.sqlite, { now: NOW }).flags;
    build(db.sqlite, site);
    firstFeed = readFileSync(join(site, 'watch', 'feed.xml'), 'utf8');
  });
  afterAll(() => (db.remove(), dir.remove()));

  it('has low_usage and late_data flags to show', () => {
    expect(flags.some((f) => f.signal === 'low_usage')).toBe(true);
    expect(flags.some((f) => f.signal === 'late_data' && f.locality_code === LATE)).toBe(true);
  });

  it.each(['vi', 'en'] as const)('lists every flag of computeSignals, most paper first, with its explanation (%s)', (lang) => {
    const page = readPage(site, lang === 'vi' ? '/watch/' : '/en/watch/');
    expect(page).toContain(lang === 'vi' ? '<h1>Danh sách theo dõi</h1>' : '<h1>Watch list</h1>');
    const rows = rowsOf(page);
    expect(rows).toHaveLength(flags.length);
    const papers = rows.map((r) => Number(r.match(/data-sort="(\d+)"/)![1]));
    expect(papers).toEqual([...flags].map((f) => f.paper_12m).sort((a, b) => b - a));
    const late = flags.find((f) => f.signal === 'late_data' && f.locality_code === LATE)!;
    expect(page).toContain(escapeHtml(lang === 'vi' ? late.explanation_vi : late.explanation_en));
    expect(page).toContain(lang === 'vi' ? '>Chậm báo cáo</th>' : '>Late data</th>');
    // A service × province row links to both pages and to its chart.
    const row = rows.find((r) => r.includes('data-locality="79"') && r.includes('/services/FX-05/'))!;
    expect(row).toContain(lang === 'vi' ? 'href="../localities/79/"' : 'href="../../en/localities/79/"');
    expect(row).toContain(`embed/adoption/?service=FX-05&amp;locality=79&amp;tab=chart&amp;lang=${lang}&amp;theme=auto`);
    expect(row).toContain(lang === 'vi' ? '>biểu đồ</a>' : '>chart</a>');
    // Filters, the feed link for readers and for feed readers.
    expect(page).toContain('data-filter-select="watch-flags" data-filter-key="locality"');
    expect(page).toMatch(/<option value="04">Tỉnh Cao Bằng<\/option>/);
    expect(page).toMatch(/<link rel="alternate" type="application\/atom\+xml" href="[./]+watch\/feed.xml"/);
  });

  it('escapes the hostile service on the watch page', () => {
    for (const url of ['/watch/', '/en/watch/']) {
      const page = readPage(site, url);
      expect(page).toContain(HOSTILE_NAME_ESCAPED);
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
    expect(page).toContain(`watch/?locality=${LATE}"`);
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

  it('after the late data arrives, the feed says the flag cleared and keeps the earlier entries', () => {
    ingest(db.sqlite, lateRows('2026-09', '2026-10'));
    const after = computeSignals(db.sqlite, { now: LATER }).flags;
    expect(after.some((f) => f.signal === 'late_data' && f.locality_code === LATE)).toBe(false);
    build(db.sqlite, site, { now: LATER });
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
    // The page no longer lists it.
    expect(rowsOf(readPage(site, '/watch/'))).toHaveLength(after.length);

    // A third build with nothing new adds nothing.
    build(db.sqlite, site, { now: new Date(LATER.getTime() + 3_600_000) });
    expect(parseFeed(readFileSync(join(site, 'watch', 'feed.xml'), 'utf8')).entries.map((e) => e.id)).toEqual(entries.map((e) => e.id));
  });
});
