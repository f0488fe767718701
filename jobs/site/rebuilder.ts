import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../scheduler.ts';
import { BuildStatus, type SiteBuildStatus } from './build-status.ts';

const BUILD_WORKER = fileURLToPath(new URL('./build-worker.ts', import.meta.url));

export type Build = (kind: BuildKind) => Promise<void>;
/** The builder's nice value: below the server, which answers readers. */
export const BUILD_NICENESS = 10;
/** Quick after a batch (the zip linked from the live site), full on the schedule. */
export type BuildKind = 'quick' | 'full';

/**
 * Builds in one long-lived child process (build-worker.ts), started on first use and again
 * if it dies: the server's event loop never waits on a build, and no build pays start-up.
 */
export function warmBuilder(env: { dbPath: string; siteDir: string; publicUrl: string }): { build: Build; start: () => void; stop: () => void; pid: () => number | null } {
  let child: ChildProcess | null = null;
  let nextId = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  const failAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  const ensure = () => {
    if (child && child.connected) return child;
    const started = fork(BUILD_WORKER, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, DB_PATH: env.dbPath, SITE_DIR: env.siteDir, PUBLIC_URL: env.publicUrl },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    started.on('message', (m: { id: number; ok: boolean; error?: string }) => {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.ok) w?.resolve();
      else w?.reject(new Error(m.error));
    });
    started.on('exit', (code) => {
      if (child === started) child = null;
      failAll(new Error(`site builder exited with ${code}`));
    });
    return (child = started);
  };
  return {
    build: (kind) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        ensure().send({ id, kind });
      }),
    /** Starts the builder before the first build is asked for: it reads the rollups into memory meanwhile. */
    start: () => void ensure(),
    stop: () => child?.disconnect(),
    pid: () => child?.pid ?? null,
  };
}

export interface Rebuilder {
  /** Asks for a rebuild; a burst of requests gives one build, full if any asked for full. */
  request: (kind?: BuildKind) => void;
  /** Resolves when no build is running or waiting. */
  idle: () => Promise<void>;
  /** Drops a build that has not started and waits for the running one: for shutdown. */
  close: () => Promise<void>;
  /** How the last build ended: a failure (a full disk) stays until a build succeeds. */
  status: () => SiteBuildStatus;
}

/**
 * Debounces rebuild requests: the build starts `debounceMs` after the last request, and a
 * request during a build gives exactly one more build after it.
 */
export function debouncedRebuilder(build: Build, log: Logger, debounceMs = 1000): Rebuilder {
  const outcome = new BuildStatus();
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
      .then(() => {
        outcome.succeeded();
        log.info({ kind, ms: Date.now() - began }, 'site rebuilt');
      })
      .catch((err) => {
        outcome.failed(err);
        log.error({ err }, 'site build failed; the previous site is still served');
      })
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
    status: () => outcome.current(),
  };
}
