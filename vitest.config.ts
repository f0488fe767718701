import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // better-sqlite3 is a native addon: forks isolate it per worker, threads can crash.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // A fixture site of several builds, each with every commune's pages, takes tens of seconds to remove on a slow disk.
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
