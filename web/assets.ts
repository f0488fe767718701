import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

/**
 * The browser files published under /assets/, each under a content-hashed name
 * ("site.3f2a1c9b.css"), which pages link and which is cached for a year as immutable, and under
 * its plain name too, for anything that linked it before. Made here, where the browser code is,
 * so that every thread that renders pages (the builder's and the page thread) names them alike.
 */
export interface Asset {
  /** "site.css", "chart.umd.min.js". */
  name: string;
  /** "site.3f2a1c9b.css", "chart.umd.min.0d94e2a1.js". */
  hashed: string;
  body: Uint8Array;
}

const WEB = fileURLToPath(new URL('./', import.meta.url));
// chart.js does not export its UMD file; it sits beside the package's own entry point.
const CHART_UMD = fileURLToPath(new URL('../node_modules/chart.js/dist/chart.umd.min.js', import.meta.url));

/** The first 8 hex digits of the SHA-256 of its bytes, before the extension. */
export const HASHED_ASSET = /\.[0-9a-f]{8}\.[a-z]+$/;

export function hashedName(name: string, body: Uint8Array): string {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 8);
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
}

function compile(entry: string): Uint8Array {
  const result = buildSync({
    entryPoints: [`${WEB}js/${entry}.ts`],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'error',
  });
  return result.outputFiles[0]!.contents;
}

/** Made once per thread: a warm builder reuses them for every build. */
let made: Map<string, Asset> | null = null;

/** Our stylesheets, icon and scripts (TypeScript compiled by esbuild), and Chart.js, by plain name. */
export function siteAssets(): Map<string, Asset> {
  if (made) return made;
  const bodies: Array<[string, Uint8Array]> = [
    ['site.css', readFileSync(`${WEB}css/site.css`)],
    ['embed.css', readFileSync(`${WEB}css/embed.css`)],
    ['icon.svg', readFileSync(`${WEB}static/icon.svg`)],
    ...(['site', 'charts', 'embed-page', 'publish'] as const).map((name): [string, Uint8Array] => [`${name}.js`, compile(name)]),
    ['chart.umd.min.js', readFileSync(CHART_UMD)],
  ];
  made = new Map(bodies.map(([name, body]) => [name, { name, hashed: hashedName(name, body), body }]));
  return made;
}

/**
 * The one place an asset's URL is named: "/assets/site.css" → "/assets/site.3f2a1c9b.css".
 * Any other path is returned as it is.
 */
export function assetPath(path: string): string {
  if (!path.startsWith('/assets/')) return path;
  const asset = siteAssets().get(path.slice('/assets/'.length));
  return asset ? `/assets/${asset.hashed}` : path;
}
