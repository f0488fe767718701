import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WatchData, WatchFlag } from '../../web/model.ts';
import { strings } from '../../web/strings.ts';
import { flagLocalityName, flagServiceName, watchPath } from '../../web/templates/pages/watch.ts';
import { type CommuneWatchFlag, type SiteWatch, provinceCommuneFlags } from '../../web/templates/pages/watch-data.ts';
import { TAG_DATE, atomDocument, tagAuthority } from './atom.ts';
import { writeFile } from './sink.ts';

/**
 * /watch/feed.xml: one Atom feed of flags newly raised and newly cleared, build after build.
 * Titles are in Vietnamese, the content gives the explanation in Vietnamese then English.
 * Each build writes /watch/flags-state.json (the flags it saw and the feed's entries) and
 * reads the live build's, so the feed carries its last FEED_ENTRIES entries across builds.
 * Commune flags are followed within the bound of the watch pages (each province's
 * COMMUNE_FLAGS_PER_PROVINCE with the most paper): one that leaves the bound but is still raised
 * stays followed, and is said to clear only when it has (SiteWatch.communes.live_keys).
 */
export const FEED_ENTRIES = 200;
export const FEED_STATE = 'watch/flags-state.json';

export interface FlagState {
  explanation_vi: string;
  explanation_en: string;
  title_vi: string;
  first_raised: string;
  /** The watch page that lists it (root-relative, Vietnamese): /watch/ or a province's. */
  page?: string;
}

export interface FeedEntry {
  id: string;
  event: 'raised' | 'cleared';
  key: string;
  updated: string;
  title: string;
  content: string;
  /** The watch page that lists the flag; entries of older builds have none (the national page). */
  page?: string;
}

export interface WatchState {
  built_at: string;
  flags: Record<string, FlagState>;
  entries: FeedEntry[];
}

/** A flag's identity across builds: its scope, plus the publisher, pull source or target it is about. */
export function flagKey(f: Pick<WatchFlag, 'signal' | 'service_code' | 'locality_code' | 'metrics'>): string {
  const { source, publisher_id, target_id } = f.metrics;
  const about = source != null ? `source:${source}` : publisher_id != null ? `publisher:${publisher_id}` : target_id != null ? `target:${target_id}` : null;
  return `${f.signal}|${f.service_code ?? ''}|${f.locality_code ?? ''}${about ? `|${about}` : ''}`;
}

/** 32-bit FNV-1a of a flag key: a million commune keys in 4 MB (a collision only keeps a cleared flag followed). */
export function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function hasKey(sorted: Uint32Array, key: string): boolean {
  const h = keyHash(key);
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < h) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === h;
}

/** "Ít người dùng — Đăng ký khai sinh, Thành phố Hà Nội"; a commune with its province. */
function flagTitle(f: WatchFlag | CommuneWatchFlag): string {
  const w = strings('vi').watch;
  const place = 'province_name' in f ? `${f.locality_name ?? f.locality_code} (${f.province_name})` : (flagLocalityName(f, 'vi') ?? f.locality_code);
  const where = [flagServiceName(f, 'vi') ?? f.service_code, place, f.metrics.source ?? f.metrics.publisher_name ?? null].filter((x) => x !== null);
  return `${w.signals[f.signal]}${where.length ? ` — ${where.join(', ')}` : ''}`;
}

function readState(liveBuild: string | null): WatchState | null {
  if (!liveBuild) return null;
  const path = join(liveBuild, FEED_STATE);
  if (!existsSync(path)) return null;
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as WatchState;
    return state && typeof state.flags === 'object' && Array.isArray(state.entries) ? state : null;
  } catch {
    return null;
  }
}

/** The flags the feed follows: every flag of the country, services and provinces, and the communes' on the watch pages. */
function followed(watch: WatchData): Array<WatchFlag | CommuneWatchFlag> {
  const site = watch as Partial<SiteWatch>;
  if (!site.communes || !site.provinces) return watch.flags;
  const communes = site.provinces.flatMap((p) => provinceCommuneFlags(site as SiteWatch, p.code));
  return [...watch.flags, ...communes].sort((a, b) => b.paper_12m - a.paper_12m);
}

/** The watch page of a flag: its province's, for a province's or a commune's flag; else the national one. */
function pageOf(f: WatchFlag | CommuneWatchFlag, provinces: Set<string>): string {
  if ('province_code' in f) return watchPath(f.province_code);
  return f.locality_code !== null && provinces.has(f.locality_code) ? watchPath(f.locality_code) : '/watch/';
}

/** The next state: flags raised and cleared since the previous build become entries, newest first. */
export function nextWatchState(watch: WatchData, previous: WatchState | null): WatchState {
  const now = watch.meta.built_at;
  const authority = tagAuthority(watch.meta.site_url);
  const id = (event: string, key: string) => `tag:${authority},${TAG_DATE}:watch/${event}/${encodeURIComponent(key)}/${now}`;
  const before = previous?.flags ?? {};
  const flags: Record<string, FlagState> = {};
  const added: FeedEntry[] = [];
  const w = strings('vi').watch;
  const provinces = new Set((watch as Partial<SiteWatch>).provinces?.map((p) => p.code) ?? []);
  // Most paper first, so that a first build's 200 entries are the largest backlogs.
  for (const f of followed(watch)) {
    const key = flagKey(f);
    if (flags[key]) continue;
    const was = before[key];
    const title = flagTitle(f);
    const page = pageOf(f, provinces);
    flags[key] = { explanation_vi: f.explanation_vi, explanation_en: f.explanation_en, title_vi: title, first_raised: was?.first_raised ?? now, page };
    if (!was) added.push({ id: id('raised', key), event: 'raised', key, updated: now, title: `${w.raised}: ${title}`, content: `${f.explanation_vi}\n\n${f.explanation_en}`, page });
  }
  const live = (watch as Partial<SiteWatch>).communes?.live_keys;
  for (const [key, was] of Object.entries(before)) {
    if (flags[key]) continue;
    // A commune flag beyond the pages' bound now, still raised: followed still, with its first text.
    if (live && hasKey(live, key)) {
      flags[key] = was;
      continue;
    }
    added.push({ id: id('cleared', key), event: 'cleared', key, updated: now, title: `${w.cleared}: ${was.title_vi}`, content: `Không còn cảnh báo (phát hiện từ ${was.first_raised}). Trước đó: ${was.explanation_vi}\n\nCleared (raised ${was.first_raised}). It said: ${was.explanation_en}`, page: was.page });
  }
  // Cleared entries first among the new ones: they are rarer, and a first build's flood of "raised" must not push them out.
  added.sort((a, b) => (a.event === b.event ? 0 : a.event === 'cleared' ? -1 : 1));
  return { built_at: now, flags, entries: [...added, ...(previous?.entries ?? [])].slice(0, FEED_ENTRIES) };
}

export function atomFeed(watch: WatchData, state: WatchState): string {
  const base = watch.meta.site_url?.replace(/\/$/, '') ?? null;
  // Relative references resolve against the feed's own address (/watch/feed.xml).
  const page = base ? `${base}/watch/` : './';
  // A page under /watch/ relative to the feed (/watch/feed.xml): "79/" or "./".
  const linkOf = (path: string | undefined) => (!path || !path.startsWith('/watch/') ? page : base ? base + path : path.slice('/watch/'.length) || './');
  return atomDocument({
    id: `tag:${tagAuthority(watch.meta.site_url)},${TAG_DATE}:watch`,
    title: `Thước đo — ${strings('vi').watch.title} / ${strings('en').watch.title}`,
    subtitle: 'Cảnh báo mới phát hiện và đã hết / Flags raised and cleared',
    updated: state.entries[0]?.updated ?? watch.meta.built_at,
    self: base ? `${base}/watch/feed.xml` : 'feed.xml',
    alternate: page,
    entries: state.entries.map((x) => ({ id: x.id, title: x.title, updated: x.updated, link: linkOf(x.page), category: x.event, content: x.content })),
  });
}

/** Writes the feed and the state of this build; reads the live build's state. */
export function writeWatchFeed(siteDir: string, watch: WatchData, liveBuild: string | null): WatchState {
  const state = nextWatchState(watch, readState(liveBuild));
  writeFile(join(siteDir, FEED_STATE), JSON.stringify(state));
  writeFile(join(siteDir, 'watch', 'feed.xml'), atomFeed(watch, state));
  return state;
}
