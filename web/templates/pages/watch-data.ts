import type { WatchData, WatchFlag, WatchSignal } from '../../model.ts';

/**
 * The watch list as the site's pages read it: WatchData (the flags of the country, the services
 * and the provinces, every one) plus the communes' part, which is counted whole but written out
 * only up to a bound (at commune scale there are a million commune flags). Plain data: it can be
 * posted to a worker thread or written as JSON.
 */
export interface SiteWatch extends WatchData {
  /** Every current province, by code, with its flags counted by signal. */
  provinces: WatchProvince[];
  communes: CommuneWatch;
}

/** How many flags of each signal, and in all. */
export interface SignalCounts {
  total: number;
  by_signal: Partial<Record<WatchSignal, number>>;
}

export interface WatchProvince {
  code: string;
  name: string;
  /** The province's own flags (service × province, all services, late data). */
  own: SignalCounts;
  /** The flags of its communes and of their service × commune pairs, every one counted. */
  communes: SignalCounts;
  /** Whether any of its communes reported rows of its own in the months read. */
  commune_data: boolean;
}

/** A commune's flag, with its commune's province. */
export interface CommuneWatchFlag extends WatchFlag {
  province_code: string;
  province_name: string;
}

export interface CommuneWatch {
  /** A province's watch page shows at most this many commune flags, those with the most paper. */
  per_province: number;
  /** A commune's page shows at least this many of its own (or all, when it has fewer). */
  per_commune: number;
  /** Commune flags in all. */
  total: number;
  /**
   * The commune flags written out, most paper first: each province's `per_province` first ones
   * and each commune's `per_commune` first ones (a flag in both is here once).
   */
  flags: CommuneWatchFlag[];
  /** Every commune flag counted, by commune code. */
  by_commune: Record<string, SignalCounts>;
  /**
   * FNV-1a hashes (sorted) of the feed keys of every commune flag, shown or not: the feed tells
   * a flag that cleared from one that only left the bound.
   */
  live_keys: Uint32Array;
}

/** The site's watch list, checked: a WatchData built without its communes' part is a bug of the build. */
export function siteWatch(watch: WatchData): SiteWatch {
  const w = watch as Partial<SiteWatch>;
  if (!w.communes || !w.provinces) throw new Error('the watch list was built without its provinces and communes (use buildWatchData)');
  return watch as SiteWatch;
}

/** A province's commune flags as its watch page shows them: the first `per_province`, most paper first. */
export function provinceCommuneFlags(watch: SiteWatch, provinceCode: string): CommuneWatchFlag[] {
  const out: CommuneWatchFlag[] = [];
  for (const f of watch.communes.flags) {
    if (f.province_code !== provinceCode) continue;
    out.push(f);
    if (out.length === watch.communes.per_province) break;
  }
  return out;
}
