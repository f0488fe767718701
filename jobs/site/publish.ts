import { type Dirent, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * SITE_DIR is a symlink to one finished build in "<SITE_DIR>.builds/". A new build is
 * written beside it, then the link is replaced with rename(), which is atomic: readers see
 * the old site or the new one, never a half-written one, and a failed build changes nothing.
 */
export function buildsDir(siteDir: string): string {
  return `${resolve(siteDir)}.builds`;
}

/** A new, empty folder: never the live build, even for two builds in the same millisecond. */
export function stagingDir(siteDir: string, now: Date): string {
  mkdirSync(buildsDir(siteDir), { recursive: true });
  return mkdtempSync(join(buildsDir(siteDir), `${now.toISOString().replace(/[:.]/g, '-')}-${process.pid}-`));
}

/** Swaps the build in; returns the older builds, which are no longer needed (see removeBuilds). */
export function publish(siteDir: string, build: string): string[] {
  const link = resolve(siteDir);
  mkdirSync(dirname(link), { recursive: true });
  // A plain folder left by an older version or by hand moves aside once, into the builds.
  if (existsSync(link) && !lstatSync(link).isSymbolicLink()) renameSync(link, join(buildsDir(siteDir), `previous-${Date.now()}`));
  const previous = existsSync(link) || isDanglingLink(link) ? readlinkSync(link) : null;
  const temporary = `${link}.tmp-${process.pid}`;
  rmSync(temporary, { force: true });
  symlinkSync(join(basename(buildsDir(siteDir)), basename(build)), temporary);
  renameSync(temporary, link);
  return oldBuilds(siteDir, [basename(build), previous ? basename(previous) : '']);
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** All builds but those named in `keep` (the live one and the one before it, where a reader may still be mid-download). */
export function oldBuilds(siteDir: string, keep: string[]): string[] {
  if (!existsSync(buildsDir(siteDir))) return [];
  return readdirSync(buildsDir(siteDir))
    .filter((name) => !keep.includes(name))
    .map((name) => join(buildsDir(siteDir), name));
}

/**
 * Deletes old builds in the background: tens of thousands of files take seconds to unlink,
 * and nothing waits on them. One left behind by a crash is found by the next publish.
 */
export function removeBuilds(paths: string[]): Promise<void> {
  return Promise.all(paths.map((path) => rm(path, { recursive: true, force: true }))).then(
    () => undefined,
    () => undefined,
  );
}

/** The live build beside a build folder of `<SITE_DIR>.builds/`; null for a folder elsewhere, or no live build. */
export function liveBuildBeside(build: string): string | null {
  const builds = dirname(resolve(build));
  return builds.endsWith('.builds') ? liveBuild(builds.slice(0, -'.builds'.length)) : null;
}

/** A site is served from this folder (a build with its home page, not an empty folder). */
export const servesSite = (dir: string): boolean => existsSync(join(dir, 'index.html'));

/** The folder the live site points at, if there is one. */
export function liveBuild(siteDir: string): string | null {
  try {
    return realpathSync(siteDir);
  } catch {
    return null;
  }
}

/**
 * Hard-links every file of a build into a folder, except the folders named in `skip` (paths
 * relative to the build, "images" or "en/embed/services"); folders already there are kept.
 */
export function linkBuild(from: string, to: string, skip: string[] = [], under = ''): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const path = under ? `${under}/${entry.name}` : entry.name;
    if (skip.includes(path)) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      mkdirSync(target, { recursive: true });
      linkBuild(source, target, skip, path);
    } else linkSync(source, target);
  }
}

/**
 * Deletes builds (taking each out of `builds` once gone) a small folder at a time, and stops as
 * soon as `busy()` says there is a build to make: deleting competes with a build for the disk.
 * What is left stays in `builds`, for the next idle moment.
 */
export async function removeInPieces(builds: Set<string>, busy: () => boolean = () => false): Promise<void> {
  for (const build of [...builds]) {
    for (const piece of deletionPieces(build)) {
      if (busy()) return;
      await rm(piece, { recursive: true, force: true });
    }
    builds.delete(build);
  }
}

/** A folder's contents in pieces of at most ~64 entries, each before the folder holding it. */
function* deletionPieces(folder: string, depth = 0): Generator<string> {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return;
  }
  if (depth >= 2 && entries.length <= 64) {
    yield folder;
    return;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* deletionPieces(path, depth + 1);
    else yield path;
  }
  yield folder;
}
