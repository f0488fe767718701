import { existsSync, readFileSync, readdirSync } from 'node:fs';

/** A memory line of /proc/<pid>/status (VmRSS now, VmHWM peak), in MiB. */
export function statusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

function cpuSeconds(pid: number): number | null {
  try {
    // The command name (field 2) may hold spaces; utime and stime are fields 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * Starts counting processes' CPU time; the function returns the cores they used on average
 * since. A process that is gone by then no longer counts.
 */
export function cpuMeter(pids: number[]): () => number {
  const start = pids.map(cpuSeconds);
  const wall = performance.now();
  return () => {
    const used = pids.reduce((sum, pid, i) => sum + Math.max(0, (cpuSeconds(pid) ?? start[i] ?? 0) - (start[i] ?? 0)), 0);
    return used / ((performance.now() - wall) / 1000);
  };
}

/** Every process below `pid` (children of any of its threads, and theirs), from /proc. */
export function descendants(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children = tasks.flatMap((task) => {
    try {
      return readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
  return children.flatMap((child) => [child, ...descendants(child)]);
}

export const alive = (pid: number) => existsSync(`/proc/${pid}`);
