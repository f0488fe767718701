/**
 * The SVG recorder: a 2D context wrapper that passes every call on to the canvas and writes the
 * same drawing as SVG elements, so one Chart.js layout and draw gives both the PNG and the SVG.
 */
import type { SKRSContext2D } from '@napi-rs/canvas';
import { SVG_FAMILY } from './fonts.ts';

type Ctx = SKRSContext2D;

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
export class SvgTee {
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
export function teeContext(real: Ctx, canvas: { width: number; height: number }): { tee: SvgTee; ctx: Ctx } {
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
