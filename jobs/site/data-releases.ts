import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMonth, formatRate } from '../../web/i18n.ts';
import type { DataPackage, DataResource, DataSnapshot, Point, SiteMeta } from '../../web/model.ts';
import { sidecarPath } from '../../web/data-names.ts';
import { ZIP_NAME } from '../../web/templates/pages/data.ts';
import { TAG_DATE, atomDocument, tagAuthority } from './atom.ts';
import { linkBuild } from './publish.ts';
import { linkWithSiblings, writeFile } from './sink.ts';

/**
 * Data releases: a snapshot of the open data when a month first becomes complete nationally,
 * frozen under /data/archive/YYYY-MM/ and never rewritten (every build links the live build's
 * snapshots), and /data/feed.xml, an Atom feed of the snapshots and of revisions to months that
 * were already complete, with how much they changed.
 */
export const ARCHIVE = 'archive';
export const ARCHIVE_INDEX = `${ARCHIVE}/index.json`;
const STATE = 'releases.json';
const FEED = 'feed.xml';
const FEED_ENTRIES = 200;

interface ReleaseEntry {
  id: string;
  kind: 'snapshot' | 'revision';
  updated: string;
  title: string;
  content: string;
  /** Under /data/. */
  page: string;
}

interface ReleaseState {
  built_at: string;
  /** Each nationally complete month of that build: [online, total]. */
  complete: Record<string, [number, number]>;
  entries: ReleaseEntry[];
}

function readJson<T>(path: string): T | null {
  try {
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : null;
  } catch {
    return null;
  }
}

/** The snapshots of the live build, listed on /data/. */
export function readSnapshots(dataDir: string | null): DataSnapshot[] {
  return (dataDir ? readJson<{ snapshots: DataSnapshot[] }>(join(dataDir, ARCHIVE_INDEX))?.snapshots : null) ?? [];
}

/** What a snapshot holds: the tables, their twins, metadata and spreadsheets; the raw observations come in its zip. */
const frozen = (r: DataResource): r is DataResource & { path: string } => typeof r.path === 'string' && !r.name.startsWith('observations-');

/** Links the tables and the zip of this build into archive/MONTH/, with a datapackage.json that lists them. */
function freeze(dataDir: string, pkg: DataPackage, month: string): void {
  const folder = `${ARCHIVE}/${month}`;
  const resources = pkg.resources.filter(frozen);
  for (const r of resources) {
    linkWithSiblings(join(dataDir, r.path), join(dataDir, folder, r.path));
    if (r.format === 'csv') linkWithSiblings(join(dataDir, sidecarPath(r.path)), join(dataDir, folder, sidecarPath(r.path)));
  }
  linkWithSiblings(join(dataDir, ZIP_NAME), join(dataDir, folder, ZIP_NAME));
  const snapshot: DataPackage = {
    ...pkg,
    name: `thuoc-do-${month}`,
    title: `${pkg.title} — snapshot of ${month}`,
    description: `${pkg.description} Frozen when ${month} was first complete nationally; never rewritten. The raw observations of that moment are in ${ZIP_NAME}.`,
    resources,
  };
  writeFile(join(dataDir, folder, 'datapackage.json'), JSON.stringify(snapshot, null, 2) + '\n');
}

const pct = (rate: number | null, lang: 'vi' | 'en') => formatRate(rate, lang);
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/**
 * Writes the build's snapshots (the live build's, linked, and a new one when a month has become
 * complete since), /data/archive/index.json, /data/feed.xml and the feed's state. A snapshot is
 * taken in a full build, whose zip is of the same batch as its files; the first build of a site
 * freezes only its latest complete month. Returns the snapshots, newest first.
 */
export function writeDataReleases(siteDir: string, liveDir: string | null, national: Point[], pkg: DataPackage, meta: SiteMeta, zipIsCurrent: boolean): DataSnapshot[] {
  const dataDir = join(siteDir, 'data');
  const liveData = liveDir ? join(liveDir, 'data') : null;
  if (liveData && existsSync(join(liveData, ARCHIVE))) {
    mkdirSync(join(dataDir, ARCHIVE), { recursive: true });
    // The snapshots, each folder as it was; the index is written anew below (never through a link into the live build).
    linkBuild(join(liveData, ARCHIVE), join(dataDir, ARCHIVE), ['index.json']);
  }
  const snapshots = readSnapshots(liveData);
  const previous = liveData ? readJson<ReleaseState>(join(liveData, STATE)) : null;
  const authority = tagAuthority(meta.site_url);
  const added: ReleaseEntry[] = [];

  const complete = national.filter((p) => p.complete);
  const latest = complete.at(-1);
  // Only ever forward: a month that became complete again after a revision keeps its first snapshot.
  if (zipIsCurrent && latest && (snapshots.length === 0 || latest.period > snapshots[0]!.month)) {
    freeze(dataDir, pkg, latest.period);
    snapshots.unshift({ month: latest.period, path: `${ARCHIVE}/${latest.period}/`, created: meta.built_at, last_batch_id: meta.last_batch_id, online_count: latest.online_count, total_count: latest.total_count, rate: latest.rate });
    added.push({
      id: `tag:${authority},${TAG_DATE}:data/snapshot/${latest.period}`,
      kind: 'snapshot',
      updated: meta.built_at,
      title: `Ảnh chụp dữ liệu tháng ${formatMonth(latest.period, 'vi')} / Data snapshot, ${formatMonth(latest.period, 'en')}`,
      content: `Tháng ${formatMonth(latest.period, 'vi')} đã đủ báo cáo: tỷ lệ hồ sơ trực tuyến cả nước ${pct(latest.rate, 'vi')} (${latest.online_count}/${latest.total_count}). Dữ liệu được lưu cố định tại /data/${ARCHIVE}/${latest.period}/ (tính đến lô ${meta.last_batch_id}).\n\n${formatMonth(latest.period, 'en')} is complete: the national online rate is ${pct(latest.rate, 'en')} (${latest.online_count}/${latest.total_count}). The open data is frozen at /data/${ARCHIVE}/${latest.period}/ (as of batch ${meta.last_batch_id}).`,
      page: `${ARCHIVE}/${latest.period}/`,
    });
  }

  const now = new Map(national.map((p) => [p.period, p]));
  for (const [month, [online, total]] of Object.entries(previous?.complete ?? {})) {
    const p = now.get(month);
    const [online2, total2] = p ? [p.online_count, p.total_count] : [0, 0];
    if (online2 === online && total2 === total) continue;
    const before = total > 0 ? online / total : null;
    const after = p?.rate ?? null;
    added.push({
      id: `tag:${authority},${TAG_DATE}:data/revision/${month}/${meta.built_at}`,
      kind: 'revision',
      updated: meta.built_at,
      title: `Số liệu tháng ${formatMonth(month, 'vi')} được sửa / ${formatMonth(month, 'en')} revised`,
      content: `Tỷ lệ cả nước tháng ${formatMonth(month, 'vi')}: ${pct(before, 'vi')} → ${pct(after, 'vi')}; hồ sơ trực tuyến ${signed(online2 - online)}, tổng số hồ sơ ${signed(total2 - total)} (đến lô ${meta.last_batch_id}).\n\nNational rate for ${formatMonth(month, 'en')}: ${pct(before, 'en')} → ${pct(after, 'en')}; online dossiers ${signed(online2 - online)}, all dossiers ${signed(total2 - total)} (to batch ${meta.last_batch_id}).`,
      page: '',
    });
  }

  const state: ReleaseState = {
    built_at: meta.built_at,
    complete: Object.fromEntries(complete.map((p) => [p.period, [p.online_count, p.total_count]])),
    entries: [...added, ...(previous?.entries ?? [])].slice(0, FEED_ENTRIES),
  };
  writeFile(join(dataDir, STATE), JSON.stringify(state));
  writeFile(join(dataDir, ARCHIVE_INDEX), JSON.stringify({ snapshots }, null, 2) + '\n');
  writeFile(join(dataDir, FEED), releasesFeed(state, meta));
  return snapshots;
}

function releasesFeed(state: ReleaseState, meta: SiteMeta): string {
  const base = meta.site_url?.replace(/\/$/, '') ?? null;
  // Relative references resolve against the feed's own address (/data/feed.xml).
  const link = (page: string) => (base ? `${base}/data/${page}` : page || './');
  return atomDocument({
    id: `tag:${tagAuthority(meta.site_url)},${TAG_DATE}:data`,
    title: 'Thước đo — Dữ liệu mở / Open data releases',
    subtitle: 'Ảnh chụp dữ liệu khi một tháng đủ báo cáo, và các lần sửa số liệu đã đủ / Snapshots when a month is complete, and revisions of complete months',
    updated: state.entries[0]?.updated ?? meta.built_at,
    self: base ? `${base}/data/${FEED}` : FEED,
    alternate: link(''),
    entries: state.entries.map((x) => ({ id: x.id, title: x.title, updated: x.updated, link: link(x.page), category: x.kind, content: x.content })),
  });
}
