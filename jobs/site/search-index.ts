import { join } from 'node:path';
import type { SearchIndex } from '../../web/model.ts';
import type { SiteModel } from './model.ts';
import { writeFile } from './sink.ts';

export const SEARCH_INDEX_PATH = '/localities/search.json';

/**
 * What the search box looks in: today's provinces and communes, and the communes before the
 * reform with the commune(s) each went into (so "phuc xa" finds Phường Hồng Hà). Names only:
 * the browser folds them with the same rule as the API (lib/match.ts).
 */
export function writeSearchIndex(siteDir: string, model: SiteModel): void {
  const index: SearchIndex = {
    provinces: model.localities.provinces.map((p) => [p.code, p.name]),
    communes: [...model.communes.byProvince.values()].flatMap((list) => list.map((c): [string, string, string] => [c.commune.code, c.commune.name, c.commune.province.code])),
    before: model.communes.old.flatMap((o) => o.communes.map((c): [string, string, string[]] => [c.code, c.name, c.into.map((n) => n.code)])),
  };
  writeFile(join(siteDir, ...SEARCH_INDEX_PATH.split('/').filter(Boolean)), JSON.stringify(index));
}
