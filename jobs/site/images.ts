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
 *
 * Its parts: images/fonts.ts (the face), images/svg-recorder.ts (SvgTee), images/drawing.ts
 * (the frame and the Chart.js chart), images/manifest.ts (hashes and reuse), images/threads.ts
 * (worker threads and background drawing).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ChartImage, chartImagePaths } from '../../web/charts.ts';
import { linkBuild } from './publish.ts';
import { writeFile } from './sink.ts';
import { MANIFEST, type Manifest, RENDER_VERSION, imageHash, readManifest, reuse, sitePath } from './images/manifest.ts';
import { defaultThreads, drawAll } from './images/threads.ts';

export { DEMO_LABEL } from './images/drawing.ts';
export { drawInBackground } from './images/threads.ts';
export type { Manifest } from './images/manifest.ts';
export { readManifest } from './images/manifest.ts';

export interface ImageOptions {
  /** The live build's folder: images whose input is unchanged are hard-linked from it. */
  reuseFrom: string | null;
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
}

/** Links every image that can be reused into siteDir and lists the rest. */
export function planChartImages(
  siteDir: string,
  images: ChartImage[],
  options: Omit<ImageOptions, 'threads'>,
  previous = options.reuseFrom ? readManifest(options.reuseFrom) : {},
  plan: ImagePlan = { siteDir, hashes: {}, toDraw: [], reused: 0 },
): ImagePlan {
  const { hashes } = plan;
  for (const image of images) {
    const { png, svg } = chartImagePaths(image.ref, image.lang);
    if (hashes[png] !== undefined) throw new Error(`two images for ${png}`);
    const hash = imageHash(image);
    const before = previous[png];
    hashes[png] = hash;
    hashes[svg] = hash;
    const linked = options.reuseFrom !== null && before === hash && before === previous[svg] && reuse(options.reuseFrom, siteDir, [png, svg]);
    if (linked) plan.reused++;
    else plan.toDraw.push(image);
  }
  return plan;
}

/**
 * planChartImages a slice at a time, letting other work in between: hashing ~2,000 charts' inputs
 * and linking the unchanged takes ~1 s at bench scale, and a builder must hear a new batch
 * meanwhile. Null when `interrupted()` says to stop (the caller drops the folder).
 */
export async function planChartImagesInSlices(siteDir: string, images: ChartImage[], reuseFrom: string, interrupted: () => boolean): Promise<ImagePlan | null> {
  const previous = readManifest(reuseFrom);
  const plan: ImagePlan = { siteDir, hashes: {}, toDraw: [], reused: 0 };
  for (let i = 0; i < images.length; i += PLAN_SLICE) {
    await new Promise((resolve) => setImmediate(resolve));
    if (interrupted()) return null;
    planChartImages(siteDir, images.slice(i, i + PLAN_SLICE), { reuseFrom }, previous, plan);
  }
  return plan;
}

/** Images planned between two looks (~0.05 s). */
const PLAN_SLICE = 100;

/** A build has images to link (linkLiveImages). */
export const hasImages = (dir: string): boolean => existsSync(sitePath(dir, MANIFEST));

/**
 * A quick build's images: the live build's image folder linked whole, its manifest kept, and no
 * chart's input hashed (hashing and linking chart by chart took the page thread ~0.5 s at bench
 * scale). A chart whose numbers changed shows its old image until the step after the build
 * redraws it (redrawStaleImages compares each input with the kept manifest). Returns that manifest.
 */
export function linkLiveImages(live: string, siteDir: string): Record<string, string> {
  // Not the manifest: the build writes its own, and must never write into a file linked from the live build.
  linkBuild(join(live, 'images'), join(siteDir, 'images'), [MANIFEST.split('/').pop()!]);
  return readManifest(live);
}

/** Draws the charts a linked image folder has no image of (new since the live build); their hashes for the manifest. */
export function drawNewImages(siteDir: string, images: ChartImage[], linked: Record<string, string>): DrawnImages {
  const toDraw = images.filter((image) => linked[chartImagePaths(image.ref, image.lang).png] === undefined);
  return drawChartImages(siteDir, toDraw, { reuseFrom: null, threads: 1 });
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
}

/**
 * Writes a PNG and an SVG of every chart under siteDir (at chartImagePaths), but not the
 * manifest: a build's images come from both of its threads (writeImageManifest joins them).
 */
export function drawChartImages(siteDir: string, images: ChartImage[], options: ImageOptions): DrawnImages {
  const plan = planChartImages(siteDir, images, options);
  if (plan.toDraw.length > 0) drawAll(siteDir, plan.toDraw, options.threads ?? defaultThreads());
  return { hashes: plan.hashes, rendered: plan.toDraw.length, reused: plan.reused };
}

/** drawChartImages, then the manifest. */
export function renderChartImages(siteDir: string, images: ChartImage[], options: ImageOptions): Omit<DrawnImages, 'hashes'> {
  const { hashes, ...counts } = drawChartImages(siteDir, images, options);
  writeImageManifest(siteDir, hashes);
  return counts;
}

