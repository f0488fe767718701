/**
 * Chart pages: draws each figure.chart from its JSON payload with Chart.js (loaded before
 * this script as a global). The table under the chart always holds the same numbers; once
 * the chart is drawn it is folded away, and if anything fails it simply stays open.
 */

export {};

/** The payload written by web/templates/chart.ts (ChartPayload); rates are fractions 0..1. */
interface ChartPayload {
  lang: 'vi' | 'en';
  labels: string[];
  monthly: Array<number | null>;
  yearly: Array<number | null>;
  names: { monthly: string; yearly: string };
}

interface ChartInstance {
  destroy(): void;
}

/** The few parts of Chart.js this script uses. */
interface ChartGlobal {
  new (canvas: HTMLCanvasElement, config: unknown): ChartInstance;
  defaults: { font: { family: string }; color: string };
}

declare const Chart: ChartGlobal | undefined;

const FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, "Liberation Sans", sans-serif';
const MONTHLY = '#1f4e8c';
const YEARLY = '#a33a00';
const GRID = '#e3e7ec';
const TEXT = '#3b4249';

function isRates(v: unknown, length: number): v is Array<number | null> {
  return Array.isArray(v) && v.length === length && v.every((x) => x === null || (typeof x === 'number' && Number.isFinite(x)));
}

function readPayload(figure: HTMLElement): ChartPayload | null {
  const text = figure.querySelector('script.chart-data')?.textContent;
  if (!text) return null;
  const p = JSON.parse(text) as Partial<ChartPayload>;
  if (!Array.isArray(p.labels) || !p.names) return null;
  const n = p.labels.length;
  if (n === 0 || !isRates(p.monthly, n) || !isRates(p.yearly, n)) return null;
  return { lang: p.lang === 'en' ? 'en' : 'vi', labels: p.labels.map(String), monthly: p.monthly, yearly: p.yearly, names: p.names };
}

/** 0 to the highest rate rounded up to the next 10%, never above 100%. */
function axisMax(p: ChartPayload): number {
  let top = 0;
  for (const v of [...p.monthly, ...p.yearly]) if (v !== null && v > top) top = v;
  return Math.min(1, Math.max(0.1, Math.ceil(top * 10 - 1e-9) / 10));
}

function draw(figure: HTMLElement, ChartJs: ChartGlobal): void {
  const box = figure.querySelector<HTMLElement>('.chart-box');
  const canvas = box?.querySelector('canvas');
  if (!box || !canvas) return;
  const p = readPayload(figure);
  if (!p) return;

  const percent = new Intl.NumberFormat(p.lang, { style: 'percent', maximumFractionDigits: 1 });
  const fmt = (v: unknown) => (typeof v === 'number' ? percent.format(v) : '—');

  box.hidden = false;
  let chart: ChartInstance | null = null;
  try {
    chart = new ChartJs(canvas, {
      type: 'line',
      data: {
        labels: p.labels,
        datasets: [
          {
            label: p.names.monthly,
            data: p.monthly,
            borderColor: MONTHLY,
            backgroundColor: MONTHLY,
            borderWidth: 2,
            pointRadius: 0,
            pointHoverRadius: 4,
            tension: 0,
            spanGaps: false,
          },
          {
            label: p.names.yearly,
            data: p.yearly,
            borderColor: YEARLY,
            // White inside: the legend shows a dashed outline and hover points a ring, not another solid swatch.
            backgroundColor: '#ffffff',
            borderWidth: 2,
            borderDash: [6, 4],
            stepped: 'after',
            pointRadius: 0,
            pointHoverRadius: 4,
            spanGaps: false,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: {
            grid: { display: false },
            ticks: { autoSkip: true, maxRotation: 0, autoSkipPadding: 12 },
          },
          y: {
            min: 0,
            max: axisMax(p),
            grid: { color: GRID },
            ticks: { callback: (value: unknown) => fmt(value) },
          },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 32, boxHeight: 10 } },
          tooltip: {
            callbacks: {
              label: (item: { dataset: { label?: string }; parsed: { y: unknown } }) => `${item.dataset.label ?? ''}: ${fmt(item.parsed.y)}`,
            },
          },
        },
      },
    });
  } catch (err) {
    try {
      chart?.destroy();
    } catch {
      /* nothing more to undo */
    }
    box.hidden = true;
    throw err;
  }

  // The chart now shows the numbers; the table stays one click away.
  const details = figure.querySelector('details.chart-table');
  if (details instanceof HTMLDetailsElement) details.open = false;
}

function drawAll(): void {
  if (typeof Chart === 'undefined') return;
  const ChartJs = Chart;
  ChartJs.defaults.font.family = FONT;
  ChartJs.defaults.color = TEXT;
  document.querySelectorAll<HTMLElement>('figure.chart').forEach((figure) => {
    try {
      draw(figure, ChartJs);
    } catch (err) {
      // The table is still open and complete; leave a trace for whoever maintains the site.
      console.error('Thước đo: chart not drawn', figure.id, err);
    }
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', drawAll);
else drawAll();
