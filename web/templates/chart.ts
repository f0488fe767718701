import { type Lang, formatCount, formatDateTime, formatMonth, formatRate } from '../i18n.ts';
import type { Point, Series, SiteMeta } from '../model.ts';
import { strings } from '../strings.ts';
import { type Html, html, jsonScript } from './html.ts';

export interface TrendChart {
  id: string;
  title: string;
  series: Series;
  /** Relative link to the CSV with these numbers. */
  csv: string;
}

/** What the browser script needs to draw the chart: it knows nothing else. */
export interface ChartPayload {
  lang: Lang;
  labels: string[];
  monthly: Array<number | null>;
  /** Each month carries its year's rate, drawn as a step. */
  yearly: Array<number | null>;
  names: { monthly: string; yearly: string };
}

/** "Up from 1.78% in 2020 to 55.00% in 2026 (10 months)." */
export function summarise(series: Series, lang: Lang): string {
  const t = strings(lang).chart;
  const years = series.yearly.filter((p) => p.rate !== null);
  const first = years[0];
  const last = years[years.length - 1];
  if (!first || !last) return strings(lang).noData;
  const label = (p: Point) => p.period + (p.months !== undefined && p.months < 12 ? t.partialYear(p.months) : '');
  if (first === last) return t.single(formatRate(last.rate, lang), label(last));
  const say = last.rate! >= first.rate! ? t.up : t.down;
  return say(formatRate(first.rate, lang), label(first), formatRate(last.rate, lang), label(last));
}

function payload(series: Series, lang: Lang): ChartPayload {
  const t = strings(lang).chart;
  const byYear = new Map(series.yearly.map((y) => [y.period, y.rate]));
  return {
    lang,
    labels: series.monthly.map((p) => formatMonth(p.period, lang)),
    monthly: series.monthly.map((p) => p.rate),
    yearly: series.monthly.map((p) => byYear.get(p.period.slice(0, 4)) ?? null),
    names: { monthly: t.monthly, yearly: t.yearly },
  };
}

function pointRows(points: Point[], lang: Lang, label: (p: Point) => string): Html[] {
  return points.map(
    (p) => html`<tr><th scope="row">${label(p)}</th><td>${formatCount(p.online_count, lang)}</td><td>${formatCount(p.total_count, lang)}</td><td>${formatRate(p.rate, lang)}</td></tr>`,
  );
}

export function sourceLine(meta: SiteMeta, lang: Lang, csv: string): Html {
  const t = strings(lang);
  return html`<p class="source">${t.source(formatMonth(meta.data_as_of, lang), formatDateTime(meta.built_at, lang))} <a href="${csv}" download>${t.downloadCsv}</a></p>`;
}

/** A trend chart: Chart.js draws it when it can; the table below always holds the same numbers. */
export function trendChart(chart: TrendChart, meta: SiteMeta, lang: Lang): Html {
  const t = strings(lang);
  const summary = summarise(chart.series, lang);
  const head = (first: string) => html`<thead><tr><th scope="col">${first}</th><th scope="col">${t.online}</th><th scope="col">${t.total}</th><th scope="col">${t.rate}</th></tr></thead>`;
  return html`<figure class="chart" id="${chart.id}" aria-labelledby="${chart.id}-title">
  <figcaption>
    <h2 id="${chart.id}-title">${chart.title}</h2>
    <p class="summary" id="${chart.id}-summary">${summary}</p>
  </figcaption>
  <div class="chart-box" hidden><canvas role="img" aria-label="${chart.title}. ${summary}"></canvas></div>
  <script type="application/json" class="chart-data">${jsonScript(payload(chart.series, lang))}</script>
  <details class="chart-table" open>
    <summary>${t.table}</summary>
    <div class="table-scroll" tabindex="0" role="region" aria-label="${t.table}: ${chart.title}">
      <table>
        <caption>${chart.title} — ${t.year}</caption>
        ${head(t.year)}
        <tbody>${pointRows(chart.series.yearly, lang, (p) => p.period + (p.months !== undefined && p.months < 12 ? t.chart.partialYear(p.months) : ''))}</tbody>
      </table>
      <table>
        <caption>${chart.title} — ${t.month}</caption>
        ${head(t.month)}
        <tbody>${pointRows(chart.series.monthly, lang, (p) => formatMonth(p.period, lang))}</tbody>
      </table>
    </div>
  </details>
  ${sourceLine(meta, lang, chart.csv)}
</figure>`;
}
