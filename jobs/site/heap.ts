import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets a heap grow past what survived its last full collection before collecting again.
 * A build makes far more short-lived garbage (pages, files, their compressed copies) than it keeps:
 * at bench scale ~125 MB stays live on the builder's thread, yet by default the builder and its page
 * thread held ~300 MB more of garbage at their peak. Measured on the bench database (2026-12-08):
 * a full build peaked at 865–1,013 MiB by default, 785 with 60% and 735 with 30%, in times within
 * the runs' noise (53–67 s). A quick build, where every tenth of a second counts against the upload
 * goal, was ~0.4 s slower at 50%, so it keeps V8's default (0). The flag is process-wide and read
 * at each collection: the page and image threads follow it too.
 */
const GROWTH_PERCENT = { full: 50, quick: 0 } as const;

export function setHeapGrowth(build: keyof typeof GROWTH_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${GROWTH_PERCENT[build]}`);
}
