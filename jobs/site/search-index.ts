import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SearchIndex } from '../../web/model.ts';
import type { SiteModel } from './model.ts';
import { BEST, compress, linkWithSiblings, writeCompressed, writeFile } from './sink.ts';

export const SEARCH_INDEX_PATH = '/localities/search.json';

/**
 * What the search box looks in: today's provinces and communes, and the communes before the
 * reform with the commune(s) each went into (so "phuc xa" finds Phường Hồng Hà). Names only:
 * the browser folds them with the same rule as the API (lib/match.ts).
 */
export function writeSearchIndex(siteDir: string, model: SiteModel, live: string | null): void {
  const index: SearchIndex = {
    provinces: model.localities.provinces.map((p) => [p.code, p.name]),
    communes: [...model.communes.byProvince.values()].flatMap((list) => list.map((c): [string, string, string] => [c.commune.code, c.commune.name, c.commune.province.code])),
    before: model.communes.old.flatMap((o) => o.communes.map((c): [string, string, string[]] => [c.code, c.name, c.into.map((n) => n.code)])),
  };
  const text = JSON.stringify(index);
  const path = (root: string) => join(root, ...SEARCH_INDEX_PATH.split('/').filter(Boolean));
  // The names change with the registry, hardly ever: the live build's file and its siblings are
  // linked, and a new one is compressed at the best levels (515 KB: brotli 4 gave 131 KB).
  if (live && existsSync(path(live)) && readFileSync(path(live), 'utf8') === text) return linkWithSiblings(path(live), path(siteDir));
  writeFile(path(siteDir), text, { compressed: false });
  writeCompressed(path(siteDir), text, compress(text, BEST));
}
