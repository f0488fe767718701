/**
 * Static images of every site chart, drawn at build time with Chart.js on @napi-rs/canvas:
 * a 1200×630 PNG (social cards, downloads, the no-script fallback) and an SVG of the same
 * drawing.
 *
 * Speed: one chart on one canvas is redrawn for every image. Its 2D context is wrapped in a
 * recorder (SvgTee) that passes every call on to the canvas and writes the same drawing as
 * SVG elements, so a single Chart.js layout and draw gives both files. (Skia's own SVG canvas
 * needs a chart of its own per image, takes longer than the PNG, and writes either text as
 * glyph outlines of ~250 kB or text in a font family no viewer has.) Worker threads
 * draw alongside this one (see drawAll). Each image's input is hashed into
 * /images/manifest.json; a build given the live build's folder hard-links every image whose
 * hash is unchanged instead of drawing it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, Worker, isMainThread, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { type Canvas, GlobalFonts, type SKRSContext2D, createCanvas } from '@napi-rs/canvas';
import { Chart, type ChartConfiguration, type Plugin, registerables } from 'chart.js';
import { type ChartImage, IMAGE_HEIGHT, IMAGE_WIDTH, chartImagePaths } from '../../web/charts.ts';
import { type Lang, formatMonth, formatRate } from '../../web/i18n.ts';
import type { Series } from '../../web/model.ts';
import { partialStyle } from '../../web/js/trend.ts';
import { strings } from '../../web/strings.ts';
import { chartPayload } from '../../web/templates/chart.ts';
import { encodePng } from './png.ts';
import { typescriptWorkerSource } from '../../db/typescript-worker.ts';
import { SIBLINGS } from '../../lib/compressed-files.ts';
import { linkWithSiblings, safeJoin, writeFile } from './sink.ts';

/** Bump when the drawing changes, so a build redraws every image instead of linking the old ones. */
const RENDER_VERSION = 3;
const MANIFEST = '/images/manifest.json';

// The browser chart's colours (web/js/charts.ts).
const MONTHLY = '#1f4e8c';
const YEARLY = '#a33a00';
const GRID = '#e3e7ec';
const TEXT = '#3b4249';
const INK = '#14181c';
const AXIS = '#9aa3ad';
const DEMO_BG = '#fff1c2';
const DEMO_BORDER = '#8a5a00';
const DEMO_TEXT = '#5c3b00';
export const DEMO_LABEL = 'Dữ liệu minh họa — Demo data';

/**
 * Noto Sans (SIL OFL 1.1) from @fontsource/noto-sans. Fontsource splits it by script, so the
 * Latin and the Vietnamese subsets are registered as two families and every font string names
 * both: each glyph comes from whichever holds it, never from a system font.
 */
const FAMILY = '"Thuoc Do Sans", "Thuoc Do Sans VI"';
/** In the SVG: the same face where the viewer has it, else a common sans-serif. */
const SVG_FAMILY = "'Noto Sans', 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

let ready = false;
function setUp(): void {
  if (ready) return;
  const require = createRequire(import.meta.url);
  // Worker threads share the process's font collection when the main thread has filled it.
  const registered = GlobalFonts.has('Thuoc Do Sans') && GlobalFonts.has('Thuoc Do Sans VI');
  for (const weight of registered ? [] : [400, 700]) {
    for (const [subset, alias] of [
      ['latin', 'Thuoc Do Sans'],
      ['vietnamese', 'Thuoc Do Sans VI'],
    ] as const) {
      const path = require.resolve(`@fontsource/noto-sans/files/noto-sans-${subset}-${weight}-normal.woff2`);
      if (!GlobalFonts.registerFromPath(path, alias)) throw new Error(`could not load the font ${path}`);
    }
  }
  Chart.register(...registerables);
  ready = true;
}

const font = (px: number, bold = false) => `${bold ? 'bold ' : ''}${px}px ${FAMILY}`;

// Layout, in pixels of the 1200×630 image.
const PAD_X = 48;
const TITLE_Y = 38;
const SUMMARY_Y = 102;
const NOTE_Y = 134;
const CHART_TOP = 164;
const FOOTER_H = 62;

type Ctx = SKRSContext2D;

// ---------------------------------------------------------------------------------------------
// The SVG recorder

type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

interface State {
  matrix: Matrix;
  fill: string;
  stroke: string;
  lineWidth: number;
  lineCap: string;
  lineJoin: string;
  miterLimit: number;
  dash: number[];
  dashOffset: number;
  alpha: number;
  font: string;
  textAlign: string;
  textBaseline: string;
  clip: string | null;
}

const n = (v: number) => String(Math.round(v * 100) / 100);

/** Text safe inside XML: no markup, no characters XML forbids. */
function xmlText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Canvas colours as SVG paint: rgba() becomes a colour and an opacity, for older SVG viewers. */
function paint(color: string, attr: 'fill' | 'stroke', alpha: number): string {
  let c = color;
  let a = alpha;
  const m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i.exec(color);
  if (m) {
    c = `rgb(${m[1]},${m[2]},${m[3]})`;
    if (m[4] !== undefined) a *= m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
  }
  if (c === 'transparent') return `${attr}="none"`;
  return `${attr}="${xmlText(c)}"${a < 1 ? ` ${attr}-opacity="${n(a)}"` : ''}`;
}

/**
 * A 2D context that draws on the canvas and records the same drawing as SVG: the calls
 * Chart.js and this module make (paths, rects, text, clips, dashes, transforms). Anything
 * else goes to the canvas alone through the Proxy in `teeContext`.
 */
class SvgTee {
  private state: State;
  private stack: State[] = [];
  private path = '';
  private parts: string[] = [];
  private defs: string[] = [];
  private clips = 0;

  constructor(
    private readonly real: Ctx,
    readonly canvas: { width: number; height: number },
  ) {
    this.state = SvgTee.initial();
  }

  private static initial(): State {
    return {
      matrix: [...IDENTITY],
      fill: '#000000',
      stroke: '#000000',
      lineWidth: 1,
      lineCap: 'butt',
      lineJoin: 'miter',
      miterLimit: 10,
      dash: [],
      dashOffset: 0,
      alpha: 1,
      font: '10px sans-serif',
      textAlign: 'start',
      textBaseline: 'alphabetic',
      clip: null,
    };
  }

  /** The SVG of everything drawn since the last full clear. */
  svg(title: string): string {
    const { width, height } = this.canvas;
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="${SVG_FAMILY.replace(/"/g, '&quot;')}">` +
      `<title>${xmlText(title)}</title>` +
      (this.defs.length ? `<defs>${this.defs.join('')}</defs>` : '') +
      this.parts.join('') +
      '</svg>\n'
    );
  }

  // State

  get fillStyle(): string {
    return this.state.fill;
  }
  set fillStyle(v: string) {
    this.real.fillStyle = v;
    this.state.fill = String(v);
  }
  get strokeStyle(): string {
    return this.state.stroke;
  }
  set strokeStyle(v: string) {
    this.real.strokeStyle = v;
    this.state.stroke = String(v);
  }
  get lineWidth(): number {
    return this.state.lineWidth;
  }
  set lineWidth(v: number) {
    this.real.lineWidth = v;
    if (Number.isFinite(v) && v > 0) this.state.lineWidth = v;
  }
  get lineCap(): CanvasLineCap {
    return this.state.lineCap as CanvasLineCap;
  }
  set lineCap(v: CanvasLineCap) {
    this.real.lineCap = v;
    this.state.lineCap = v;
  }
  get lineJoin(): CanvasLineJoin {
    return this.state.lineJoin as CanvasLineJoin;
  }
  set lineJoin(v: CanvasLineJoin) {
    this.real.lineJoin = v;
    this.state.lineJoin = v;
  }
  get miterLimit(): number {
    return this.state.miterLimit;
  }
  set miterLimit(v: number) {
    this.real.miterLimit = v;
    this.state.miterLimit = v;
  }
  get lineDashOffset(): number {
    return this.state.dashOffset;
  }
  set lineDashOffset(v: number) {
    this.real.lineDashOffset = v;
    this.state.dashOffset = Number(v) || 0;
  }
  get globalAlpha(): number {
    return this.state.alpha;
  }
  set globalAlpha(v: number) {
    this.real.globalAlpha = v;
    if (v >= 0 && v <= 1) this.state.alpha = v;
  }
  get font(): string {
    return this.state.font;
  }
  set font(v: string) {
    this.real.font = v;
    this.state.font = v;
  }
  get textAlign(): CanvasTextAlign {
    return this.state.textAlign as CanvasTextAlign;
  }
  set textAlign(v: CanvasTextAlign) {
    this.real.textAlign = v;
    this.state.textAlign = v;
  }
  get textBaseline(): CanvasTextBaseline {
    return this.state.textBaseline as CanvasTextBaseline;
  }
  set textBaseline(v: CanvasTextBaseline) {
    this.real.textBaseline = v;
    this.state.textBaseline = v;
  }
  setLineDash(segments: number[]): void {
    this.real.setLineDash(segments);
    this.state.dash = segments.filter((s) => Number.isFinite(s) && s >= 0);
  }
  getLineDash(): number[] {
    return [...this.state.dash];
  }
  save(): void {
    this.real.save();
    this.stack.push({ ...this.state, matrix: [...this.state.matrix] as Matrix, dash: [...this.state.dash] });
  }
  restore(): void {
    this.real.restore();
    const s = this.stack.pop();
    if (s) this.state = s;
  }

  // Transforms

  private multiply(m: Matrix): void {
    const [a, b, c, d, e, f] = this.state.matrix;
    const [a2, b2, c2, d2, e2, f2] = m;
    this.state.matrix = [a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2, a * e2 + c * f2 + e, b * e2 + d * f2 + f];
  }
  translate(x: number, y: number): void {
    this.real.translate(x, y);
    this.multiply([1, 0, 0, 1, x, y]);
  }
  rotate(angle: number): void {
    this.real.rotate(angle);
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    this.multiply([cos, sin, -sin, cos, 0, 0]);
  }
  scale(x: number, y: number): void {
    this.real.scale(x, y);
    this.multiply([x, 0, 0, y, 0, 0]);
  }
  setTransform(a: number | DOMMatrix2DInit = 1, b = 0, c = 0, d = 1, e = 0, f = 0): void {
    if (typeof a === 'object') throw new Error('setTransform(matrix) is not recorded');
    this.real.setTransform(a, b, c, d, e, f);
    this.state.matrix = [a, b, c, d, e, f];
  }
  resetTransform(): void {
    this.real.resetTransform();
    this.state.matrix = [...IDENTITY];
  }

  private pt(x: number, y: number): string {
    const [a, b, c, d, e, f] = this.state.matrix;
    return `${n(a * x + c * y + e)} ${n(b * x + d * y + f)}`;
  }
  private get scaleFactor(): number {
    const [a, b, c, d] = this.state.matrix;
    return Math.sqrt(Math.abs(a * d - b * c));
  }

  // Paths

  beginPath(): void {
    this.real.beginPath();
    this.path = '';
  }
  moveTo(x: number, y: number): void {
    this.real.moveTo(x, y);
    this.path += `M${this.pt(x, y)}`;
  }
  lineTo(x: number, y: number): void {
    this.real.lineTo(x, y);
    this.path += `${this.path ? 'L' : 'M'}${this.pt(x, y)}`;
  }
  closePath(): void {
    this.real.closePath();
    if (this.path) this.path += 'Z';
  }
  quadraticCurveTo(cpx: number, cpy: number, x: number, y: number): void {
    this.real.quadraticCurveTo(cpx, cpy, x, y);
    this.path += `Q${this.pt(cpx, cpy)} ${this.pt(x, y)}`;
  }
  bezierCurveTo(c1x: number, c1y: number, c2x: number, c2y: number, x: number, y: number): void {
    this.real.bezierCurveTo(c1x, c1y, c2x, c2y, x, y);
    this.path += `C${this.pt(c1x, c1y)} ${this.pt(c2x, c2y)} ${this.pt(x, y)}`;
  }
  rect(x: number, y: number, w: number, h: number): void {
    this.real.rect(x, y, w, h);
    this.path += SvgTee.rectPath(this, x, y, w, h);
  }
  private static rectPath(t: SvgTee, x: number, y: number, w: number, h: number): string {
    return `M${t.pt(x, y)}L${t.pt(x + w, y)}L${t.pt(x + w, y + h)}L${t.pt(x, y + h)}Z`;
  }
  arc(x: number, y: number, r: number, start: number, end: number, ccw = false): void {
    this.real.arc(x, y, r, start, end, ccw);
    let sweep = ccw ? start - end : end - start;
    const full = sweep >= 2 * Math.PI - 1e-9;
    sweep = full ? 2 * Math.PI : ((sweep % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
    const at = (a: number) => this.pt(x + r * Math.cos(a), y + r * Math.sin(a));
    const rr = n(r * this.scaleFactor);
    const flag = ccw ? 0 : 1;
    this.path += `${this.path ? 'L' : 'M'}${at(start)}`;
    if (full) {
      const mid = start + (ccw ? -Math.PI : Math.PI);
      this.path += `A${rr} ${rr} 0 1 ${flag} ${at(mid)}A${rr} ${rr} 0 1 ${flag} ${at(start)}`;
    } else if (sweep > 0) {
      this.path += `A${rr} ${rr} 0 ${sweep > Math.PI ? 1 : 0} ${flag} ${at(ccw ? start - sweep : start + sweep)}`;
    }
  }

  private clipAttr(): string {
    return this.state.clip ? ` clip-path="url(#${this.state.clip})"` : '';
  }
  private strokeAttrs(): string {
    const s = this.state;
    const k = this.scaleFactor;
    let out = `${paint(s.stroke, 'stroke', s.alpha)} stroke-width="${n(s.lineWidth * k)}"`;
    if (s.lineCap !== 'butt') out += ` stroke-linecap="${s.lineCap}"`;
    if (s.lineJoin !== 'miter') out += ` stroke-linejoin="${s.lineJoin}"`;
    if (s.dash.length) out += ` stroke-dasharray="${s.dash.map((v) => n(v * k)).join(' ')}"`;
    if (s.dash.length && s.dashOffset) out += ` stroke-dashoffset="${n(s.dashOffset * k)}"`;
    return out;
  }

  fill(): void {
    this.real.fill();
    if (this.path) this.parts.push(`<path d="${this.path}" ${paint(this.state.fill, 'fill', this.state.alpha)}${this.clipAttr()}/>`);
  }
  stroke(): void {
    this.real.stroke();
    if (this.path) this.parts.push(`<path d="${this.path}" fill="none" ${this.strokeAttrs()}${this.clipAttr()}/>`);
  }
  clip(): void {
    this.real.clip();
    const id = `c${++this.clips}`;
    const parent = this.state.clip ? ` clip-path="url(#${this.state.clip})"` : '';
    this.defs.push(`<clipPath id="${id}"${parent}><path d="${this.path || 'M0 0'}"/></clipPath>`);
    this.state.clip = id;
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    this.real.fillRect(x, y, w, h);
    this.parts.push(`<path d="${SvgTee.rectPath(this, x, y, w, h)}" ${paint(this.state.fill, 'fill', this.state.alpha)}${this.clipAttr()}/>`);
  }
  strokeRect(x: number, y: number, w: number, h: number): void {
    this.real.strokeRect(x, y, w, h);
    this.parts.push(`<path d="${SvgTee.rectPath(this, x, y, w, h)}" fill="none" ${this.strokeAttrs()}${this.clipAttr()}/>`);
  }
  clearRect(x: number, y: number, w: number, h: number): void {
    this.real.clearRect(x, y, w, h);
    const [a, b, c, d, e, f] = this.state.matrix;
    const whole = a === 1 && b === 0 && c === 0 && d === 1 && x + e <= 0 && y + f <= 0 && x + e + w >= this.canvas.width && y + f + h >= this.canvas.height;
    if (whole) {
      this.parts = [];
      this.defs = [];
      this.clips = 0;
    }
  }

  // Text

  measureText(text: string): TextMetrics {
    return this.real.measureText(text) as unknown as TextMetrics;
  }
  fillText(text: string, x: number, y: number, maxWidth?: number): void {
    if (maxWidth === undefined) this.real.fillText(text, x, y);
    else this.real.fillText(text, x, y, maxWidth);
    const s = this.state;
    const m = /(?:^|\s)(bold|bolder|[5-9]00)\s/.exec(s.font);
    const size = /(\d+(?:\.\d+)?)px/.exec(s.font);
    const metrics = this.real.measureText(text);
    // To the alphabetic baseline, which every SVG viewer places alike.
    const lift = s.textBaseline === 'alphabetic' ? 0 : metrics.alphabeticBaseline;
    // The width drawn here, so a viewer without Noto Sans squeezes its font to fit rather than overflow.
    const length = Math.min(metrics.width, maxWidth ?? Infinity);
    const anchor = s.textAlign === 'center' ? 'middle' : s.textAlign === 'right' || s.textAlign === 'end' ? 'end' : 'start';
    const [a, b, c, d, e, f] = s.matrix;
    const plain = b === 0 && c === 0 && a === d && a > 0;
    const where = plain ? `x="${n(a * x + e)}" y="${n(d * (y - lift) + f)}"` : `x="${n(x)}" y="${n(y - lift)}" transform="matrix(${s.matrix.map(n).join(' ')})"`;
    const px = size ? Number(size[1]) * (plain ? a : 1) : 10;
    this.parts.push(
      // Unclipped: a viewer without Noto Sans draws slightly wider text, which a clip would cut.
      `<text ${where} font-size="${n(px)}"${length > 0 ? ` textLength="${n(length)}" lengthAdjust="spacingAndGlyphs"` : ''}${m ? ' font-weight="bold"' : ''}${anchor !== 'start' ? ` text-anchor="${anchor}"` : ''} ${paint(s.fill, 'fill', s.alpha)}>${xmlText(text)}</text>`,
    );
  }
}

/** The recorder, with any other property or method passed through to the canvas context. */
function teeContext(real: Ctx, canvas: { width: number; height: number }): { tee: SvgTee; ctx: Ctx } {
  const tee = new SvgTee(real, canvas);
  const ctx = new Proxy(tee, {
    get(target, prop) {
      if (prop in target) {
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      }
      const v: unknown = Reflect.get(real, prop);
      return typeof v === 'function' ? v.bind(real) : v;
    },
    set(target, prop, value) {
      if (prop in target) return Reflect.set(target, prop, value, target);
      if (prop in real) return Reflect.set(real, prop, value);
      return Reflect.set(target, prop, value, target);
    },
  }) as unknown as Ctx;
  return { tee, ctx };
}

// ---------------------------------------------------------------------------------------------
// The drawing

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
  const { monthly, yearly, partial, note, names } = chartPayload(series, lang);
  return { lang, labels: sparseLabels(series.monthly.map((p) => p.period), lang), monthly, yearly, partial, note, names, max: axisMax([...monthly, ...yearly]) };
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
        legend: { position: 'bottom', labels: { color: TEXT, font: tickFont, boxWidth: 40, boxHeight: 12, padding: 16 } },
        tooltip: { enabled: false },
        title: { display: false },
      },
    },
    plugins: [frame],
  };
}

/** One Chart.js chart on one canvas, redrawn for each image; the recorder gives its SVG. */
class Renderer {
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

// ---------------------------------------------------------------------------------------------
// Files

function imageHash(image: ChartImage): string {
  return createHash('sha256').update(`thuocdo-image-v${RENDER_VERSION}\n`).update(JSON.stringify(image)).digest('base64url').slice(0, 22);
}

/** "/images/vi/national.png" → the file under siteDir, every part a plain name. */
function sitePath(siteDir: string, path: string): string {
  return safeJoin(siteDir, ...path.split('/').filter((p) => p !== ''));
}

export interface Manifest {
  version: number;
  /** Image path → hash of the ChartImage it was drawn from. */
  images: Record<string, string>;
}

function readManifest(dir: string): Record<string, string> {
  try {
    const m = JSON.parse(readFileSync(sitePath(dir, MANIFEST), 'utf8')) as Partial<Manifest> | null;
    return m && typeof m.images === 'object' && m.images !== null ? m.images : {};
  } catch {
    return {};
  }
}

/** Links both files of an image from the previous build; false (leaving nothing behind) if it cannot. */
function reuse(previousDir: string, siteDir: string, paths: string[]): boolean {
  const done: string[] = [];
  try {
    for (const p of paths) {
      const from = sitePath(previousDir, p);
      const to = sitePath(siteDir, p);
      if (!existsSync(from)) return false;
      // The SVG's compressed siblings come along.
      linkWithSiblings(from, to);
      done.push(to);
    }
    return true;
  } catch {
    return false;
  } finally {
    if (done.length !== paths.length) for (const to of done) for (const ext of ['', ...Object.values(SIBLINGS)]) rmSync(to + ext, { force: true });
  }
}

function writeImage(siteDir: string, renderer: Renderer, image: ChartImage): void {
  const { png, svg } = chartImagePaths(image.ref, image.lang);
  const out = renderer.draw(image);
  writeFile(sitePath(siteDir, png), out.png);
  writeFile(sitePath(siteDir, svg), out.svg);
}

// ---------------------------------------------------------------------------------------------
// Threads
//
// The build is synchronous, so the other cores are used by worker threads that take images
// from a shared counter while this thread draws too, and this thread waits on the counters
// with Atomics.wait. A worker that cannot start (it loads this TypeScript file through tsx)
// never takes an image, so this thread simply draws them all.

/** Slots of the shared Int32Array. */
const NEXT = 0;
const PENDING = 1;
const FAILED = 2;
const DONE = 3;
/** Set to make the threads of a background drawing finish the image in hand and quit. */
const STOPPED = 4;
const SLOTS = 5;
/** Below this many images a worker's start-up (~0.3 s) costs more than it saves. */
const MIN_PARALLEL = 24;
/** A worker that draws nothing for this long is taken to have died. */
const STALL_MS = 120_000;

interface WorkerJob {
  siteDir: string;
  images: ChartImage[];
  state: SharedArrayBuffer;
  port: MessagePort;
}

function isWorkerJob(data: unknown): data is { thuocdoImages: WorkerJob } {
  return typeof data === 'object' && data !== null && 'thuocdoImages' in data;
}

/** Takes images until none are left; on an error, stops everyone and reports it on the port. */
function drawShare(job: Omit<WorkerJob, 'port'>, onError: (err: unknown) => void): void {
  const state = new Int32Array(job.state);
  let renderer: Renderer | null = null;
  try {
    for (;;) {
      // Counted as pending before taking an index, so the waiting thread never misses it.
      Atomics.add(state, PENDING, 1);
      try {
        const i = Atomics.add(state, NEXT, 1);
        if (i >= job.images.length || Atomics.load(state, FAILED) || Atomics.load(state, STOPPED)) break;
        if (!renderer) {
          setUp();
          renderer = new Renderer();
        }
        writeImage(job.siteDir, renderer, job.images[i]!);
        Atomics.add(state, DONE, 1);
      } catch (err) {
        onError(err);
        Atomics.store(state, FAILED, 1);
        Atomics.store(state, NEXT, job.images.length);
        break;
      } finally {
        Atomics.sub(state, PENDING, 1);
        Atomics.notify(state, PENDING);
      }
    }
  } finally {
    renderer?.destroy();
  }
}

if (!isMainThread && isWorkerJob(workerData)) {
  const job = workerData.thuocdoImages;
  drawShare(job, (err) => job.port.postMessage({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
  job.port.close();
}

/** Worker code: loads this module, whose last lines above do the work. */
const bootstrap = () =>
  typescriptWorkerSource(import.meta.url, "require('node:worker_threads').workerData.thuocdoImages.port.postMessage({ warning: String(err) })");

function imageWorker(code: string, job: Omit<WorkerJob, 'port'>): { worker: Worker; port: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(code, { eval: true, execArgv: [], workerData: { thuocdoImages: { ...job, port: port2 } }, transferList: [port2] });
  // Failures that matter come through the port or show as a stall; an 'error' event
  // arriving after the drawing is over must not bring the process down.
  worker.on('error', () => {});
  worker.unref();
  return { worker, port: port1 };
}

/** A worker's report: an error fails the drawing, a warning (it could not start) is logged. */
function workerReport(message: { error?: string; warning?: string }): Error | null {
  if (message.warning) console.warn(`Thước đo: an image worker did not start: ${message.warning}`);
  return message.error ? new Error(`image worker: ${message.error}`) : null;
}

const defaultThreads = () => Math.min(4, availableParallelism());

/**
 * Draws images on worker threads while this thread stays free for other work (a redraw between
 * builds). `stop()` ends the threads, even mid-image (the caller drops the folder). `done`
 * resolves true when every image is drawn, false when stopped first; it rejects on an error.
 * If no worker could start, this thread draws what is left, at once.
 */
export function drawInBackground(siteDir: string, images: ChartImage[], threads = defaultThreads()): { done: Promise<boolean>; stop: () => void } {
  const state = new Int32Array(new SharedArrayBuffer(4 * SLOTS));
  const job = { siteDir, images, state: state.buffer as SharedArrayBuffer };
  const workers: Worker[] = [];
  if (images.length === 0) return { done: Promise.resolve(true), stop: () => {} };
  setUp();
  const done = new Promise<boolean>((resolve, reject) => {
    let running = 0;
    let failure: Error | null = null;
    const settle = () => {
      if (running > 0) return;
      if (!failure && !Atomics.load(state, STOPPED) && Atomics.load(state, DONE) < images.length) drawShare(job, (err) => (failure = err as Error));
      if (failure) reject(failure);
      else resolve(Atomics.load(state, DONE) >= images.length);
    };
    try {
      const code = bootstrap();
      for (let t = 0; t < threads; t++) {
        const { worker, port } = imageWorker(code, job);
        workers.push(worker);
        running++;
        port.on('message', (m: { error?: string; warning?: string }) => (failure ??= workerReport(m)));
        worker.on('exit', () => {
          port.close();
          running--;
          settle();
        });
      }
    } catch {
      // No threads here: settle() draws on this thread.
    }
    settle();
  });
  const stop = () => {
    Atomics.store(state, STOPPED, 1);
    // A thread may still be starting (seconds of module loading): no need to wait for it.
    for (const worker of workers) void worker.terminate();
  };
  return { done, stop };
}

function drawAll(siteDir: string, images: ChartImage[], threads: number): void {
  const state = new Int32Array(new SharedArrayBuffer(4 * SLOTS));
  const job = { siteDir, images, state: state.buffer as SharedArrayBuffer };
  const workers: Array<{ worker: Worker; port: MessagePort }> = [];
  let failure: unknown = null;
  setUp();
  try {
    const code = threads > 1 && images.length >= MIN_PARALLEL ? bootstrap() : null;
    for (let t = 1; code && t < threads; t++) {
      workers.push(imageWorker(code, job));
    }
  } catch {
    // No threads here: this one draws everything.
  }
  drawShare(job, (err) => (failure = err));
  // Wait for images the workers are still drawing.
  let done = Atomics.load(state, DONE);
  let since = performance.now();
  for (let pending = Atomics.load(state, PENDING); pending > 0; pending = Atomics.load(state, PENDING)) {
    Atomics.wait(state, PENDING, pending, 1000);
    const now = Atomics.load(state, DONE);
    if (now !== done) [done, since] = [now, performance.now()];
    else if (performance.now() - since > STALL_MS) {
      failure ??= new Error('an image worker stopped drawing');
      break;
    }
  }
  for (const { worker, port } of workers) {
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) failure ??= workerReport(m.message as { error?: string; warning?: string });
    port.close();
    void worker.terminate();
  }
  if (failure) throw failure;
}

export interface ImageOptions {
  /** The live build's folder: images whose input is unchanged are hard-linked from it. */
  reuseFrom: string | null;
  /**
   * Links the previous version of a changed image instead of drawing it, and keeps its old hash
   * in the manifest so that the next build draws it: a quick build publishes new numbers first.
   */
  linkStale?: boolean;
  /** Threads drawing at once, this one included; by default one per core, at most 4. */
  threads?: number;
}

/** A build's images: linked from the live build where they can be, the rest still to draw. */
export interface ImagePlan {
  siteDir: string;
  /** Image path → hash of the ChartImage it shows, for the manifest. */
  hashes: Record<string, string>;
  toDraw: ChartImage[];
  reused: number;
  stale: number;
}

/** Links every image that can be reused (or, with linkStale, shown stale) into siteDir and lists the rest. */
export function planChartImages(siteDir: string, images: ChartImage[], options: Omit<ImageOptions, 'threads'>): ImagePlan {
  const previous = options.reuseFrom ? readManifest(options.reuseFrom) : {};
  const plan: ImagePlan = { siteDir, hashes: {}, toDraw: [], reused: 0, stale: 0 };
  const { hashes } = plan;
  for (const image of images) {
    const { png, svg } = chartImagePaths(image.ref, image.lang);
    if (hashes[png] !== undefined) throw new Error(`two images for ${png}`);
    const hash = imageHash(image);
    const before = previous[png];
    hashes[png] = hash;
    hashes[svg] = hash;
    const linked = options.reuseFrom !== null && before !== undefined && before === previous[svg] && (before === hash || options.linkStale) && reuse(options.reuseFrom, siteDir, [png, svg]);
    if (!linked) plan.toDraw.push(image);
    else if (before === hash) plan.reused++;
    else {
      plan.stale++;
      hashes[png] = hashes[svg] = before!;
    }
  }
  return plan;
}

/** Writes /images/manifest.json, with the hash of each image's input: once every image is in place. */
export function writeImageManifest(siteDir: string, hashes: Record<string, string>): void {
  const manifest: Manifest = { version: RENDER_VERSION, images: hashes };
  writeFile(sitePath(siteDir, MANIFEST), JSON.stringify(manifest) + '\n');
}

export interface DrawnImages {
  hashes: Record<string, string>;
  rendered: number;
  reused: number;
  stale: number;
}

/**
 * Writes a PNG and an SVG of every chart under siteDir (at chartImagePaths), but not the
 * manifest: a build's images come from both of its threads (writeImageManifest joins them).
 */
export function drawChartImages(siteDir: string, images: ChartImage[], options: ImageOptions): DrawnImages {
  const plan = planChartImages(siteDir, images, options);
  if (plan.toDraw.length > 0) drawAll(siteDir, plan.toDraw, options.threads ?? defaultThreads());
  return { hashes: plan.hashes, rendered: plan.toDraw.length, reused: plan.reused, stale: plan.stale };
}

/** drawChartImages, then the manifest. */
export function renderChartImages(siteDir: string, images: ChartImage[], options: ImageOptions): Omit<DrawnImages, 'hashes'> {
  const { hashes, ...counts } = drawChartImages(siteDir, images, options);
  writeImageManifest(siteDir, hashes);
  return counts;
}
