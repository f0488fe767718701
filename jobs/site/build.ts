import { rmSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { dataVersion, writeMeta } from '../../db/meta.ts';
import { writeAssets } from './assets.ts';
import { buildSiteModel } from './model.ts';
import { writeOpenData } from './open-data.ts';
import { renderChartImages } from './images.ts';
import { chartImages, writePages } from './pages.ts';
import { liveBuild, publish, removeBuilds, stagingDir } from './publish.ts';
import { writeWatchFeed } from './watch-feed.ts';

export interface BuildResult {
  builtAt: string;
  pages: number;
  /** Chart images in the build, and how many had to be drawn (the rest were unchanged). */
  images: number;
  imagesRendered: number;
  ms: number;
}

/**
 * Builds the whole static site into a new folder and swaps it in atomically. On any error
 * the new folder is removed and the previous site keeps serving. A quick build (after a
 * batch) rewrites every page and series but links the full observation dump and the zip
 * from the live build; the scheduled build rewrites everything.
 */
export interface BuildOptions {
  quick?: boolean;
  now?: Date;
  /** PUBLIC_URL: where readers reach the site, for oEmbed discovery links. */
  siteUrl?: string | null;
}

export function buildSite(sqlite: Database.Database, siteDir: string, options: BuildOptions = {}): BuildResult {
  const now = options.now ?? new Date();
  const started = performance.now();
  const staging = stagingDir(siteDir, now);
  try {
    const version = dataVersion(sqlite);
    const model = buildSiteModel(sqlite, now, options.siteUrl ?? null);
    writeAssets(staging);
    const pkg = writeOpenData(staging, sqlite, model, { reuseFrom: options.quick ? liveBuild(siteDir) : null });
    const pages = writePages(staging, model, pkg);
    // Compares this build's flags with the live build's: raised and cleared since.
    writeWatchFeed(staging, model.watch, liveBuild(siteDir));
    const images = renderChartImages(staging, chartImages(model), { reuseFrom: liveBuild(siteDir) });
    const old = publish(siteDir, staging);
    writeMeta(sqlite, 'site_built_at', model.meta.built_at);
    writeMeta(sqlite, 'site_data_version', String(version));
    void removeBuilds(old);
    return { builtAt: model.meta.built_at, pages, images: images.rendered + images.reused, imagesRendered: images.rendered, ms: Math.round(performance.now() - started) };
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}
