import { join } from 'node:path';
import type { ChartImage } from '../../web/charts.ts';
import { LANGS, type Lang, formatMonth, localePath } from '../../web/i18n.ts';
import { summarise } from '../../web/templates/chart.ts';
import type { CommuneData } from '../../web/model.ts';
import { strings } from '../../web/strings.ts';
import { communePage, communePath, oldCommunesPage, oldCommunesPath } from '../../web/templates/pages/communes.ts';
import { type EmbedChart, embedPage, embedPath } from '../../web/templates/pages/embed.ts';
import { layout } from '../../web/templates/layout.ts';
import { writeCommuneChart } from './open-data.ts';
import type { SiteModel } from './model.ts';
import { KeyedFiles, pageFiles } from './keyed-files.ts';
import { safeJoin, writeFile } from './sink.ts';

/** Where a build says what each commune's files were made from, for the next build to compare. */
const MANIFEST = 'localities/communes.json';

/** The files of one commune, relative to the build: its pages, its chart's embeds and data. */
function filesOf(data: CommuneData): string[] {
  const code = data.commune.code;
  const files = pageFiles(communePath(code));
  if (data.series.monthly.length > 0) files.push(...pageFiles(embedPath({ kind: 'locality', code })), `data/localities/${code}.csv`, `data/localities/${code}.json`, `data/localities/${code}.metadata.json`);
  return files;
}

export interface CommunePagesResult {
  written: number;
  linked: number;
  /** HTML files in the build from here: pages and embeds, written or linked. */
  pages: number;
  /** The communes' chart CSVs, for the datapackage. */
  csv: string[];
}

/**
 * Every commune's pages (vi, en), embeds and chart data. A commune whose figures did not change
 * since the live build has its files hard-linked from it instead of written: a one-commune batch
 * rewrites one commune, not 3,321. The old communes' pointer pages are written too.
 */
export function writeCommunePages(siteDir: string, model: SiteModel, live: string | null): CommunePagesResult {
  const keyed = new KeyedFiles(siteDir, live, MANIFEST);
  const result = { pages: 0, csv: [] as string[] };
  for (const list of model.communes.byProvince.values()) {
    for (const data of list) {
      const code = data.commune.code;
      const files = filesOf(data);
      result.pages += files.filter((f) => f.endsWith('.html')).length;
      if (data.series.monthly.length > 0) result.csv.push(`localities/${code}.csv`);
      keyed.put(code, data, files, () => writeCommune(siteDir, data));
    }
  }
  for (const lang of LANGS) {
    for (const old of model.communes.old) {
      writeFile(pagePath(siteDir, localePath(lang, oldCommunesPath(old.province.code))), layout(oldCommunesPage(old, model.meta, lang)));
      result.pages++;
    }
  }
  keyed.close();
  return { ...result, written: keyed.written, linked: keyed.linked };
}

const pagePath = (siteDir: string, path: string) => join(safeJoin(siteDir, ...path.split('/').filter(Boolean)), 'index.html');

function writeCommune(siteDir: string, data: CommuneData): void {
  for (const lang of LANGS) {
    writeFile(pagePath(siteDir, localePath(lang, communePath(data.commune.code))), layout(communePage(data, lang)));
    const chart = communeChart(data, lang);
    if (chart) writeFile(pagePath(siteDir, localePath(lang, embedPath(chart.ref))), embedPage(chart, data.meta, lang));
  }
  if (data.series.monthly.length > 0) writeCommuneChart(join(siteDir, 'data'), data);
}

/** A commune's chart, when it has figures of its own. */
function communeChart(data: CommuneData, lang: Lang): EmbedChart | null {
  if (data.series.monthly.length === 0) return null;
  const code = data.commune.code;
  return { ref: { kind: 'locality', code }, title: strings(lang).localities.trend(data.commune.name), series: data.series, explore: localePath(lang, communePath(code)) };
}

const withCharts = (model: SiteModel) => [...model.communes.byProvince.values()].flat().filter((c) => c.series.monthly.length > 0);

/** The communes' charts in a language, for the chart manifest (oEmbed) beside the others. */
export function communeCharts(model: SiteModel, lang: Lang): EmbedChart[] {
  return withCharts(model).map((c) => communeChart(c, lang)!);
}

/** The communes' chart images: drawn once, then reused while their numbers stay the same (images.ts). */
export function communeChartImages(model: SiteModel): ChartImage[] {
  return LANGS.flatMap((lang) =>
    withCharts(model).map((c) => {
      const chart = communeChart(c, lang)!;
      return { ref: chart.ref, lang, title: chart.title, summary: summarise(c.series, lang), source: strings(lang).sourceShort(formatMonth(c.meta.data_as_of, lang)), demo: c.meta.demo, series: c.series };
    }),
  );
}
