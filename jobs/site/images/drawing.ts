/** The drawing: Chart.js on a @napi-rs/canvas, framed with the title, summary, notes and footer of the page's chart. */
import { type Canvas, type SKRSContext2D, createCanvas } from '@napi-rs/canvas';
import { Chart, type ChartConfiguration, type Plugin } from 'chart.js';
import { type ChartImage, IMAGE_HEIGHT, IMAGE_WIDTH } from '../../../web/charts.ts';
import { type Lang, formatMonth, formatRate } from '../../../web/i18n.ts';
import type { Series } from '../../../web/model.ts';
import { MEASURE_DASH, PALETTE, partialStyle } from '../../../web/js/trend.ts';
import { MEASURE_KEYS, type MeasureKey } from '../../../web/model.ts';
import { strings } from '../../../web/strings.ts';
import { chartPayload } from '../../../web/templates/chart.ts';
import { encodePng } from '../png.ts';
import { FAMILY, font } from './fonts.ts';
import { type SvgTee, teeContext } from './svg-recorder.ts';

// The browser chart's colours and dashes (web/js/trend.ts).
const MONTHLY = '#1f4e8c';
const YEARLY = '#a33a00';
const MEASURE_COLOURS: Record<MeasureKey, string> = { end_to_end: PALETTE.light.lines[2]!, online_payment: PALETTE.light.lines[3]! };
const GRID = '#e3e7ec';
const TEXT = '#3b4249';
const INK = '#14181c';
const AXIS = '#9aa3ad';
const DEMO_BG = '#fff1c2';
const DEMO_BORDER = '#8a5a00';
const DEMO_TEXT = '#5c3b00';
export const DEMO_LABEL = 'Dữ liệu minh họa — Demo data';

const PAD_X = 48;
const TITLE_Y = 38;
const SUMMARY_Y = 102;
const NOTE_Y = 134;
const CHART_TOP = 164;
const FOOTER_H = 62;

type Ctx = SKRSContext2D;

/** The text cut with "…" so it fits in maxWidth at the current font. */
function fit(ctx: Ctx, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ctx.measureText(chars.slice(0, mid).join('').trimEnd() + '…').width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join('').trimEnd() + '…';
}

/** One line of plain text: NFC (the fonts hold precomposed Vietnamese letters), no control characters. */
function oneLine(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Title, summary, the incomplete months' note and footer, drawn around the plot that Chart.js lays out in the middle. */
function drawFrame(ctx: Ctx, image: ChartImage, note: string | null): void {
  const width = IMAGE_WIDTH - 2 * PAD_X;
  ctx.save();
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';

  // Title: 40px, or 34px when that fits it whole, else 34px cut short.
  const title = oneLine(image.title);
  ctx.fillStyle = INK;
  ctx.font = font(40, true);
  if (ctx.measureText(title).width > width) ctx.font = font(34, true);
  ctx.fillText(fit(ctx, title, width), PAD_X, TITLE_Y);

  ctx.fillStyle = TEXT;
  ctx.font = font(24);
  ctx.fillText(fit(ctx, oneLine(image.summary), width), PAD_X, SUMMARY_Y);
  if (note) {
    ctx.font = font(20, true);
    ctx.fillText(fit(ctx, oneLine(note), width), PAD_X, NOTE_Y);
  }

  // Footer: a rule, the source, and the demo label at the right.
  const footerTop = IMAGE_HEIGHT - FOOTER_H;
  ctx.fillStyle = GRID;
  ctx.fillRect(PAD_X, footerTop, width, 2);
  const middle = footerTop + FOOTER_H / 2 + 1;
  ctx.textBaseline = 'middle';
  let sourceWidth = width;
  if (image.demo) {
    ctx.font = font(20, true);
    const boxW = Math.ceil(ctx.measureText(DEMO_LABEL).width) + 24;
    const boxH = 34;
    const x = IMAGE_WIDTH - PAD_X - boxW;
    const y = middle - boxH / 2;
    ctx.fillStyle = DEMO_BG;
    ctx.fillRect(x, y, boxW, boxH);
    ctx.strokeStyle = DEMO_BORDER;
    ctx.lineWidth = 2;
    ctx.setLineDash([]);
    ctx.strokeRect(x + 1, y + 1, boxW - 2, boxH - 2);
    ctx.fillStyle = DEMO_TEXT;
    ctx.fillText(DEMO_LABEL, x + 12, middle);
    sourceWidth = width - boxW - 24;
  }
  ctx.fillStyle = TEXT;
  ctx.font = font(20);
  ctx.fillText(fit(ctx, oneLine(image.source), sourceWidth), PAD_X, middle);
  ctx.restore();
}

/** 0 to the highest rate rounded up to the next 10%, never above 100% (as the browser chart). */
function axisMax(values: Array<number | null>): number {
  let top = 0;
  for (const v of values) if (v !== null && v > top) top = v;
  return Math.min(1, Math.max(0.1, Math.ceil(top * 10 - 1e-9) / 10));
}

/** Axis ticks: "10%", or "2,5%" / "2.5%" when not a whole percent. */
function tick(value: number, lang: Lang): string {
  const pct = value * 100;
  return formatRate(value, lang, Math.abs(pct - Math.round(pct)) < 1e-6 ? 0 : 1);
}

interface Plot {
  lang: Lang;
  /** One per month; null where the x axis shows no label. */
  labels: Array<string | null>;
  monthly: Array<number | null>;
  yearly: Array<number | null>;
  partial: boolean[];
  /** Which months are incomplete, drawn under the summary. */
  note: string | null;
  names: { monthly: string; yearly: string };
  /** The optional measures' lines, by key; absent keys are not drawn. */
  measures: Partial<Record<MeasureKey, { name: string; data: Array<number | null>; partial: boolean[] }>>;
  max: number;
}

/** At most 8 labels on the x axis, on calendar boundaries: every n months, or every n years (January, shown as the year). */
function sparseLabels(periods: string[], lang: Lang): Array<string | null> {
  const steps = [1, 2, 3, 6, 12, 24, 36, 60, 120];
  const step = steps.find((s) => Math.ceil(periods.length / s) <= 8) ?? 120;
  return periods.map((period) => {
    const year = Number(period.slice(0, 4));
    const month = Number(period.slice(5, 7));
    if (step < 12) return (month - 1) % step === 0 ? formatMonth(period, lang) : null;
    return month === 1 && year % (step / 12) === 0 ? String(year) : null;
  });
}

/** The page's chart payload (web/templates/chart.ts), with the image's own sparse labels. */
function plot(series: Series, lang: Lang): Plot {
  const { monthly, yearly, partial, note, names, measures = [] } = chartPayload(series, lang);
  return {
    lang,
    labels: sparseLabels(series.monthly.map((p) => p.period), lang),
    monthly,
    yearly,
    partial,
    note,
    names,
    measures: Object.fromEntries(measures.map((m) => [m.key, m])),
    max: axisMax([...monthly, ...yearly, ...measures.flatMap((m) => m.data)]),
  };
}

/** What the chart draws now; set before each draw. */
interface Current {
  image: ChartImage | null;
  plot: Plot | null;
}

function config(current: Current): ChartConfiguration<'line', Array<number | null>, string> {
  const frame: Plugin<'line'> = {
    id: 'thuocdoFrame',
    beforeDraw(chart) {
      const ctx = chart.ctx as unknown as Ctx;
      ctx.save();
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, IMAGE_WIDTH, IMAGE_HEIGHT);
      ctx.restore();
    },
    afterDraw(chart) {
      if (current.image) drawFrame(chart.ctx as unknown as Ctx, current.image, current.plot?.note ?? null);
    },
  };
  const tickFont = { family: FAMILY, size: 18 };
  return {
    type: 'line',
    data: {
      labels: [],
      datasets: [
        { label: '', data: [], borderColor: MONTHLY, backgroundColor: MONTHLY, borderWidth: 3, pointRadius: 0, tension: 0, spanGaps: false },
        {
          label: '',
          data: [],
          borderColor: YEARLY,
          // White inside: the legend shows a dashed outline, as on the page.
          backgroundColor: '#ffffff',
          borderWidth: 3,
          borderDash: [8, 5],
          stepped: 'middle',
          pointRadius: 0,
          spanGaps: false,
        },
        // The optional measures, drawn when a series has them.
        ...MEASURE_KEYS.map((key) => ({
          label: '',
          data: [] as Array<number | null>,
          borderColor: MEASURE_COLOURS[key],
          backgroundColor: '#ffffff',
          borderWidth: 3,
          borderDash: MEASURE_DASH[key]!.map((d) => d * 1.25),
          pointRadius: 0,
          tension: 0,
          spanGaps: false,
        })),
      ],
    },
    options: {
      animation: false,
      responsive: false,
      devicePixelRatio: 1,
      events: [],
      color: TEXT,
      font: { family: FAMILY, size: 18 },
      layout: { padding: { top: CHART_TOP, bottom: FOOTER_H + 6, left: PAD_X - 8, right: PAD_X } },
      scales: {
        x: {
          grid: { display: false },
          border: { color: AXIS },
          ticks: {
            color: TEXT,
            font: tickFont,
            autoSkip: false,
            maxRotation: 0,
            callback: (_value, index) => current.plot?.labels[index] ?? null,
          },
        },
        y: {
          min: 0,
          max: 1,
          grid: { color: GRID },
          border: { display: false },
          ticks: { color: TEXT, font: tickFont, maxTicksLimit: 6, callback: (value) => tick(Number(value), current.plot?.lang ?? 'vi') },
        },
      },
      plugins: {
        legend: {
          position: 'bottom',
          // A line with no data (a measure this series lacks) has no legend entry.
          labels: { color: TEXT, font: tickFont, boxWidth: 40, boxHeight: 12, padding: 16, filter: (item, data) => data.datasets[item.datasetIndex ?? 0]?.data.some((v) => v !== null) ?? false },
        },
        tooltip: { enabled: false },
        title: { display: false },
      },
    },
    plugins: [frame],
  };
}

/** One Chart.js chart on one canvas, redrawn for each image; the recorder gives its SVG. */
export class Renderer {
  private readonly current: Current = { image: null, plot: null };
  private readonly canvas: Canvas;
  private readonly tee: SvgTee;
  private readonly chart: Chart<'line', Array<number | null>, string>;

  constructor() {
    this.canvas = createCanvas(IMAGE_WIDTH, IMAGE_HEIGHT);
    // Chart.js sees a canvas-like object whose context is the recorder.
    const host = { width: IMAGE_WIDTH, height: IMAGE_HEIGHT, getContext: () => ctx };
    const { tee, ctx } = teeContext(this.canvas.getContext('2d'), host);
    this.tee = tee;
    this.chart = new Chart(host as unknown as HTMLCanvasElement, config(this.current));
  }

  draw(image: ChartImage): { png: Buffer; svg: Buffer } {
    const p = plot(image.series, image.lang);
    this.current.image = image;
    this.current.plot = p;
    const chart = this.chart;
    chart.data.labels = p.labels.map((l) => l ?? '');
    const [monthly, yearly] = chart.data.datasets;
    monthly!.data = p.monthly;
    monthly!.label = p.names.monthly;
    Object.assign(monthly!, partialStyle(p.partial, '#ffffff'));
    yearly!.data = p.yearly;
    yearly!.label = p.names.yearly;
    MEASURE_KEYS.forEach((key, i) => {
      const dataset = chart.data.datasets[2 + i]!;
      const line = p.measures[key];
      dataset.data = line?.data ?? [];
      dataset.label = line?.name ?? '';
      Object.assign(dataset, partialStyle(line?.partial, '#ffffff'));
    });
    chart.options.scales!.y!.max = p.max;
    // No legend for a chart without a line.
    chart.options.plugins!.legend!.display = p.monthly.some((v) => v !== null);
    chart.update('none');
    return {
      // data() is a view of the canvas's own pixels (getImageData copies them into memory
      // that is never freed), read before the next draw.
      png: encodePng(this.canvas.data(), IMAGE_WIDTH, IMAGE_HEIGHT),
      svg: Buffer.from(this.tee.svg(`${oneLine(image.title)}. ${oneLine(image.summary)}`)),
    };
  }

  destroy(): void {
    this.chart.destroy();
  }
}
