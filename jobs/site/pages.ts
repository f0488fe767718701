import { join } from 'node:path';
import { LANGS, type Lang, formatMonth, localePath } from '../../web/i18n.ts';
import { strings } from '../../web/strings.ts';
import { serviceName } from '../../web/templates/tables.ts';
import { type ChartImage, chartId, chartImagePaths } from '../../web/charts.ts';
import { summarise } from '../../web/templates/chart.ts';
import type { ChartManifest, DataPackage } from '../../web/model.ts';
import { type Page, layout } from '../../web/templates/layout.ts';
import { dataPage } from '../../web/templates/pages/data.ts';
import { type EmbedChart, GENERIC_EMBED_PATH, embedPage, embedPath, genericEmbedPage } from '../../web/templates/pages/embed.ts';
import { homePage } from '../../web/templates/pages/home.ts';
import { localitiesPage, localityPage } from '../../web/templates/pages/localities.ts';
import { methodologyPage } from '../../web/templates/pages/methodology.ts';
import { notFoundPage } from '../../web/templates/pages/not-found.ts';
import { servicePage, servicesPage } from '../../web/templates/pages/services.ts';
import { watchPage } from '../../web/templates/pages/watch.ts';
import type { SiteModel } from './model.ts';
import { safeJoin, writeFile } from './sink.ts';

/** The charts of the site, each with the page it belongs to. */
export function siteCharts(model: SiteModel, lang: Lang): EmbedChart[] {
  const t = strings(lang);
  return [
    { ref: { kind: 'national' }, title: t.home.trend, series: model.home.national, explore: localePath(lang, '/') },
    ...model.service.map((s): EmbedChart => ({
      ref: { kind: 'service', code: s.service.code },
      title: t.services.trend(serviceName(s.service, lang)),
      series: s.national,
      explore: localePath(lang, `/services/${s.service.code}/`),
    })),
    ...model.locality.map((l): EmbedChart => ({
      ref: { kind: 'locality', code: l.province.code },
      title: t.localities.trend(l.province.name),
      series: l.series,
      explore: localePath(lang, `/localities/${l.province.code}/`),
    })),
  ];
}

/** Every chart's image input: the same title, summary and numbers as on the page. */
export function chartImages(model: SiteModel): ChartImage[] {
  return LANGS.flatMap((lang) =>
    siteCharts(model, lang).map((c) => ({
      ref: c.ref,
      lang,
      title: c.title,
      summary: summarise(c.series, lang),
      source: strings(lang).sourceShort(formatMonth(model.meta.data_as_of, lang)),
      demo: model.meta.demo,
      series: c.series,
    })),
  );
}

function chartManifest(model: SiteModel): ChartManifest {
  return {
    built_at: model.meta.built_at,
    charts: LANGS.flatMap((lang) =>
      siteCharts(model, lang).map((c) => ({
        id: chartId(c.ref),
        lang,
        title: c.title,
        page: c.explore,
        embed: localePath(lang, embedPath(c.ref)),
        image: chartImagePaths(c.ref, lang).png,
      })),
    ),
  };
}

/** Every page in both languages, and every chart's embed, as index.html files; returns how many. */
export function writePages(siteDir: string, model: SiteModel, pkg: DataPackage): number {
  let count = 0;
  const writeHtml = (path: string, text: string) => {
    writeFile(join(safeJoin(siteDir, ...path.split('/').filter(Boolean)), 'index.html'), text);
    count++;
  };
  const write = (page: Page) => writeHtml(localePath(page.lang, page.path), layout(page));
  for (const lang of LANGS) {
    write(homePage(model.home, lang));
    write(servicesPage(model.services, lang));
    for (const service of model.service) write(servicePage(service, lang));
    write(localitiesPage(model.localities, lang));
    for (const locality of model.locality) write(localityPage(locality, lang));
    write(watchPage(model.watch, lang));
    write(methodologyPage(model.meta, lang));
    write(dataPage(pkg, model.meta, lang));
    for (const chart of siteCharts(model, lang)) writeHtml(localePath(lang, embedPath(chart.ref)), embedPage(chart, model.meta, lang));
    writeHtml(localePath(lang, GENERIC_EMBED_PATH), genericEmbedPage(model.meta, lang));
  }
  writeFile(join(siteDir, 'embed', 'charts.json'), JSON.stringify(chartManifest(model)));
  // Served from any depth, so its links are root-relative rather than page-relative.
  writeFile(join(siteDir, '404.html'), layout(notFoundPage(model.meta, 'vi')).replaceAll('href="./', 'href="/').replaceAll('src="./', 'src="/'));
  return count + 1;
}
