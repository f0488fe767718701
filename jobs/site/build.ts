import { realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { RollupCube } from '../../db/cube.ts';
import { dataVersion, writeMeta } from '../../db/meta.ts';
import type { ChartImage } from '../../web/charts.ts';
import type { SiteMeta } from '../../web/model.ts';
import { writeAssets } from './assets.ts';
import { drawChartImages, drawInBackground, drawNewImages, hasImages, planChartImagesInSlices, readManifest, writeImageManifest } from './images.ts';
import { type CommuneCache, emptyCommuneCache, readCommunes } from './communes.ts';
import { communeChartImages, writeCommunePages } from './commune-pages.ts';
import { writeSearchIndex } from './search-index.ts';
import { deriveFigures, readSiteInputs, siteModel } from './model.ts';
import { buildWindows } from './windows.ts';
import { previousData, spreadsheetTables, writeDataPackage, writeOpenData, writeOpenDataZip } from './open-data.ts';
import { type SpreadsheetPlan, staleSpreadsheetFiles, writeSpreadsheets, writeStaleSpreadsheets } from './spreadsheets.ts';
import { PageThread } from './page-thread.ts';
import { type ScorecardCache, emptyScorecardCache, readScorecards } from './scorecards.ts';
import { writeRawData } from './raw-data.ts';
import { writeDataReleases } from './data-releases.ts';
import { type Embed, SERVICE_EMBED_FOLDERS, chartImages, isServiceChart, serviceEmbeds, writeDataPages, writeEmbeds, writePages } from './pages.ts';
import { linkBuild, liveBuild, publish, removeBuilds, servesSite, stagingDir } from './publish.ts';
import { writeWatchFeed } from './watch-feed.ts';
import { provinceMetas } from './province-times.ts';
import { deferSiblings, takeDeferredSiblings, writeSiblingsOf } from './sink.ts';
import { setHeapGrowth } from './heap.ts';
import { buildWatchData } from './watch-model.ts';

export interface BuildResult {
  builtAt: string;
  pages: number;
  /** Chart images in the build, and how many had to be drawn (the rest were unchanged or shown stale). */
  images: number;
  imagesRendered: number;
  ms: number;
  /** Images and spreadsheets a quick build published stale, for redrawStaleImages; null when none. */
  redraw: PendingRedraw | null;
  /** The raw observations: parts written and linked unchanged, and the time spent writing them. */
  raw: { written: number; linked: number; ms: number };
  /** The spreadsheets: written, linked (unchanged, or stale until the redraw), and the time spent. */
  spreadsheets: { written: number; linked: number; ms: number };
}

/** What a published quick build still shows from before its batch: changed chart images, the services' embeds, changed spreadsheets. */
export interface PendingRedraw {
  siteDir: string;
  published: string;
  images: ChartImage[];
  /** The services' embeds to write (linked from the build before), with the build's meta. */
  embeds: Embed[];
  /** The spreadsheets whose tables changed, linked from the build before. */
  spreadsheets: Pick<SpreadsheetPlan, 'stale' | 'manifest'>;
  /** Files (relative to the build) published without their compressed siblings (sink.ts deferSiblings). */
  siblings: string[];
  meta: SiteMeta;
  now: Date;
  /** What becomes of the builds its publishing retires. */
  retire: Retire;
}

type Retire = (paths: string[]) => void;
const removeNow: Retire = (paths) => void removeBuilds(paths);
const retireInto =
  (warm: WarmState): Retire =>
  (paths) => {
    for (const path of paths) warm.retired.add(path);
  };

/**
 * Builds the whole static site into a new folder and swaps it in atomically. On any error
 * the new folder is removed and the previous site keeps serving. Every build rewrites the parts
 * of the raw observations a batch changed and links the others; a quick build (after a batch)
 * also links the zip from the live build, which the scheduled build writes anew.
 */
export interface BuildOptions {
  quick?: boolean;
  now?: Date;
  /** PUBLIC_URL: where readers reach the site, for oEmbed discovery links. */
  siteUrl?: string | null;
  /** Kept by a long-lived builder between builds, so that each build reads only what changed. */
  warm?: WarmState;
}

/** What a long-lived builder keeps between builds: the rollups in memory and the page thread. */
export interface WarmState {
  cube: RollupCube | null;
  /** The communes' sums per service, re-read only for the communes a batch changed. */
  communes: CommuneCache;
  /** The scorecards, each kept until a batch changes what it reads. */
  scorecards: ScorecardCache;
  pages: PageThread;
  /**
   * Builds no longer served, for the builder to delete when it is idle: deleting tens of thousands
   * of files competes with the next build for the disk.
   */
  retired: Set<string>;
}

/** State for a builder that will build more than once, or wants the second core for one build. */
export function warmState(): WarmState {
  return { cube: null, communes: emptyCommuneCache(), scorecards: emptyScorecardCache(), pages: new PageThread({ thread: true }), retired: new Set() };
}

/**
 * Reads now what a warm builder keeps (the rollups and their measures, the communes' sums and
 * every scorecard), so that the first build after a start is as quick as the next: the 34
 * provinces' scorecards alone read rollup_service_area 34 times (0.8 s on the demo).
 */
export function warmUp(sqlite: Database.Database, warm: WarmState, now = new Date()): void {
  sqlite.transaction(() => {
    const { inputs, cube } = readSiteInputs(sqlite, now, null, null);
    warm.cube = cube;
    readScorecards(sqlite, inputs, warm.scorecards, cube);
    readCommunes(sqlite, now, inputs.meta, buildWindows(inputs.meta, now), inputs.services, warm.communes, warm.scorecards);
  })();
}

export async function buildSite(sqlite: Database.Database, siteDir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const now = options.now ?? new Date();
  const started = performance.now();
  setHeapGrowth(options.quick ? 'quick' : 'full');
  const warm = options.warm ?? { cube: null, communes: emptyCommuneCache(), scorecards: emptyScorecardCache(), pages: new PageThread({ thread: false }), retired: new Set<string>() };
  const retire = options.warm ? retireInto(options.warm) : removeNow;
  let images: ChartImage[] = [];
  const { staging, written } = await publishNewBuild(siteDir, now, async (staging) => {
    const live = liveBuild(siteDir);
    const previous = previousData(live);
    const imageOptions = { reuseFrom: live };
    // A quick build links the live build's images whole; the step after redraws the changed ones.
    const linkImagesFrom = options.quick && live !== null && hasImages(live) ? live : null;
    // The compressed siblings too, when a site is up: a first build writes them now.
    const siblingsLater = options.quick === true && live !== null && servesSite(live);
    // One read transaction: every figure of the build is of the same state, even while batches land.
    const read = sqlite.transaction(() => {
      const { inputs, cube } = readSiteInputs(sqlite, now, options.siteUrl ?? null, warm.cube);
      warm.cube = cube;
      // The services' part needs no watch list: the second thread starts on it now.
      warm.pages.start(staging, inputs, cube, { images: imageOptions, linkImagesFrom, linkEmbedsFrom: options.quick ? live : null, siblingsLater });
      // The raw rows too: a reader can recompute every figure of the build from them.
      const raw = writeRawData(sqlite, join(staging, 'data'), inputs.meta, previous);
      const communes = readCommunes(sqlite, now, inputs.meta, buildWindows(inputs.meta, now), inputs.services, warm.communes, warm.scorecards);
      const scorecards = readScorecards(sqlite, inputs, warm.scorecards, cube);
      const metas = provinceMetas(sqlite, inputs.meta, inputs.provinces, inputs.byArea);
      return { inputs, cube, raw, communes, scorecards, metas, version: dataVersion(sqlite), watch: buildWatchData(sqlite, now, inputs.meta, cube) };
    });
    if (siblingsLater) deferSiblings(staging);
    try {
      const { inputs, cube, raw, communes, scorecards, metas, version, watch } = read();
      const model = siteModel(deriveFigures(inputs, cube), watch, communes, scorecards, metas);
      images = [...chartImages(model), ...communeChartImages(model)];
      writeAssets(staging);
      // A full build writes every commune anew (a template may have changed); a quick one links the unchanged.
      const communePages = writeCommunePages(staging, model, options.quick ? live : null);
      writeSearchIndex(staging, model, live);
      const { resources, archive } = writeOpenData(staging, model, { raw: raw.resources, zipFrom: options.quick ? previous : null, communeCharts: communePages.csv });
      const pages = writePages(staging, model, options.quick ? live : null) + communePages.pages;
      // Compares this build's flags with the live build's: raised and cleared since.
      writeWatchFeed(staging, model.watch, live);
      // A few dozen here, and the other ~2,000 on the page thread: both on their own thread, as
      // more drawing threads would cost memory, not time (see writeServicePart). When the page
      // thread links every image, only the charts new since the live build are drawn, after it.
      const ourCharts = images.filter((image) => !isServiceChart(image));
      const drawn = linkImagesFrom ? null : drawChartImages(staging, ourCharts, { ...imageOptions, threads: 1 });
      const services = warm.pages.finish(model);
      const kept = linkImagesFrom ? readManifest(linkImagesFrom) : {};
      const ours = drawn ?? drawNewImages(staging, ourCharts, kept);
      writeImageManifest(staging, { ...kept, ...ours.hashes, ...services.images.hashes });
      const first = { rendered: ours.rendered + services.images.rendered, linked: linkImagesFrom !== null };
      // The one step that waits (exceljs writes asynchronously): every figure was read above.
      const sheets = await writeSpreadsheets(join(staging, 'data'), spreadsheetTables(model), [...resources, ...services.resources], model.meta, previous?.dir ?? null, options.quick === true);
      // Last, as they describe every file: the datapackage.json, the zip, the snapshots and the data page.
      const { linked, ...described } = archive;
      const pkg = writeDataPackage(staging, model, [...resources, ...sheets.resources], services.resources, described);
      if (!linked) writeOpenDataZip(staging, pkg, model.meta);
      // Snapshots link the zip: after it.
      const snapshots = writeDataReleases(staging, live, model.nationalMonthly, pkg, model.meta, !linked);
      const dataPages = writeDataPages(staging, model, pkg, snapshots);
      const siblings = [...takeDeferredSiblings(staging), ...services.siblingsLater];
      return { model, version, first, raw, sheets, siblings, embedsLinked: services.embedsLinked, pages: pages + dataPages + services.pages };
    } catch (err) {
      takeDeferredSiblings(staging);
      // Never leave the thread writing into a folder that is about to be removed.
      warm.pages.abandon();
      throw err;
    }
  }, retire);
  writeMeta(sqlite, 'site_built_at', written.model.meta.built_at);
  writeMeta(sqlite, 'site_data_version', String(written.version));
  return {
    builtAt: written.model.meta.built_at,
    pages: written.pages,
    images: images.length,
    imagesRendered: written.first.rendered,
    ms: Math.round(performance.now() - started),
    raw: { written: written.raw.written, linked: written.raw.linked, ms: written.raw.ms },
    spreadsheets: { written: written.sheets.written, linked: written.sheets.linked, ms: written.sheets.ms },
    redraw:
      written.first.linked || written.embedsLinked || written.sheets.stale.length > 0 || written.siblings.length > 0
        ? {
            siteDir,
            published: staging,
            images,
            embeds: written.embedsLinked ? serviceEmbeds(written.model) : [],
            spreadsheets: { stale: written.sheets.stale, manifest: written.sheets.manifest },
            siblings: written.siblings,
            meta: written.model.meta,
            now,
            retire,
          }
        : null,
  };
}

/**
 * The second step of a quick build: the same build again, every file linked, with the images
 * whose numbers changed drawn anew, the services' embeds and the changed spreadsheets written; until it is published they
 * show the numbers before the batch (the pages, data and API already show the new ones). It also
 * writes the compressed siblings the quick build left out (the server compresses meanwhile). The
 * images are drawn on worker threads and the embeds written in slices, leaving this thread free:
 * when `interrupted()` says a newer build is waiting (whose numbers would make all this stale
 * again), or another build went live meanwhile, the work is dropped and it returns null.
 * Otherwise it publishes and returns how many images it drew.
 */
export async function redrawStaleImages(job: PendingRedraw, interrupted: () => boolean = () => false): Promise<number | null> {
  const staging = stagingDir(job.siteDir, job.now);
  // Dropped work is deleted like a retired build: a waiting build must not compete with it.
  const drop = () => (job.retire([staging]), null);
  try {
    // Images first and the rest of the build linked last: an interrupted redraw leaves few files.
    const plan = await planChartImagesInSlices(staging, job.images, job.published, interrupted);
    if (!plan) return drop();
    const drawing = drawInBackground(staging, plan.toDraw);
    const watch = setInterval(() => interrupted() && drawing.stop(), INTERRUPT_CHECK_MS);
    const finished = await drawing.done.finally(() => clearInterval(watch));
    if (!finished) return drop();
    for (let i = 0; i < job.embeds.length; i += EMBED_SLICE) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      if (interrupted()) return drop();
      writeEmbeds(staging, job.embeds.slice(i, i + EMBED_SLICE), job.meta);
    }
    if (!(await writeStaleSpreadsheets(join(staging, 'data'), job.spreadsheets, job.meta, interrupted))) return drop();
    if (interrupted() || liveBuild(job.siteDir) !== realpathSync(job.published)) return drop();
    writeImageManifest(staging, plan.hashes);
    linkBuild(job.published, staging, ['images', ...(job.embeds.length > 0 ? SERVICE_EMBED_FOLDERS : []), ...staleSpreadsheetFiles(job.spreadsheets)]);
    for (let i = 0; i < job.siblings.length; i += SIBLING_SLICE) {
      await new Promise((resolve) => setImmediate(resolve));
      if (interrupted()) return drop();
      writeSiblingsOf(staging, job.siblings.slice(i, i + SIBLING_SLICE));
    }
    if (interrupted() || liveBuild(job.siteDir) !== realpathSync(job.published)) return drop();
    job.retire(publish(job.siteDir, staging));
    return plan.toDraw.length;
  } catch (err) {
    discard(job.siteDir, staging);
    throw err;
  }
}

/** How often a redraw looks for a newer build waiting. */
const INTERRUPT_CHECK_MS = 20;
/** Embeds written between two looks (~0.1 s). */
const EMBED_SLICE = 200;
/** Files whose siblings are written between two looks (~0.1 s of compression at bench scale). */
const SIBLING_SLICE = 100;

/**
 * Writes a build into a new folder and swaps it in. If anything fails before the swap, the
 * folder is removed and the previous site keeps serving; the live build is never removed.
 */
export async function publishNewBuild<T>(siteDir: string, now: Date, write: (staging: string) => T | Promise<T>, retire: Retire = removeNow): Promise<{ staging: string; written: T }> {
  const staging = stagingDir(siteDir, now);
  try {
    const written = await write(staging);
    retire(publish(siteDir, staging));
    return { staging, written };
  } catch (err) {
    discard(siteDir, staging);
    throw err;
  }
}

/** Removes a build folder that did not go live; the live build is never removed. */
function discard(siteDir: string, staging: string): void {
  if (liveBuild(siteDir) !== realpathSync(staging)) rmSync(staging, { recursive: true, force: true });
}
