import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { NEW_PROVINCES, serviceCode } from './dataset.ts';
import type { RunningServer } from './server.ts';

/** Runs `npm run build-site` (full) as its own process; the build reports its time and peak RSS. */
export function fullSiteBuild(env: Record<string, string>): { ms: number; peakRssMiB: number; pages: number; imagesRendered: number; raw: { written: number; linked: number; ms: number } } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'jobs/cli/build-site.ts'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`site build failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

const gzippedKb = (siteDir: string, paths: string[]) => paths.map((p) => gzipSync(readFileSync(join(siteDir, p))).length).reduce((a, b) => a + b, 0) / 1024;

/** Page weights, gzipped: each page's HTML, CSS and our scripts (Chart.js is separate). */
export function pageWeights(siteDir: string): { homeKb: number; embedKb: number; chartJsKb: number } {
  return {
    homeKb: gzippedKb(siteDir, ['index.html', 'assets/site.css', 'assets/site.js', 'assets/charts.js']),
    embedKb: gzippedKb(siteDir, ['embed/national/index.html', 'assets/embed.css', 'assets/embed-page.js']),
    chartJsKb: gzippedKb(siteDir, ['assets/chart.umd.min.js']),
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
