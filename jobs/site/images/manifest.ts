/** Each image's input hashed into /images/manifest.json: a build links an image whose hash is unchanged instead of drawing it. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { type ChartImage, chartImagePaths } from '../../../web/charts.ts';
import { SIBLINGS } from '../../../lib/compressed-files.ts';
import { linkWithSiblings, safeJoin, writeFile } from '../sink.ts';

/** Bump when the drawing changes, so a build redraws every image instead of linking the old ones. */
export const RENDER_VERSION = 3;
export const MANIFEST = '/images/manifest.json';

export function imageHash(image: ChartImage): string {
  return createHash('sha256').update(`thuocdo-image-v${RENDER_VERSION}\n`).update(JSON.stringify(image)).digest('base64url').slice(0, 22);
}

/** "/images/vi/national.png" → the file under siteDir, every part a plain name. */
export function sitePath(siteDir: string, path: string): string {
  return safeJoin(siteDir, ...path.split('/').filter((p) => p !== ''));
}

export interface Manifest {
  version: number;
  /** Image path → hash of the ChartImage it was drawn from. */
  images: Record<string, string>;
}

export function readManifest(dir: string): Record<string, string> {
  try {
    const m = JSON.parse(readFileSync(sitePath(dir, MANIFEST), 'utf8')) as Partial<Manifest> | null;
    return m && typeof m.images === 'object' && m.images !== null ? m.images : {};
  } catch {
    return {};
  }
}

/** Links both files of an image from the previous build; false (leaving nothing behind) if it cannot. */
export function reuse(previousDir: string, siteDir: string, paths: string[]): boolean {
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

