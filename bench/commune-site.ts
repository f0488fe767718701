import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_TO, NEW_PROVINCES } from './dataset.ts';
import { COMMUNES, COMMUNE_MONTHS, COMMUNE_SERVICES, communeRows, communeServiceCode } from './communes.ts';
import { startServer } from './server.ts';
import { type Expected, fullSiteBuild, publishedSeconds, uploadToSiteSeconds } from './site.ts';

type RecordFn = (metric: string, value: number, unit: string, goal?: string, pass?: boolean | null) => void;

/** The commune uploads go into the dataset's last month (after BENCH_TO): a revision of rows every commune already has. */
const MONTH = COMMUNE_MONTHS[COMMUNE_MONTHS.length - 1]!;
/** Hà Nội: 126 communes, 37,800 rows a month. */
const PROVINCE = NEW_PROVINCES[0]!;
/** Far above the goals: a slow upload is measured and marked missed rather than ending the run. */
const LIMIT_SECONDS = 900;

/** Files and bytes of a build as written: pages and data, and their .br/.gz siblings apart; bytes allocated count each inode once. */
export function siteOnDisk(siteDir: string): { files: number; bytes: number; compressedFiles: number; compressedBytes: number; allocated: number } {
  const out = { files: 0, bytes: 0, compressedFiles: 0, compressedBytes: 0, allocated: 0 };
  const inodes = new Set<number>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const st = lstatSync(path);
        if (/\.(br|gz)$/.test(entry.name)) (out.compressedFiles++, (out.compressedBytes += st.size));
        else (out.files++, (out.bytes += st.size));
        if (!inodes.has(st.ino)) (inodes.add(st.ino), (out.allocated += st.blocks * 512));
      }
    }
  };
  walk(realpathSync(siteDir));
  return out;
}

/** A batch of the communes' rows for `MONTH`, every service with the same counts, and the commune files that must show it. */
function communeBatch(codes: string[], online: number): { csv: string; expected: Expected[] } {
  const lines = ['period,service_code,locality_code,online_count,total_count'];
  for (const code of codes) for (let s = 0; s < COMMUNE_SERVICES; s++) lines.push(`${MONTH},${communeServiceCode(s)},${code},${online},9`);
  // No other rows sit on a commune of today in this dataset, so its month is exactly these sums.
  const expected = codes.map((code) => ({ file: `/data/localities/${code}.json`, month: MONTH, online: online * COMMUNE_SERVICES, total: 9 * COMMUNE_SERVICES }));
  return { csv: lines.join('\n') + '\n', expected };
}

/**
 * The site at commune scale (issue 13): a full build from scratch, then, on the real server with
 * its warm builder, a one-commune and a one-province upload until the site shows them.
 */
export async function communeSite(env: Record<string, string> & { SITE_DIR: string }, token: string, record: RecordFn, services: number): Promise<void> {
  const build = fullSiteBuild(env);
  record(`commune scale: full site build from scratch (${build.pages.toLocaleString('en')} pages, ${build.imagesRendered.toLocaleString('en')} images drawn)`, build.ms / 1000, 's', '< 180 s', build.ms < 180_000);
  record('commune scale: full site build peak RSS', build.peakRssMiB, 'MiB', '< 1536 MiB', build.peakRssMiB < 1536);
  record(`commune scale: writing the raw observations in that build (${build.raw.written} parts)`, build.raw.ms / 1000, 's');
  const disk = siteOnDisk(env.SITE_DIR);
  record('commune scale: site files (pages, data, images, assets; without .br/.gz)', disk.files, 'files');
  record('commune scale: site bytes of those files', disk.bytes / 2 ** 20, 'MiB');
  record('commune scale: .br/.gz siblings', disk.compressedFiles, 'files');
  record('commune scale: bytes of the .br/.gz siblings', disk.compressedBytes / 2 ** 20, 'MiB');
  record('commune scale: the build on disk (allocated blocks, every file)', disk.allocated / 2 ** 20, 'MiB');

  const live = await startServer(env);
  try {
    const communes = COMMUNES.filter((c) => c.province === PROVINCE).map((c) => c.code);
    const one = (code: string, online: number) => {
      const batch = communeBatch([code], online);
      return publishedSeconds(live, token, batch.csv, batch.expected, LIMIT_SECONDS);
    };
    // Right after a start the builder may still be reading the rollups: counted apart, as at province scale.
    record(`commune scale: one commune, one month (${COMMUNE_SERVICES} rows) visible, right after the server started`, await one(communes[0]!, 7), 's');
    const commune = Math.max(await one(communes[1]!, 8), await one(communes[2]!, 6));
    record(`commune scale: one commune, one month (${COMMUNE_SERVICES} rows) visible on the site (slower of two)`, commune, 's', '< 5 s', commune < 5);
    const province = async (online: number) => {
      const batch = communeBatch(communes, online);
      // A build goes live whole (one rename), so its first and last commune stand for all of them.
      return publishedSeconds(live, token, batch.csv, [batch.expected[0]!, batch.expected[batch.expected.length - 1]!], LIMIT_SECONDS);
    };
    const both = Math.max(await province(5), await province(4));
    record(`commune scale: one province, one month (${communes.length} communes × ${COMMUNE_SERVICES} = ${(communes.length * COMMUNE_SERVICES).toLocaleString('en')} rows) visible (slower of two)`, both, 's', '< 15 s', both < 15);
    // The province's own rows: its month also holds its communes' rows of the dataset, untouched above (MONTH is later).
    const communeSums = { online: 0, total: 0 };
    for (const [, , , online, total] of communeRows(PROVINCE, BENCH_TO)) (communeSums.online += online), (communeSums.total += total);
    const provinceRows = await uploadToSiteSeconds(live, token, services, BENCH_TO, 7, communeSums, LIMIT_SECONDS);
    record(`commune scale: the province-scale upload (${services} province rows) visible`, provinceRows, 's', '< 5 s', provinceRows < 5);
  } finally {
    await live.stop();
  }
}
