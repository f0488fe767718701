import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HASHED_ASSET, siteAssets } from '../../web/assets.ts';
import { liveBuildBeside } from './publish.ts';
import { compressible } from '../../lib/compressed-files.ts';
import { BEST, compress, linkWithSiblings, writeCompressed, writeFile } from './sink.ts';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));

/** Compressed once per process at the best levels: they are sent with every first visit and kept for a year. */
let compressed: Map<string, ReturnType<typeof compress>> | null = null;

/**
 * How long an asset the pages no longer link stays published: a page cached before a release
 * (max-age 60 s, stale for 300 s more; longer in a CDN or an archived copy) still finds its
 * stylesheet and scripts.
 */
const RETIRED_KEPT_MS = 7 * 24 * 3600_000;

/**
 * The browser files (web/assets.ts): each asset under its content-hashed name, which pages link,
 * and under its plain name, with `.br` and `.gz` siblings; the hashed assets of the last week's
 * builds, linked from the live build; and the files with names of their own.
 */
export function writeAssets(siteDir: string, now = Date.now()): void {
  const assets = join(siteDir, 'assets');
  const current = siteAssets();
  compressed ??= new Map([...current.values()].filter((a) => compressible(a.name, a.body.byteLength)).map((a) => [a.name, compress(a.body, BEST)]));
  for (const asset of current.values()) {
    for (const name of [asset.hashed, asset.name]) {
      const path = join(assets, name);
      writeFile(path, asset.body, { compressed: false });
      const siblings = compressed.get(asset.name);
      if (siblings) writeCompressed(path, asset.body, siblings);
    }
  }
  keepRetired(liveBuildBeside(siteDir), assets, new Set([...current.values()].map((a) => a.hashed)), now);
  // Browsers ask for /favicon.ico of every page without an icon link (embeds, host pages); icon.svg at 16, 32 and 48 px.
  writeFile(join(siteDir, 'favicon.ico'), readFileSync(join(WEB, 'static/favicon.ico')));
  // The optional resizer for host pages lives at the root under a name of its own: /embed.js.
  writeFile(join(siteDir, 'embed.js'), readFileSync(join(WEB, 'static/embed.js')));
  // A file in the input format, for publishers to start from.
  writeFile(join(siteDir, 'examples', 'observations.csv'), readFileSync(join(WEB, 'static/example-observations.csv')));
}

/** Links the live build's hashed assets that are not current any more, unless written over a week ago. */
function keepRetired(live: string | null, assets: string, current: Set<string>, now: number): void {
  if (!live) return;
  let names: string[];
  try {
    names = readdirSync(join(live, 'assets'));
  } catch {
    return;
  }
  for (const name of names) {
    if (!HASHED_ASSET.test(name) || current.has(name)) continue;
    const from = join(live, 'assets', name);
    // A hard link keeps the time it was written: while it was current, every build wrote it anew.
    if (now - statSync(from).mtimeMs > RETIRED_KEPT_MS) continue;
    linkWithSiblings(from, join(assets, name));
  }
}
