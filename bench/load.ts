import autocannon from 'autocannon';
import { cpuMeter, descendants } from './proc.ts';

/** Paths on one server that one autocannon instance cycles through. */
export interface Target {
  name: string;
  url: string;
  paths: string[];
  connections: number;
}

export interface TargetResult {
  name: string;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Socket errors and timeouts. */
  errors: number;
  non2xx: number;
}

export interface LoadRun {
  targets: TargetResult[];
  /** Cores the load generator (this process) used: near 1 means the client, not the server, set the pace. */
  clientCores: number;
  /** The server process's cores, and its children's (our site builder, nginx's worker). */
  serverCores: number;
  childCores: number;
}

/** Hits every target at once, one autocannon instance each, so each target gets its own figures. */
export async function hit(targets: Target[], seconds: number, serverPid: number): Promise<LoadRun> {
  const client = cpuMeter([process.pid]);
  const server = cpuMeter([serverPid]);
  const children = cpuMeter(descendants(serverPid));
  const results = await Promise.all(
    targets.map((t) =>
      autocannon({ url: t.url, connections: t.connections, duration: seconds, requests: t.paths.map((path) => ({ method: 'GET', path })) }),
    ),
  );
  return {
    clientCores: client(),
    serverCores: server(),
    childCores: children(),
    targets: results.map((r, i) => ({
      name: targets[i]!.name,
      requests: r.requests.total,
      perSecond: r.requests.total / r.duration,
      p50: r.latency.p50,
      p99: r.latency.p99,
      errors: r.errors,
      non2xx: r.non2xx,
    })),
  };
}

export const failures = (run: LoadRun) => run.targets.reduce((sum, t) => sum + t.errors + t.non2xx, 0);

/** Which target failed and how, so an error count can be followed up. */
export const failureNotes = (label: string, run: LoadRun) =>
  run.targets.filter((t) => t.errors + t.non2xx > 0).map((t) => `${label}: ${t.name}: ${t.errors} socket errors or timeouts, ${t.non2xx} non-2xx answers`);

/** Who used the CPU during a run: to tell a slow server from a starved one or a saturated client. */
export const cpuSummary = (run: LoadRun) =>
  `the load generator used ${run.clientCores.toFixed(2)} cores, the server ${run.serverCores.toFixed(2)}, its child processes ${run.childCores.toFixed(2)}` +
  (run.clientCores > 0.9 ? ' — the load generator was near a full core, so these rates are floors' : '');
