import { join } from 'node:path';
import { LANGS, localePath } from '../../web/i18n.ts';
import type { DataPackage } from '../../web/model.ts';
import { type Page, layout } from '../../web/templates/layout.ts';
import { dataPage } from '../../web/templates/pages/data.ts';
import { homePage } from '../../web/templates/pages/home.ts';
import { localitiesPage, localityPage } from '../../web/templates/pages/localities.ts';
import { methodologyPage } from '../../web/templates/pages/methodology.ts';
import { notFoundPage } from '../../web/templates/pages/not-found.ts';
import { servicePage, servicesPage } from '../../web/templates/pages/services.ts';
import type { SiteModel } from './model.ts';
import { safeJoin, writeFile } from './sink.ts';

/** Every page in both languages, as index.html files; returns how many. */
export function writePages(siteDir: string, model: SiteModel, pkg: DataPackage): number {
  let count = 0;
  const write = (page: Page) => {
    const path = localePath(page.lang, page.path);
    writeFile(join(safeJoin(siteDir, ...path.split('/').filter(Boolean)), 'index.html'), layout(page));
    count++;
  };
  for (const lang of LANGS) {
    write(homePage(model.home, lang));
    write(servicesPage(model.services, lang));
    for (const service of model.service) write(servicePage(service, lang));
    write(localitiesPage(model.localities, lang));
    for (const locality of model.locality) write(localityPage(locality, lang));
    write(methodologyPage(model.meta, lang));
    write(dataPage(pkg, model.meta, lang));
  }
  // Served from any depth, so its links are root-relative rather than page-relative.
  writeFile(join(siteDir, '404.html'), layout(notFoundPage(model.meta, 'vi')).replaceAll('href="./', 'href="/').replaceAll('src="./', 'src="/'));
  return count + 1;
}
