import type Database from 'better-sqlite3';
import type { RollupCube } from '../../db/cube.ts';
import { localityRegistry } from '../../db/localities/registry.ts';
import { currentMonth } from '../../db/months.ts';
import { listServices } from '../../db/services.ts';
import { SIGNALS, computeSignals } from '../../db/watch/signals.ts';
import type { LocalityWatch, SiteMeta, WatchData, WatchFlag } from '../../web/model.ts';

/** The watch list as the site publishes it: every flag with the names its pages show. */
export function buildWatchData(sqlite: Database.Database, now: Date, meta: SiteMeta, cube: RollupCube): WatchData {
  const result = computeSignals(sqlite, { now, cube });
  const services = new Map(listServices(sqlite).map((s) => [s.code, s]));
  const provinces = new Map(
    localityRegistry(sqlite)
      .at(currentMonth(now))
      .filter((u) => u.level === 'province')
      .map((p) => [p.code, p.name]),
  );
  const flags = result.flags.map((f): WatchFlag => {
    const service = f.service_code === null ? undefined : services.get(f.service_code);
    return {
      ...f,
      service_name_vi: service?.name_vi ?? null,
      service_name_en: service?.name_en ?? null,
      agency: service?.agency ?? null,
      locality_name: f.locality_code === null ? null : (provinces.get(f.locality_code) ?? null),
    };
  });
  return {
    meta,
    window: result.window,
    recent: result.recent,
    threshold: result.threshold,
    due_day: result.due_day,
    flags: flags.sort((a, b) => b.paper_12m - a.paper_12m),
    online_service_share: result.online_service_share,
  };
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
  return (code) => {
    const mine = byLocality.get(code) ?? [];
    return {
      counts: SIGNALS.map((signal) => ({ signal, count: mine.filter((f) => f.signal === signal).length })).filter((c) => c.count > 0),
      total: mine.length,
      online_service_share: watch.online_service_share.find((s) => s.locality_code === code) ?? null,
      recent: watch.recent,
    };
  };
}
