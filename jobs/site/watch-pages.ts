import { join } from 'node:path';
import { LANGS, localePath } from '../../web/i18n.ts';
import { type Page, layout } from '../../web/templates/layout.ts';
import { watchPage } from '../../web/templates/pages/watch.ts';
import { siteWatch } from '../../web/templates/pages/watch-data.ts';
import { watchProvincePage } from '../../web/templates/pages/watch-province.ts';
import type { SiteModel } from './model.ts';
import { safeJoin, writeFile } from './sink.ts';

/**
 * The watch list's pages in both languages: /watch/ (the national overview and the table of
 * provinces) and /watch/{province}/ for each of the 34 (its flags and its communes'). Returns how many.
 */
export function writeWatchPages(siteDir: string, model: Pick<SiteModel, 'watch'>): number {
  const watch = siteWatch(model.watch);
  let count = 0;
  const write = (page: Page) => {
    const path = localePath(page.lang, page.path);
    writeFile(join(safeJoin(siteDir, ...path.split('/').filter(Boolean)), 'index.html'), layout(page));
    count++;
  };
  for (const lang of LANGS) {
    write(watchPage(watch, lang));
    for (const province of watch.provinces) write(watchProvincePage(watch, province, lang));
  }
  return count;
}
