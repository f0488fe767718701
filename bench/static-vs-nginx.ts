import { stopWithin } from './cleanup.ts';
import { cpuSummary, failureNotes, failures, hit } from './load.ts';
import { NGINX, startNginx } from './nginx.ts';
import type { Output } from './report.ts';

const PATHS = ['/', '/embed/national/'];
const CONNECTIONS = 10;

/**
 * Static pages from our server, then the same files from nginx, one after the other with the
 * same client, connections and duration, with no ingest running (our site builder idle): the ratio of the two rates.
 * `track` registers nginx's pid for the bench's last-resort cleanup. Returns the failed requests.
 */
export async function staticVsNginx(
  ours: { url: string; pid: number },
  run: { siteDir: string; dir: string; seconds: number; track: (pid: number) => void },
  { record, note }: Output,
): Promise<number> {
  const measure = async (name: string, url: string, pid: number) => {
    const result = await hit([{ name, url, paths: PATHS, connections: CONNECTIONS }], run.seconds, pid);
    const target = result.targets[0]!;
    record(`static ${PATHS.join(' + ')}, ${name}, no ingest: throughput`, target.perSecond, 'req/s');
    record(`static ${PATHS.join(' + ')}, ${name}, no ingest: p99`, target.p99, 'ms');
    // Requests per CPU-second of the serving processes: comparable even when other work shares the cores.
    const perCpuSecond = target.perSecond / (result.serverCores + result.childCores);
    note(`static pages, ${name}: ${cpuSummary(result)}; ${Math.round(perCpuSecond).toLocaleString('en')} requests per CPU-second of the serving processes`);
    failureNotes(`static pages, ${name}`, result).forEach(note);
    return { perSecond: target.perSecond, failed: failures(result) };
  };
  const ourRate = await measure('ours', ours.url, ours.pid);
  const nginx = await startNginx(run.siteDir, run.dir);
  if (!nginx) {
    note(`static pages vs nginx: skipped, ${NGINX} is not installed (apt-get install nginx)`);
    return ourRate.failed;
  }
  run.track(nginx.pid);
  try {
    const theirs = await measure('nginx (1 worker)', nginx.url, nginx.pid);
    const share = ourRate.perSecond / theirs.perSecond;
    record('static pages: ours / nginx', share * 100, '%', '≥ 50%', share >= 0.5);
    return ourRate.failed + theirs.failed;
  } finally {
    await stopWithin(nginx.stop, nginx.pid, 10);
  }
}
