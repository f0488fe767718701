import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../scheduler.ts';

const BUILD_SCRIPT = fileURLToPath(new URL('../cli/build-site.ts', import.meta.url));

export type Build = (kind: BuildKind) => Promise<void>;
/** Quick after a batch (heavy files linked from the live site), full on the schedule. */
export type BuildKind = 'quick' | 'full';

/** Runs `npm run build-site` as a child process: the server's event loop never waits on a build. */
export function buildInChildProcess(env: { dbPath: string; siteDir: string }): Build {
  return (kind) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', BUILD_SCRIPT, ...(kind === 'quick' ? ['--quick'] : [])], {
        env: { ...process.env, DB_PATH: env.dbPath, SITE_DIR: env.siteDir },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`site build exited with ${code}: ${stderr.slice(-2000)}`))));
    });
}

export interface Rebuilder {
  /** Asks for a rebuild; a burst of requests gives one build, full if any asked for full. */
  request: (kind?: BuildKind) => void;
  /** Resolves when no build is running or waiting. */
  idle: () => Promise<void>;
  /** Drops a build that has not started and waits for the running one: for shutdown. */
  close: () => Promise<void>;
}

/**
 * Debounces rebuild requests: the build starts `debounceMs` after the last request, and a
 * request during a build gives exactly one more build after it.
 */
export function debouncedRebuilder(build: Build, log: Logger, debounceMs = 1000): Rebuilder {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let pending: BuildKind = 'quick';
  let closed = false;
  let waiters: Array<() => void> = [];

  const settle = () => {
    if (!timer && !running) {
      for (const w of waiters) w();
      waiters = [];
    }
  };
  const start = () => {
    timer = null;
    if (closed) return settle();
    if (running) {
      again = true;
      return;
    }
    const began = Date.now();
    const kind = pending;
    pending = 'quick';
    running = build(kind)
      .then(() => log.info({ kind, ms: Date.now() - began }, 'site rebuilt'))
      .catch((err) => log.error({ err }, 'site build failed; the previous site is still served'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          start();
        } else settle();
      });
  };
  return {
    request: (kind = 'quick') => {
      if (closed) return;
      if (kind === 'full') pending = 'full';
      if (timer) clearTimeout(timer);
      timer = setTimeout(start, debounceMs);
    },
    idle: () =>
      new Promise((resolve) => {
        waiters.push(resolve);
        settle();
      }),
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
      settle();
    },
  };
}
