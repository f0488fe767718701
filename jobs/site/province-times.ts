import type Database from 'better-sqlite3';
import type { Locality } from '../../db/localities/registry.ts';
import type { MonthSums } from '../../db/stats.ts';
import type { SiteMeta } from '../../web/model.ts';
import { ownMeta } from './communes.ts';

/**
 * Each province's page meta with its own times, as each commune has (communes.ts): the newest
 * batch that changed its sums (its own rows, its communes', the old provinces in it) and its last
 * month. A province no batch touched keeps its page byte for byte, so a quick build links it.
 */
export function provinceMetas(sqlite: Database.Database, meta: SiteMeta, provinces: Array<Pick<Locality, 'id' | 'code' | 'validFrom'>>, byArea: Map<number, MonthSums[]>): Map<string, SiteMeta> {
  const changes = new Map(
    sqlite
      .prepare('SELECT a.area_id, a.changed_in, b.received_at FROM (SELECT area_id, MAX(changed_in) AS changed_in FROM rollup_area GROUP BY area_id) a LEFT JOIN batches b ON b.id = a.changed_in')
      .raw(true)
      .all()
      .map((row) => {
        const [area, changed, receivedAt] = row as [number, number, string | null];
        return [area, { changed, receivedAt: receivedAt ?? undefined }] as const;
      }),
  );
  return new Map(
    provinces.map((p) => {
      const c = changes.get(p.id);
      return [p.code, ownMeta(meta, p, c?.changed ?? 0, c?.receivedAt, byArea.get(p.id)?.at(-1)?.period ?? null)];
    }),
  );
}
