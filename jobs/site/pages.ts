import { join } from 'node:path';
import { LANGS, type Lang, formatMonth, localePath } from '../../web/i18n.ts';
import { strings } from '../../web/strings.ts';
import { serviceName } from '../../web/templates/tables.ts';
import { type ChartImage, chartId, chartImagePaths } from '../../web/charts.ts';
import { summarise } from '../../web/templates/chart.ts';
import type { ChartManifest, DataPackage, DataSnapshot } from '../../web/model.ts';
import { type Page, layout } from '../../web/templates/layout.ts';
import { dataPage } from '../../web/templates/pages/data.ts';
import { type EmbedChart, GENERIC_EMBED_PATH, embedPage, embedPath, genericEmbedPage } from '../../web/templates/pages/embed.ts';
import { homePage } from '../../web/templates/pages/home.ts';
import { localitiesPage, localityPage, localityPath } from '../../web/templates/pages/localities.ts';
import { methodologyPage } from '../../web/templates/pages/methodology.ts';
import { agenciesPage } from '../../web/templates/pages/agencies.ts';
import { publishPage } from '../../web/templates/pages/publish.ts';
import { notFoundPage } from '../../web/templates/pages/not-found.ts';
import { servicePage, servicesPage } from '../../web/templates/pages/services.ts';
import type { SiteFigures, SiteModel } from './model.ts';
import { safeJoin, writeFile } from './sink.ts';
import { communeCharts } from './commune-pages.ts';
import { writeWatchPages } from './watch-pages.ts';
import { KeyedFiles, pageFiles } from './keyed-files.ts';

/** The charts of the site, each with the page it belongs to. */
export function siteCharts(model: SiteFigures, lang: Lang): EmbedChart[] {
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
export function chartImages(model: SiteFigures): ChartImage[] {
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
      [...siteCharts(model, lang), ...communeCharts(model, lang)].map((c) => ({
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

/** Writes index.html files under siteDir, counting them. */
function pageWriter(siteDir: string) {
  const writer = {
    count: 0,
    html(path: string, text: string) {
      writeFile(join(safeJoin(siteDir, ...path.split('/').filter(Boolean)), 'index.html'), text);
      writer.count++;
    },
    page(page: Page) {
      writer.html(localePath(page.lang, page.path), layout(page));
    },
    embed(chart: EmbedChart, meta: SiteFigures['meta'], lang: Lang) {
      writer.html(localePath(lang, embedPath(chart.ref)), embedPage(chart, meta, lang));
    },
  };
  return writer;
}

/** A service's chart (pages, embeds and images of the services' part: page-thread.ts). */
export const isServiceChart = (chart: { ref: ChartImage['ref'] }) => chart.ref.kind === 'service';

/** The folders of the services' pages and embeds (writeServicePages), to make ahead. */
export function servicePageFolders(siteDir: string, codes: string[]): string[] {
  const folder = (path: string) => safeJoin(siteDir, ...path.split('/').filter(Boolean));
  return LANGS.flatMap((lang) =>
    codes.flatMap((code) => [folder(localePath(lang, `/services/${code}/`)), folder(localePath(lang, embedPath({ kind: 'service', code })))]),
  );
}

/**
 * Each service's page and chart embed in both languages: most of the site's pages, which a
 * build writes on a second thread (page-thread.ts) while this one writes the rest. Returns how many.
 */
export function writeServicePages(siteDir: string, figures: SiteFigures, options: { embeds: boolean }): number {
  const writer = pageWriter(siteDir);
  for (const lang of LANGS) for (const service of figures.service) writer.page(servicePage(service, lang));
  return writer.count + (options.embeds ? writeEmbeds(siteDir, serviceEmbeds(figures), figures.meta) : 0);
}

/** A chart's embed in one language. */
export interface Embed {
  chart: EmbedChart;
  lang: Lang;
}

/** Each service's chart embed, in both languages. */
export function serviceEmbeds(figures: SiteFigures): Embed[] {
  return LANGS.flatMap((lang) => siteCharts(figures, lang).filter(isServiceChart).map((chart) => ({ chart, lang })));
}

/** The folders the services' embeds are in (a quick build links them and writes them after). */
export const SERVICE_EMBED_FOLDERS = LANGS.map((lang) => localePath(lang, '/embed/services').slice(1));

/** Writes embed pages; returns how many. */
export function writeEmbeds(siteDir: string, embeds: Embed[], meta: SiteFigures['meta']): number {
  const writer = pageWriter(siteDir);
  for (const { chart, lang } of embeds) writer.embed(chart, meta, lang);
  return writer.count;
}

/** The data page in both languages: last, as it describes every file. */
export function writeDataPages(siteDir: string, model: SiteModel, pkg: DataPackage, snapshots: DataSnapshot[]): number {
  const writer = pageWriter(siteDir);
  const areaNames = new Map(model.provinceMonthly.map(({ province }) => [province.code, province.name]));
  for (const lang of LANGS) writer.page(dataPage(pkg, snapshots, model.meta, lang, areaNames.set('VN', strings(lang).watch.nationwide)));
  return writer.count;
}

/**
 * Every other page in both languages and the other charts' embeds, as index.html files; returns
 * how many. The provinces' pages are keyed by their figures: given the live build, the unchanged
 * ones are linked from it.
 */
export function writePages(siteDir: string, model: SiteModel, live: string | null): number {
  const writer = pageWriter(siteDir);
  const provinces = new KeyedFiles(siteDir, live, 'localities/provinces.json');
  for (const locality of model.locality) {
    provinces.put(locality.province.code, locality, pageFiles(localityPath(locality.province.code)), () => LANGS.forEach((lang) => writer.page(localityPage(locality, lang))));
  }
  provinces.close();
  for (const lang of LANGS) {
    writer.page(homePage(model.home, lang));
    writer.page(servicesPage(model.services, lang));
    writer.page(localitiesPage(model.localities, lang));
    writer.page(methodologyPage(model.meta, lang, model.indicators));
    writer.page(agenciesPage(model.agencies, lang));
    writer.page(publishPage(model.meta, lang));
    for (const chart of siteCharts(model, lang).filter((c) => !isServiceChart(c))) writer.embed(chart, model.meta, lang);
    writer.html(localePath(lang, GENERIC_EMBED_PATH), genericEmbedPage(model.meta, lang));
  }
  writeFile(join(siteDir, 'embed', 'charts.json'), JSON.stringify(chartManifest(model)));
  // Served from any depth, so its links are root-relative rather than page-relative.
  writeFile(join(siteDir, '404.html'), layout(notFoundPage(model.meta, 'vi')).replaceAll('href="./', 'href="/').replaceAll('src="./', 'src="/'));
  return writer.count + provinces.linked * LANGS.length + writeWatchPages(siteDir, model) + 1;
}
