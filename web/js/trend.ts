import type { ChartPayload } from '../templates/chart.ts';

/**
 * The one way charts are drawn in the browser, on the site and in embeds: rate lines over
 * months with Chart.js (loaded before as a global), percent axes in the page's locale.
 */

export interface ChartInstance {
  destroy(): void;
}

/** The few parts of Chart.js these scripts use. */
export interface ChartGlobal {
  new (canvas: HTMLCanvasElement, config: unknown): ChartInstance;
  defaults: { font: { family: string }; color: string };
}

declare const Chart: ChartGlobal | undefined;

export function chartJs(): ChartGlobal | null {
  return typeof Chart === 'undefined' ? null : Chart;
}

export const FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, "Liberation Sans", sans-serif';

/** Line colours that keep ≥ 3:1 against their background, and differ by dash, not only hue. */
export const PALETTE = {
  light: { text: '#3b4249', grid: '#e3e7ec', background: '#ffffff', lines: ['#1f4e8c', '#a33a00', '#2d6a2e', '#6b3fa0', '#8a5a00'] },
  dark: { text: '#d5dbe3', grid: '#36404c', background: '#14191f', lines: ['#8cb8f2', '#ffa36b', '#7fd08a', '#c9a6f5', '#f0c35a'] },
};
export type Theme = keyof typeof PALETTE;

export interface Line {
  label: string;
  data: Array<number | null>;
  /** Yearly figures: a dashed step, so it reads without colour. */
  stepped?: boolean;
  /** Its own dash pattern (the optional measures' lines), so that it reads without colour. */
  dash?: number[];
  /** Incomplete months: the segment into each is dotted and its point hollow, so nobody reads it as whole. */
  partial?: boolean[];
}

/** A dotted segment into an incomplete month, and a hollow point on it (Chart.js scriptable options). */
export function partialStyle(partial: boolean[] | undefined, background: string) {
  const at = (i: number) => partial?.[i] === true;
  return {
    segment: { borderDash: (ctx: { p1DataIndex: number }) => (at(ctx.p1DataIndex) ? [2, 4] : undefined) },
    pointRadius: (ctx: { dataIndex: number }) => (at(ctx.dataIndex) ? 4 : 0),
    pointBackgroundColor: background,
    pointBorderWidth: 2,
  };
}

export function isRates(v: unknown, length: number): v is Array<number | null> {
  return Array.isArray(v) && v.length === length && v.every((x) => x === null || (typeof x === 'number' && Number.isFinite(x)));
}

/** 0 to the highest rate rounded up to the next 10%, never above 100%. */
function axisMax(lines: Line[]): number {
  let top = 0;
  for (const line of lines) for (const v of line.data) if (v !== null && v > top) top = v;
  return Math.min(1, Math.max(0.1, Math.ceil(top * 10 - 1e-9) / 10));
}

export function drawLines(canvas: HTMLCanvasElement, lang: string, labels: string[], lines: Line[], theme: Theme = 'light'): ChartInstance {
  const ChartJs = chartJs();
  if (!ChartJs) throw new Error('Chart.js is not loaded');
  const colours = PALETTE[theme];
  ChartJs.defaults.font.family = FONT;
  ChartJs.defaults.color = colours.text;
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
  const fmt = (v: unknown) => (typeof v === 'number' ? percent.format(v) : '—');
  return new ChartJs(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: lines.map((line, i) => {
        const colour = colours.lines[i % colours.lines.length]!;
        return {
          label: line.label,
          data: line.data,
          borderColor: colour,
          // Background-filled swatches: the legend shows the dashed outline of the yearly step and of the measures' lines.
          backgroundColor: line.stepped || line.dash ? colours.background : colour,
          borderWidth: 2,
          borderDash: line.dash ?? (line.stepped || i % 2 === 1 ? [6, 4] : []),
          stepped: line.stepped ? 'middle' : false,
          pointRadius: 0,
          pointHoverRadius: 4,
          tension: 0,
          spanGaps: false,
          ...(line.partial ? partialStyle(line.partial, colours.background) : {}),
        };
      }),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0, autoSkipPadding: 12 } },
        y: { min: 0, max: axisMax(lines), grid: { color: colours.grid }, ticks: { callback: (value: unknown) => fmt(value) } },
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 32, boxHeight: 10 } },
        tooltip: {
          callbacks: { label: (item: { dataset: { label?: string }; parsed: { y: unknown } }) => `${item.dataset.label ?? ''}: ${fmt(item.parsed.y)}` },
        },
      },
    },
  });
}

/** The payload of web/templates/chart.ts, as the page carries it. */
export type TrendPayload = ChartPayload;

export function readPayload(root: ParentNode): TrendPayload | null {
  const text = root.querySelector('script.chart-data')?.textContent;
  if (!text) return null;
  const p = JSON.parse(text) as Partial<TrendPayload>;
  if (!Array.isArray(p.labels) || !Array.isArray(p.periods) || !p.names) return null;
  const n = p.labels.length;
  if (n === 0 || p.periods.length !== n || !isRates(p.monthly, n) || !isRates(p.yearly, n)) return null;
  const partial = Array.isArray(p.partial) && p.partial.length === n ? p.partial.map((x) => x === true) : new Array<boolean>(n).fill(false);
  // A measure that does not fit the months is left out; the others still draw.
  const measures = (Array.isArray(p.measures) ? p.measures : [])
    .filter((m) => typeof m?.name === 'string' && isRates(m.data, n))
    .map((m) => ({ key: m.key, name: m.name, data: m.data, partial: Array.isArray(m.partial) && m.partial.length === n ? m.partial.map((x) => x === true) : new Array<boolean>(n).fill(false) }));
  return {
    lang: p.lang === 'en' ? 'en' : 'vi',
    periods: p.periods.map(String),
    labels: p.labels.map(String),
    monthly: p.monthly,
    yearly: p.yearly,
    partial,
    note: typeof p.note === 'string' ? p.note : null,
    names: p.names,
    ...(measures.length > 0 ? { measures } : {}),
  };
}

/**
 * Dash patterns of the optional measures' lines, after the online rate's solid line and its dashed
 * yearly step: long dashes for end-to-end, dash-dot for paid online (the static images use the same).
 */
export const MEASURE_DASH: Record<string, number[]> = { end_to_end: [12, 4], online_payment: [12, 3, 3, 3] };

/** The monthly rate and the yearly step of a payload, then each optional measure's monthly share, as lines. */
export function trendLines(p: TrendPayload): Line[] {
  return [
    { label: p.names.monthly, data: p.monthly, partial: p.partial },
    { label: p.names.yearly, data: p.yearly, stepped: true },
    ...(p.measures ?? []).map((m): Line => ({ label: m.name, data: m.data, partial: m.partial, dash: MEASURE_DASH[m.key] ?? [2, 2] })),
  ];
}
