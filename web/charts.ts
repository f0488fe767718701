import type { Series } from './model.ts';

/**
 * Every chart the site publishes has one id, used for its embed page, its images and its
 * oEmbed entry: "national", "service-<code>", "locality-<code>".
 */
export type ChartRef = { kind: 'national' } | { kind: 'service'; code: string } | { kind: 'locality'; code: string };

export function chartId(ref: ChartRef): string {
  return ref.kind === 'national' ? 'national' : `${ref.kind}-${ref.code}`;
}

/** Static images of a chart: a 1200×630 PNG (social cards, downloads, no-script fallback) and an SVG. */
export function chartImagePaths(ref: ChartRef, lang: 'vi' | 'en'): { png: string; svg: string } {
  const base = `/images/${lang}/${chartId(ref)}`;
  return { png: `${base}.png`, svg: `${base}.svg` };
}

export const IMAGE_WIDTH = 1200;
export const IMAGE_HEIGHT = 630;

/** What an image needs: the same numbers and words as the chart on the page. */
export interface ChartImage {
  ref: ChartRef;
  lang: 'vi' | 'en';
  title: string;
  summary: string;
  /** "Nguồn: Thước đo … Số liệu đến 10/2026" — drawn at the bottom of the image. */
  source: string;
  demo: boolean;
  series: Series;
}
