import { type ChartRef, IMAGE_HEIGHT, IMAGE_WIDTH, chartImagePaths } from '../../charts.ts';
import { type Lang, formatDateTime, formatMonth, localePath } from '../../i18n.ts';
import type { Series, SiteMeta } from '../../model.ts';
import { strings } from '../../strings.ts';
import { chartPayload, measuresSummary, seriesTables, summarise } from '../chart.ts';
import { type Html, html, jsonScript } from '../html.ts';
import { href, linksFrom } from '../layout.ts';

/** Where a chart's static embed lives: /embed/national/, /embed/services/{code}/, /embed/localities/{code}/. */
export function embedPath(ref: ChartRef): string {
  if (ref.kind === 'national') return '/embed/national/';
  return `/embed/${ref.kind === 'service' ? 'services' : 'localities'}/${ref.code}/`;
}

/** The generic embed, drawn by its script from the API: comparisons, service × locality, archived. */
export const GENERIC_EMBED_PATH = '/embed/adoption/';

/** The generic embed's query for a chart: what the dialog offers as the archived version. */
export function genericQuery(ref: ChartRef): string {
  if (ref.kind === 'national') return '';
  return ref.kind === 'service' ? `service=${encodeURIComponent(ref.code)}` : `locality=${encodeURIComponent(ref.code)}`;
}

/** A site chart's links: its live embed, its archived embed (frozen at the newest batch), its image. */
export function chartLinks(ref: ChartRef, meta: SiteMeta, lang: Lang, here: string): { embed: string; archived: string; image: string } {
  const query = [genericQuery(ref), `as_of_batch=${meta.last_batch_id}`].filter(Boolean).join('&');
  return {
    embed: href(here, localePath(lang, embedPath(ref))),
    archived: `${href(here, localePath(lang, GENERIC_EMBED_PATH))}?${query}`,
    image: href(here, chartImagePaths(ref, lang).png),
  };
}

interface EmbedDocument {
  lang: Lang;
  /** The page's full path, for relative links. */
  here: string;
  meta: SiteMeta;
  title: string;
  body: Html;
  /** Pages drawn from the API need to reach it. */
  generic?: boolean;
}

function embedDocument(doc: EmbedDocument): string {
  const t = strings(doc.lang);
  const link = linksFrom(doc.here);
  return `<!doctype html>${html`<html lang="${doc.lang}" data-theme="auto">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${doc.title} — ${t.siteName}</title>
<link rel="stylesheet" href="${link('/assets/embed.css')}">
<script src="${link('/assets/chart.umd.min.js')}" defer></script>
<script src="${link('/assets/embed-page.js')}" defer></script>
</head>
<body>
<main class="embed"${doc.generic ? html` data-api="${link('/api/v1/')}" data-lang="${doc.lang}"` : ''}>
${doc.meta.demo ? html`<p class="demo">${t.demoLabel}</p>` : ''}
${doc.body}
</main>
</body>
</html>`}\n`;
}

export interface EmbedChart {
  ref: ChartRef;
  title: string;
  series: Series;
  /** The full page this chart comes from. */
  explore: string;
}

/**
 * A chart's static embed: the chart, its title, summary, source and date, and a link back.
 * Without JavaScript the table (and the chart's image) show; `?tab=table` shows the table too.
 */
export function embedPage(chart: EmbedChart, meta: SiteMeta, lang: Lang): string {
  const t = strings(lang);
  const here = localePath(lang, embedPath(chart.ref));
  const measures = measuresSummary(chart.series, lang);
  const summary = summarise(chart.series, lang) + (measures ? ` ${measures}` : '');
  const image = chartImagePaths(chart.ref, lang).png;
  const body = html`<h1 class="title" id="title">${chart.title}</h1>
<p class="summary" id="summary">${summary}</p>
<div class="chart-box" hidden><canvas role="img" aria-labelledby="title" aria-describedby="summary"></canvas></div>
<noscript><img class="fallback" src="${href(here, image)}" width="${IMAGE_WIDTH}" height="${IMAGE_HEIGHT}" alt="${chart.title}. ${summary}"></noscript>
<script type="application/json" class="chart-data">${jsonScript(chartPayload(chart.series, lang))}</script>
<div class="table-box" tabindex="0" role="region" aria-label="${t.table}">${seriesTables(chart.title, chart.series, lang)}</div>
<p class="source">${t.source(formatMonth(meta.data_as_of, lang), formatDateTime(meta.built_at, lang))}
<a href="${href(here, chart.explore)}" target="_blank" rel="noopener">${t.embed.explore}</a></p>`;
  return embedDocument({ lang, here, meta, title: chart.title, body });
}

/** The generic embed: everything comes from the API at view time, so it needs JavaScript. */
export function genericEmbedPage(meta: SiteMeta, lang: Lang): string {
  const t = strings(lang);
  const here = localePath(lang, GENERIC_EMBED_PATH);
  const body = html`<h1 class="title" id="title">${t.embed.loading}</h1>
<p class="summary" id="summary"></p>
<div class="chart-box" hidden><canvas role="img" aria-labelledby="title" aria-describedby="summary"></canvas></div>
<div class="table-box" tabindex="0" role="region" aria-label="${t.table}"></div>
<noscript><p>${t.embed.needsScript}</p></noscript>
<p class="source"><span class="source-text"></span> <span class="as-of"></span>
<a href="${href(here, localePath(lang, '/'))}" target="_blank" rel="noopener">${t.embed.explore}</a></p>
<script type="application/json" class="embed-strings">${jsonScript(embedStrings(meta, lang))}</script>`;
  return embedDocument({ lang, here, meta, title: t.siteName, body, generic: true });
}

/** The words the generic embed's script needs, in the page's language. */
export interface EmbedStrings {
  source: string;
  asOf: string;
  notFound: string;
  all: string;
  online: string;
  total: string;
  rate: string;
  month: string;
  year: string;
  table: string;
  incomplete: string;
}

function embedStrings(meta: SiteMeta, lang: Lang): EmbedStrings {
  const t = strings(lang);
  return {
    source: t.source(formatMonth(meta.data_as_of, lang), formatDateTime(meta.built_at, lang)),
    asOf: t.embed.asOf('{batch}'),
    notFound: t.embed.notFound,
    all: t.embed.all,
    online: t.online,
    total: t.total,
    rate: t.rate,
    month: t.month,
    year: t.year,
    table: t.table,
    incomplete: t.chart.incomplete,
  };
}
