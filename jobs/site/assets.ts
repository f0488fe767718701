import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { writeFile } from './sink.ts';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));
// chart.js does not export its UMD file; it sits beside the package's own entry point.
const CHART_UMD = fileURLToPath(new URL('../../node_modules/chart.js/dist/chart.umd.min.js', import.meta.url));

/** Compiled once per process: a warm builder reuses them for every build. */
let compiled: Map<string, Uint8Array> | null = null;

function compileScripts(): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const name of ['site', 'charts', 'embed-page']) {
    const result = buildSync({
      entryPoints: [join(WEB, `js/${name}.ts`)],
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
      logLevel: 'error',
    });
    out.set(`${name}.js`, result.outputFiles[0]!.contents);
  }
  return out;
}

/** The browser files: our stylesheet and scripts (TypeScript compiled by esbuild), and Chart.js. */
export function writeAssets(siteDir: string): void {
  const assets = join(siteDir, 'assets');
  mkdirSync(assets, { recursive: true });
  writeFile(join(assets, 'site.css'), readFileSync(join(WEB, 'css/site.css')));
  writeFile(join(assets, 'icon.svg'), readFileSync(join(WEB, 'static/icon.svg')));
  // Browsers ask for /favicon.ico of every page without an icon link (embeds, host pages); icon.svg at 16, 32 and 48 px.
  writeFile(join(siteDir, 'favicon.ico'), readFileSync(join(WEB, 'static/favicon.ico')));
  writeFile(join(assets, 'embed.css'), readFileSync(join(WEB, 'css/embed.css')));
  // The optional resizer for host pages lives at the root: /embed.js.
  writeFile(join(siteDir, 'embed.js'), readFileSync(join(WEB, 'static/embed.js')));
  // A file in the input format, for publishers to start from.
  writeFile(join(siteDir, 'examples', 'observations.csv'), readFileSync(join(WEB, 'static/example-observations.csv')));
  compiled ??= compileScripts();
  for (const [name, contents] of compiled) writeFile(join(assets, name), contents);
  copyFileSync(CHART_UMD, join(assets, 'chart.umd.min.js'));
}
