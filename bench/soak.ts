import { statusMiB } from './proc.ts';
import { percentile } from './stats.ts';

/**
 * "Flat" memory: the first 20% of the soak is warm-up (JIT, SQLite's page cache, the heap
 * finding its size) and is left out; the start is the median RSS over the next 10%, the end
 * the median over the last 10% (medians, so one GC saw-tooth does not decide); flat means
 * end ≤ start × 1.10.
 */
export const WARM_UP_SHARE = 0.2;
export const WINDOW_SHARE = 0.1;
export const MAX_GROWTH = 0.1;

export interface RssTrend {
  startMiB: number;
  endMiB: number;
  peakMiB: number;
  growth: number;
  samples: number;
}

/** Samples a process's RSS until the returned function is called, which gives the trend. */
export function sampleRss(pid: number, seconds: number): () => RssTrend {
  // About a sample a second, and at least ~50 over a short soak so each window has several.
  const samples: number[] = [];
  const timer = setInterval(() => {
    try {
      samples.push(statusMiB(pid, 'VmRSS'));
    } catch {
      // The server is gone: the load's errors will say so.
    }
  }, Math.min(1000, seconds * 20));
  return () => {
    clearInterval(timer);
    const median = (from: number, to: number) => {
      const window = samples.slice(Math.floor(from * samples.length), Math.max(Math.floor(from * samples.length) + 1, Math.floor(to * samples.length)));
      return percentile([...window].sort((a, b) => a - b), 50);
    };
    const startMiB = median(WARM_UP_SHARE, WARM_UP_SHARE + WINDOW_SHARE);
    const endMiB = median(1 - WINDOW_SHARE, 1);
    return { startMiB, endMiB, peakMiB: Math.max(...samples), growth: endMiB / startMiB - 1, samples: samples.length };
  };
}
