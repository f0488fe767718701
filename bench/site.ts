import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NEW_PROVINCES, serviceCode } from './dataset.ts';
import type { RunningServer } from './server.ts';

/** Runs `npm run build-site` (full) as its own process; the build reports its time and peak RSS. */
export function fullSiteBuild(env: Record<string, string>): { ms: number; peakRssMiB: number; pages: number; imagesRendered: number; raw: { written: number; linked: number; ms: number }; spreadsheets: { written: number; linked: number; ms: number } } {
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
export async function uploadToSiteSeconds(server: RunningServer, token: string, services: number, month: string, online: number, others: Sums = { online: 0, total: 0 }, limitSeconds = 120): Promise<number> {
  const province = NEW_PROVINCES[0]!;
  const lines = ['period,service_code,locality_code,online_count,total_count'];
  for (let s = 0; s < services; s++) lines.push(`${month},${serviceCode(s)},${province},${online},9`);
  // The province's month also sums its communes' rows (`others`) where it has any (commune scale).
  const file = `/data/localities/${province}.json`;
  return publishedSeconds(server, token, lines.join('\n') + '\n', [{ file, month, online: online * services + others.online, total: 9 * services + others.total }], limitSeconds);
}

interface Sums {
  online: number;
  total: number;
}

/** A published chart file (fields and rows, as /data/localities/{code}.json) and the month's sums it must show. */
export interface Expected {
  file: string;
  month: string;
  online: number;
  total: number;
}

/**
 * Sends a CSV batch, then polls the published files until every one shows its expected sums:
 * the seconds from sending to visible on the site (polled every 100 ms, through the server). Throws
 * after `limitSeconds`.
 */
export async function publishedSeconds(server: RunningServer, token: string, csv: string, expected: Expected[], limitSeconds = 120): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${server.url}/api/v1/observations`, {
    method: 'POST',
    body: csv,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
  });
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
  let waiting = expected;
  for (;;) {
    const shown = await Promise.all(waiting.map((e) => shows(server, e)));
    waiting = waiting.filter((_, i) => !shown[i]);
    if (waiting.length === 0) return (performance.now() - started) / 1000;
    if (performance.now() - started > limitSeconds * 1000) throw new Error(`the site did not show the upload within ${limitSeconds} s (${waiting[0]!.file})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function shows(server: RunningServer, e: Expected): Promise<boolean> {
  const file = await fetch(server.url + e.file);
  if (!file.ok) return false;
  const data = (await file.json()) as { fields: string[]; rows: unknown[][] };
  const row = data.rows.find((r) => r[data.fields.indexOf('period')] === e.month);
  return !!row && row[data.fields.indexOf('online_count')] === e.online && row[data.fields.indexOf('total_count')] === e.total;
}
