import type Database from 'better-sqlite3';
import type { RollupCube } from '../../db/cube.ts';
import { localityRegistry } from '../../db/localities/registry.ts';
import { currentMonth } from '../../db/months.ts';
import { listServices } from '../../db/services.ts';
import { SIGNALS, type WatchResult, computeSignals, flagOrder } from '../../db/watch/signals.ts';
import type { Flag } from '../../db/watch/types.ts';
import { collator } from '../../web/i18n.ts';
import type { LocalityWatch, SiteMeta, WatchData, WatchFlag, WatchSignal } from '../../web/model.ts';
import { type CommuneWatchFlag, type SignalCounts, type SiteWatch, siteWatch } from '../../web/templates/pages/watch-data.ts';
import { flagKey, keyHash } from './watch-feed.ts';

/** A province's watch page lists this many of its communes' flags, those with the most paper (the API has all). */
export const COMMUNE_FLAGS_PER_PROVINCE = 200;
/** A commune's page lists at least this many of its own flags, those with the most paper. */
export const COMMUNE_FLAGS_PER_COMMUNE = 10;

/** What bounds the commune flags written out (tests use small ones). */
export interface WatchBounds {
  perProvince: number;
  perCommune: number;
}
const BOUNDS: WatchBounds = { perProvince: COMMUNE_FLAGS_PER_PROVINCE, perCommune: COMMUNE_FLAGS_PER_COMMUNE };

/** The watch list as the site publishes it: every flag with the names its pages show. */
export function buildWatchData(sqlite: Database.Database, now: Date, meta: SiteMeta, cube: RollupCube): SiteWatch {
  return siteWatchOf(sqlite, computeSignals(sqlite, { now, cube }), now, meta);
}

/**
 * The site's watch list from a computed one: the country's, services' and provinces' flags whole;
 * the communes' counted whole (one pass over their records, as numbers) and written out only for
 * each province's `perProvince` and each commune's `perCommune` with the most paper, so that a
 * build writes some 40,000 flags' texts at commune scale, not a million.
 */
export function siteWatchOf(sqlite: Database.Database, result: WatchResult, now: Date, meta: SiteMeta, bounds: WatchBounds = BOUNDS): SiteWatch {
  const services = new Map(listServices(sqlite).map((s) => [s.code, s]));
  const registry = localityRegistry(sqlite);
  const units = registry.at(currentMonth(now));
  const provinces = units.filter((u) => u.level === 'province').sort((a, b) => collator.compare(a.name, b.name));
  const provinceName = new Map(provinces.map((p) => [p.code, p.name]));
  // Codes of today: a commune's name and province are those of the month the build reads.
  const communes = new Map(units.filter((u) => u.level === 'commune').map((c) => [c.code, { name: c.name, province: c.parentId === null ? '' : registry.get(c.parentId).code }]));

  const named = (f: Flag): WatchFlag => {
    const service = f.service_code === null ? undefined : services.get(f.service_code);
    return {
      ...f,
      service_name_vi: service?.name_vi ?? null,
      service_name_en: service?.name_en ?? null,
      agency: service?.agency ?? null,
      locality_name: f.locality_code === null ? null : (provinceName.get(f.locality_code) ?? communes.get(f.locality_code)?.name ?? null),
    };
  };
  const ofCommune = (f: Flag): CommuneWatchFlag => {
    const province = f.province_code ?? communes.get(f.locality_code ?? '')?.province ?? '';
    return { ...named(f), province_code: province, province_name: provinceName.get(province) ?? province };
  };

  // Commune targets are among result.flags (each has a province_code); the rules' findings are records.
  const own = result.flags.filter((f) => f.province_code === undefined).map(named);
  const communeTargets = result.flags.filter((f) => f.province_code !== undefined);

  const byProvince = new Map<string, SignalCounts>();
  const byCommune = new Map<string, SignalCounts>();
  const taken = new Map<string, number>();
  const count = (map: Map<string, SignalCounts>, code: string, signal: WatchSignal) => {
    let c = map.get(code);
    if (!c) map.set(code, (c = { total: 0, by_signal: {} }));
    c.total++;
    c.by_signal[signal] = (c.by_signal[signal] ?? 0) + 1;
  };
  const takes = (code: string, bound: number) => {
    const n = taken.get(code) ?? 0;
    if (n < bound) taken.set(code, n + 1);
    return n < bound;
  };
  const keys: number[] = [];
  const picked: Flag[] = [];
  const cf = result.commune_flags;
  // One pass in paper order over every record: counted, hashed, and kept if among its province's or commune's first.
  for (const i of cf.byPaper) {
    const k = cf.key(i);
    const commune = k.locality_code!;
    const province = communes.get(commune)?.province ?? '';
    count(byProvince, province, k.signal);
    count(byCommune, commune, k.signal);
    keys.push(keyHash(flagKey(k)));
    // Both bounds are counted for every record, so neither depends on the other.
    const forProvince = takes(`p${province}`, bounds.perProvince);
    const forCommune = takes(`c${commune}`, bounds.perCommune);
    if (forProvince || forCommune) picked.push(cf.flag(i));
  }
  for (const f of communeTargets) {
    count(byProvince, f.province_code!, f.signal);
    count(byCommune, f.locality_code!, f.signal);
    keys.push(keyHash(flagKey(f)));
    picked.push(f);
  }
  const communeFlags = picked.sort(flagOrder('paper')).map(ofCommune);

  const withData = new Set(result.commune_data.provinces);
  const none: SignalCounts = { total: 0, by_signal: {} };
  const ownCounts = new Map<string, SignalCounts>();
  for (const f of own) if (f.locality_code !== null && provinceName.has(f.locality_code)) count(ownCounts, f.locality_code, f.signal);

  return {
    meta,
    window: result.window,
    recent: result.recent,
    threshold: result.threshold,
    due_day: result.due_day,
    flags: own.sort((a, b) => b.paper_12m - a.paper_12m),
    online_service_share: result.online_service_share,
    provinces: provinces.map((p) => ({
      code: p.code,
      name: p.name,
      own: ownCounts.get(p.code) ?? none,
      communes: byProvince.get(p.code) ?? none,
      commune_data: withData.has(p.code),
    })),
    communes: {
      per_province: bounds.perProvince,
      per_commune: bounds.perCommune,
      total: cf.count + communeTargets.length,
      flags: communeFlags,
      by_commune: Object.fromEntries(byCommune),
      live_keys: Uint32Array.from(keys).sort(),
    },
  };
}

/** Each commune's written-out flags, grouped once per watch list (a build asks for thousands of communes). */
const communeIndex = new WeakMap<WatchData, Map<string, CommuneWatchFlag[]>>();

/**
 * A commune's flags for its page, most paper first, with the names the page shows: at least
 * its first COMMUNE_FLAGS_PER_COMMUNE (all, if it has fewer), more when more of them are on its
 * province's watch page. `communeFlagCounts` says how many it has in all.
 */
export function communeFlags(watch: WatchData, communeCode: string): CommuneWatchFlag[] {
  let index = communeIndex.get(watch);
  if (!index) {
    index = new Map();
    for (const f of siteWatch(watch).communes.flags) {
      const list = index.get(f.locality_code!);
      if (list) list.push(f);
      else index.set(f.locality_code!, [f]);
    }
    communeIndex.set(watch, index);
  }
  return index.get(communeCode) ?? [];
}

/** A commune's flags counted by signal, every one (its page shows communeFlags of them). */
export function communeFlagCounts(watch: WatchData, communeCode: string): SignalCounts {
  return siteWatch(watch).communes.by_commune[communeCode] ?? { total: 0, by_signal: {} };
}

/** Each province's counts by signal and its online-service share (flags grouped once, not filtered per province). */
export function localityWatches(watch: WatchData): (code: string) => LocalityWatch {
  const byLocality = new Map<string, WatchFlag[]>();
  for (const f of watch.flags) {
    if (f.locality_code === null) continue;
    const list = byLocality.get(f.locality_code);
    if (list) list.push(f);
    else byLocality.set(f.locality_code, [f]);
  }
  const provinces = new Map(((watch as Partial<SiteWatch>).provinces ?? []).map((p) => [p.code, p.communes]));
  return (code) => {
    const mine = byLocality.get(code) ?? [];
    const communes = provinces.get(code) ?? { total: 0, by_signal: {} };
    return {
      counts: SIGNALS.map((signal) => ({ signal, count: mine.filter((f) => f.signal === signal).length })).filter((c) => c.count > 0),
      total: mine.length,
      communes: { counts: SIGNALS.map((signal) => ({ signal, count: communes.by_signal[signal] ?? 0 })).filter((c) => c.count > 0), total: communes.total },
      online_service_share: watch.online_service_share.find((s) => s.locality_code === code) ?? null,
      recent: watch.recent,
    };
  };
}
