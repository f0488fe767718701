import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NEW_PROVINCES, serviceCode } from './dataset.ts';
import type { RunningServer } from './server.ts';

/** Runs `npm run build-site` (full) as its own process; the build reports its time and peak RSS. */
export function fullSiteBuild(env: Record<string, string>): { ms: number; peakRssMiB: number; pages: number; imagesRendered: number; raw: { written: number; linked: number; ms: number } } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'jobs/cli/build-site.ts'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`site build failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

/** The bytes a browser that accepts br receives for a file: its .br sibling, or the file as it is. */
function sentBytes(siteDir: string, path: string): number {
  const file = join(siteDir, path);
  return existsSync(`${file}.br`) ? statSync(`${file}.br`).size : statSync(file).size;
}

/** A page and every asset it links (stylesheets, scripts, icon), as sent: bodies only, no headers. */
function pageKb(siteDir: string, page: string): number {
  const html = join(page, 'index.html');
  const links = [...readFileSync(join(siteDir, html), 'utf8').matchAll(/(?:src|href)="(?:\.\.\/|\.\/)*(assets\/[^"]+)"/g)].map((m) => m[1]!);
  return [html, ...new Set(links)].reduce((n, p) => n + sentBytes(siteDir, p), 0) / 1024;
}

/**
 * Page weights on a first visit as sent (brotli, from the build's .br siblings), each page with
 * every stylesheet and script it links, Chart.js included; test/web/transfer.browser.test.ts
 * measures the same in Chromium, headers and images included.
 */
export function pageWeights(siteDir: string): { homeKb: number; provinceKb: number; embedKb: number; watchKb: number; chartJsKb: number } {
  const chartJs = readdirSync(join(siteDir, 'assets')).find((f) => /^chart\.umd\.min\.[0-9a-f]{8}\.js$/.test(f))!;
  return {
    homeKb: pageKb(siteDir, ''),
    provinceKb: pageKb(siteDir, 'localities/79'),
    embedKb: pageKb(siteDir, 'embed/national'),
    watchKb: pageKb(siteDir, 'watch'),
    chartJsKb: sentBytes(siteDir, `assets/${chartJs}`) / 1024,
  };
}

/**
 * Sends a one-province, one-month batch (one row per service) with new counts, then polls the
 * published province file until it shows them: the time readers wait to see an upload.
 */
export async function uploadToSiteSeconds(server: RunningServer, token: string, services: number, month: string, online: number): Promise<number> {
  const province = NEW_PROVINCES[0]!;
  const lines = ['period,service_code,locality_code,online_count,total_count'];
  for (let s = 0; s < services; s++) lines.push(`${month},${serviceCode(s)},${province},${online},9`);
  const expected = { online: online * services, total: 9 * services };
  const started = performance.now();
  const res = await fetch(`${server.url}/api/v1/observations`, {
    method: 'POST',
    body: lines.join('\n') + '\n',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
  });
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
  for (;;) {
    const file = await fetch(`${server.url}/data/localities/${province}.json`);
    if (file.ok) {
      const data = (await file.json()) as { fields: string[]; rows: unknown[][] };
      const row = data.rows.find((r) => r[data.fields.indexOf('period')] === month);
      if (row && row[data.fields.indexOf('online_count')] === expected.online && row[data.fields.indexOf('total_count')] === expected.total) {
        return (performance.now() - started) / 1000;
      }
    }
    if (performance.now() - started > 120_000) throw new Error('the site did not show the upload within 120 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}
