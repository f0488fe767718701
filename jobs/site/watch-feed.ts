import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WatchData, WatchFlag } from '../../web/model.ts';
import { strings } from '../../web/strings.ts';
import { CONTROL_CHARS } from '../../web/templates/html.ts';
import { flagLocalityName, flagServiceName } from '../../web/templates/pages/watch.ts';
import { writeFile } from './sink.ts';

/**
 * /watch/feed.xml: one Atom feed of flags newly raised and newly cleared, build after build.
 * Titles are in Vietnamese, the content gives the explanation in Vietnamese then English.
 * Each build writes /watch/flags-state.json (the flags it saw and the feed's entries) and
 * reads the live build's, so the feed carries its last FEED_ENTRIES entries across builds.
 */
export const FEED_ENTRIES = 200;
export const FEED_STATE = 'watch/flags-state.json';
const TAG_DATE = '2026';

export interface FlagState {
  explanation_vi: string;
  explanation_en: string;
  title_vi: string;
  first_raised: string;
}

export interface FeedEntry {
  id: string;
  event: 'raised' | 'cleared';
  key: string;
  updated: string;
  title: string;
  content: string;
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

/** "Ít người dùng — Đăng ký khai sinh, Thành phố Hà Nội". */
function flagTitle(f: WatchFlag): string {
  const w = strings('vi').watch;
  const where = [flagServiceName(f, 'vi') ?? f.service_code, flagLocalityName(f, 'vi') ?? f.locality_code, f.metrics.source ?? f.metrics.publisher_name ?? null].filter((x) => x !== null);
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

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/**
 * Escaped, and without the characters XML 1.0 does not allow at all, nor C1 and bidirectional
 * controls, which it allows but which would reorder a feed reader's text (as in escapeHtml).
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(CONTROL_CHARS, '')
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

function tagAuthority(siteUrl: string | null): string {
  try {
    return siteUrl ? new URL(siteUrl).hostname : 'thuocdo.invalid';
  } catch {
    return 'thuocdo.invalid';
  }
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
  // Most paper first, so that a first build's 200 entries are the largest backlogs.
  for (const f of watch.flags) {
    const key = flagKey(f);
    if (flags[key]) continue;
    const was = before[key];
    const title = flagTitle(f);
    flags[key] = { explanation_vi: f.explanation_vi, explanation_en: f.explanation_en, title_vi: title, first_raised: was?.first_raised ?? now };
    if (!was) added.push({ id: id('raised', key), event: 'raised', key, updated: now, title: `${w.raised}: ${title}`, content: `${f.explanation_vi}\n\n${f.explanation_en}` });
  }
  for (const [key, was] of Object.entries(before)) {
    if (flags[key]) continue;
    added.push({ id: id('cleared', key), event: 'cleared', key, updated: now, title: `${w.cleared}: ${was.title_vi}`, content: `Không còn cảnh báo (phát hiện từ ${was.first_raised}). Trước đó: ${was.explanation_vi}\n\nCleared (raised ${was.first_raised}). It said: ${was.explanation_en}` });
  }
  // Cleared entries first among the new ones: they are rarer, and a first build's flood of "raised" must not push them out.
  added.sort((a, b) => (a.event === b.event ? 0 : a.event === 'cleared' ? -1 : 1));
  return { built_at: now, flags, entries: [...added, ...(previous?.entries ?? [])].slice(0, FEED_ENTRIES) };
}

export function atomFeed(watch: WatchData, state: WatchState): string {
  const base = watch.meta.site_url?.replace(/\/$/, '') ?? null;
  // Relative references resolve against the feed's own address (/watch/feed.xml).
  const self = base ? `${base}/watch/feed.xml` : 'feed.xml';
  const page = base ? `${base}/watch/` : './';
  const authority = tagAuthority(watch.meta.site_url);
  const updated = state.entries[0]?.updated ?? watch.meta.built_at;
  const e = escapeXml;
  const entries = state.entries.map(
    (x) => `  <entry>
    <id>${e(x.id)}</id>
    <title>${e(x.title)}</title>
    <updated>${e(x.updated)}</updated>
    <link rel="alternate" type="text/html" href="${e(page)}"/>
    <category term="${e(x.event)}"/>
    <content type="text">${e(x.content)}</content>
  </entry>
`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">
  <id>${e(`tag:${authority},${TAG_DATE}:watch`)}</id>
  <title>${e(`Thước đo — ${strings('vi').watch.title} / ${strings('en').watch.title}`)}</title>
  <subtitle>${e('Cảnh báo mới phát hiện và đã hết / Flags raised and cleared')}</subtitle>
  <updated>${e(updated)}</updated>
  <link rel="self" type="application/atom+xml" href="${e(self)}"/>
  <link rel="alternate" type="text/html" href="${e(page)}"/>
  <author><name>Thước đo</name></author>
  <rights>CC BY 4.0</rights>
${entries.join('')}</feed>
`;
}

/** Writes the feed and the state of this build; reads the live build's state. */
export function writeWatchFeed(siteDir: string, watch: WatchData, liveBuild: string | null): WatchState {
  const state = nextWatchState(watch, readState(liveBuild));
  writeFile(join(siteDir, FEED_STATE), JSON.stringify(state));
  writeFile(join(siteDir, 'watch', 'feed.xml'), atomFeed(watch, state));
  return state;
}
