import { type Lang, formatCount, formatDateTime, formatMonth, formatRate } from '../i18n.ts';
import { MEASURE_KEYS, type MeasureKey, type MeasurePoint, type MeasureSeries, type Point, type Series, type SiteMeta } from '../model.ts';
import { strings } from '../strings.ts';
import { Html, escapeHtml, html, jsonScript } from './html.ts';

export interface TrendChart {
  id: string;
  title: string;
  series: Series;
  /** Relative link to the CSV with these numbers. */
  csv: string;
  /** Relative link to the chart's PNG, for "download image". */
  image?: string;
  /** Relative links to the chart's live and archived embed pages (the dialog makes them absolute). */
  embed?: string;
  archived?: string;
}

/** What the browser script needs to draw the chart: it knows nothing else. */
export interface ChartPayload {
  lang: Lang;
  /** YYYY-MM of each point, for time ranges in embeds. */
  periods: string[];
  labels: string[];
  monthly: Array<number | null>;
  /** Each month carries its year's rate, drawn as a step. */
  yearly: Array<number | null>;
  /** True where the month is not complete (not everyone reported, or not over): drawn dashed and hollow. */
  partial: boolean[];
  /** "11/2026: 1/34 tỉnh, thành phố đã báo cáo" for the latest incomplete months; null when none is. */
  note: string | null;
  names: { monthly: string; yearly: string };
  /** The optional measures' monthly shares on the same months (null where not reported); absent when none was. */
  measures?: PayloadMeasure[];
}

/** A measure's line: its share in each month of the payload, and which of those months are incomplete for it. */
export interface PayloadMeasure {
  key: MeasureKey;
  name: string;
  data: Array<number | null>;
  partial: boolean[];
}

/** The measures a series has, in their order (end-to-end, then paid online). */
export function seriesMeasureList(series: Series): Array<{ key: MeasureKey; series: MeasureSeries }> {
  const out: Array<{ key: MeasureKey; series: MeasureSeries }> = [];
  for (const key of MEASURE_KEYS) {
    const m = series.measures?.[key];
    if (m && m.monthly.length > 0) out.push({ key, series: m });
  }
  return out;
}

/** "Toàn trình trực tuyến: 45,00% năm 2026 (11 tháng). …": each measure's latest year; empty when the series has none. */
export function measuresSummary(series: Series, lang: Lang): string {
  const t = strings(lang).chart;
  return seriesMeasureList(series)
    .map(({ key, series: m }) => {
      const years = m.yearly.filter((p) => p.rate !== null);
      const last = years[years.length - 1];
      return last ? t.measureSummary(t.measures[key], formatRate(last.rate, lang), last.period + (last.months !== undefined && last.months < 12 ? t.partialYear(last.months) : '')) : '';
    })
    .filter(Boolean)
    .join(' ');
}

/** Incomplete months shown by name, most recent first. */
const PARTIAL_NAMED = 3;

/** The incomplete months of a series, most recent first, each saying who reported. */
export function partialMonths(series: Series, lang: Lang): string[] {
  const t = strings(lang).chart;
  const out: string[] = [];
  for (let i = series.monthly.length - 1; i >= 0; i--) {
    const p = series.monthly[i]!;
    if (!p.complete) out.push(t.partialMonth(formatMonth(p.period, lang), p.coverage.reporting, p.coverage.expected, series.units));
  }
  return out;
}

/** "11/2026: 1/34 …; 10/2026: … và 4 tháng khác", or null when every month is complete. */
function partialList(series: Series, lang: Lang): string | null {
  const months = partialMonths(series, lang);
  if (months.length === 0) return null;
  const named = months.slice(0, PARTIAL_NAMED).join('; ');
  return months.length > PARTIAL_NAMED ? `${named}; ${strings(lang).chart.andMore(months.length - PARTIAL_NAMED)}` : named;
}

/** "Up from 1.78% in 2020 to 55.00% in 2026 (10 months)." */
export function summarise(series: Series, lang: Lang): string {
  const t = strings(lang).chart;
  const years = series.yearly.filter((p) => p.rate !== null);
  const first = years[0];
  const last = years[years.length - 1];
  if (!first || !last) return strings(lang).noData;
  const label = (p: Point) => p.period + (p.months !== undefined && p.months < 12 ? t.partialYear(p.months) : '');
  const partial = partialList(series, lang);
  const trend =
    first === last
      ? t.single(formatRate(last.rate, lang), label(last))
      : (last.rate! >= first.rate! ? t.up : t.down)(formatRate(first.rate, lang), label(first), formatRate(last.rate, lang), label(last));
  return partial ? `${trend} ${t.partialSummary(partial)}` : trend;
}

export function chartPayload(series: Series, lang: Lang): ChartPayload {
  const t = strings(lang).chart;
  const byYear = new Map(series.yearly.map((y) => [y.period, y.rate]));
  const measures = seriesMeasureList(series).map(({ key, series: m }): PayloadMeasure => {
    const byMonth = new Map(m.monthly.map((p) => [p.period, p]));
    return {
      key,
      name: t.measureLines[key],
      data: series.monthly.map((p) => byMonth.get(p.period)?.rate ?? null),
      partial: series.monthly.map((p) => byMonth.get(p.period)?.complete === false),
    };
  });
  return {
    lang,
    periods: series.monthly.map((p) => p.period),
    labels: series.monthly.map((p) => formatMonth(p.period, lang)),
    monthly: series.monthly.map((p) => p.rate),
    yearly: series.monthly.map((p) => byYear.get(p.period.slice(0, 4)) ?? null),
    partial: series.monthly.map((p) => !p.complete),
    note: partialList(series, lang),
    // Beside other lines, the online rate says what it is.
    names: measures.length > 0 ? { monthly: t.onlineMonthly, yearly: t.onlineYearly } : { monthly: t.monthly, yearly: t.yearly },
    ...(measures.length > 0 ? { measures } : {}),
  };
}

/** A measure's cells in a row of the tables: its share, and who reported it that month or year. */
function measureCells(point: MeasurePoint | undefined, lang: Lang): string {
  if (!point) return '<td>—</td><td>—</td>';
  const reported = `${point.coverage.reporting}/${point.coverage.expected}${point.complete ? '' : ` (${strings(lang).chart.incomplete})`}`;
  return `<td>${escapeHtml(formatRate(point.rate, lang))}</td><td>${escapeHtml(reported)}</td>`;
}

/** Rows by concatenation, not a template each: every chart page has a row per month. Each measure adds its cells after the online ones. */
function pointRows(points: Point[], lang: Lang, label: (p: Point) => string, measures: Array<Map<string, MeasurePoint>> = []): Html {
  const incomplete = strings(lang).chart.incomplete;
  let rows = '';
  for (const p of points) {
    const reported = `${p.coverage.reporting}/${p.coverage.expected}${p.complete ? '' : ` (${incomplete})`}`;
    let extra = '';
    for (const m of measures) extra += measureCells(m.get(p.period), lang);
    rows += `<tr${p.complete ? '' : ' class="partial"'}><th scope="row">${escapeHtml(label(p))}</th><td>${escapeHtml(formatCount(p.online_count, lang))}</td><td>${escapeHtml(formatCount(p.total_count, lang))}</td><td>${escapeHtml(formatRate(p.rate, lang))}</td><td>${escapeHtml(reported)}</td>${extra}</tr>`;
  }
  return new Html(rows);
}

export function sourceLine(meta: SiteMeta, lang: Lang, csv: string, image?: string): Html {
  const t = strings(lang);
  return html`<p class="source">${t.source(formatMonth(meta.data_as_of, lang), formatDateTime(meta.built_at, lang))} <a href="${csv}" download>${t.downloadCsv}</a>${image ? html` · <a href="${image}" download>${t.downloadImage}</a>` : ''}</p>`;
}

/** The yearly and monthly tables of a series: the chart's numbers, readable without JavaScript. */
export function seriesTables(title: string, series: Series, lang: Lang): Html {
  const t = strings(lang);
  const measures = seriesMeasureList(series);
  const measureHeads = measures.map(({ key }) => html`<th scope="col">${t.chart.measureRate[key]}</th><th scope="col">${t.chart.measureReported[key]}</th>`);
  const head = (first: string) =>
    html`<thead><tr><th scope="col">${first}</th><th scope="col">${t.online}</th><th scope="col">${t.total}</th><th scope="col">${t.rate}</th><th scope="col">${t.chart.reporting}</th>${measureHeads}</tr></thead>`;
  const byPeriod = (of: 'monthly' | 'yearly') => measures.map(({ series: m }) => new Map(m[of].map((p) => [p.period, p])));
  return html`<table>
        <caption>${title} — ${t.year}</caption>
        ${head(t.year)}
        <tbody>${pointRows(series.yearly, lang, (p) => p.period + (p.months !== undefined && p.months < 12 ? t.chart.partialYear(p.months) : ''), byPeriod('yearly'))}</tbody>
      </table>
      <table>
        <caption>${title} — ${t.month}</caption>
        ${head(t.month)}
        <tbody>${pointRows(series.monthly, lang, (p) => formatMonth(p.period, lang), byPeriod('monthly'))}</tbody>
      </table>`;
}

/** A trend chart: Chart.js draws it when it can; the table below always holds the same numbers. */
export function trendChart(chart: TrendChart, meta: SiteMeta, lang: Lang): Html {
  const t = strings(lang);
  const summary = summarise(chart.series, lang);
  const measures = measuresSummary(chart.series, lang);
  return html`<figure class="chart" id="${chart.id}" aria-labelledby="${chart.id}-title"${chart.embed ? html` data-embed="${chart.embed}" data-embed-archived="${chart.archived ?? ''}"` : ''}>
  <figcaption>
    <h2 id="${chart.id}-title">${chart.title}</h2>
    <p class="summary" id="${chart.id}-summary">${summary}</p>
    ${measures ? html`<p class="summary measures">${measures}</p><p class="note">${t.chart.measuresNote}</p>` : ''}
  </figcaption>
  <div class="chart-box" hidden><canvas role="img" aria-label="${chart.title}. ${summary}${measures ? ` ${measures}` : ''}"></canvas></div>
  <script type="application/json" class="chart-data">${jsonScript(chartPayload(chart.series, lang))}</script>
  <details class="chart-table" open>
    <summary>${t.table}</summary>
    <div class="table-scroll" tabindex="0" role="region" aria-label="${t.table}: ${chart.title}">
      ${seriesTables(chart.title, chart.series, lang)}
    </div>
  </details>
  ${sourceLine(meta, lang, chart.csv, chart.image)}
</figure>`;
}
