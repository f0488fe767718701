import type Database from 'better-sqlite3';
import cron, { type ScheduledTask } from 'node-cron';
import { reportingTimeZone } from '../../db/months.ts';
import { getSource, listSources } from '../../db/pull-sources.ts';
import type { Logger } from '../scheduler.ts';
import { type PullOptions, type PullResult, pullSource } from './pull.ts';

export interface PullControl {
  /** Pulls a source now (or joins the pull already running); null for an unknown source. */
  runNow: (name: string) => Promise<PullResult | null>;
  /** Starts the schedules, and re-reads the sources after an admin changed them. */
  reload: () => void;
  nextRun: (name: string) => Date | null;
  /** Stops the schedules, cuts waits and downloads short, and waits for running pulls. */
  stop: () => Promise<void>;
}

export interface PullSchedulerOptions extends Omit<PullOptions, 'signal'> {
  log: Logger;
  /** Called after a pull stored a batch (the site rebuild listens here). */
  onBatchStored: () => void;
}

/**
 * One node-cron task per enabled source, in the reporting time zone; a source never overlaps
 * itself. Nothing is scheduled until the first reload().
 */
export function pullScheduler(sqlite: Database.Database, options: PullSchedulerOptions): PullControl {
  const { log, onBatchStored, ...pullOptions } = options;
  const stopping = new AbortController();
  const tasks = new Map<string, ScheduledTask>();
  const running = new Map<string, Promise<PullResult>>();

  const run = (name: string): Promise<PullResult | null> => {
    const inFlight = running.get(name);
    if (inFlight) return inFlight;
    const source = getSource(sqlite, name);
    if (!source || stopping.signal.aborted) return Promise.resolve(null);
    const pull = pullSource(sqlite, source, {
      ...pullOptions,
      signal: stopping.signal,
      onRetry: (s, error, delayMs) => log.info({ source: s, error, delayMs: Math.round(delayMs) }, 'pull failed; retrying'),
    })
      .then((result) => {
        const files = result.files.map((f) => ({ file: f.file, status: f.status, batch: f.batch_id }));
        if (result.outcome === 'failed' || result.outcome === 'rejected') log.error({ source: name, outcome: result.outcome, error: result.error, files }, 'pull failed');
        else log.info({ source: name, outcome: result.outcome, files }, 'pull finished');
        if (result.files.some((f) => f.status === 201)) onBatchStored();
        return result;
      })
      .finally(() => running.delete(name));
    running.set(name, pull);
    return pull;
  };

  const reload = () => {
    for (const task of tasks.values()) void task.destroy();
    tasks.clear();
    if (stopping.signal.aborted) return;
    for (const source of listSources(sqlite)) {
      if (!source.enabled) continue;
      const task = cron.schedule(source.schedule, () => run(source.name).then(() => undefined), {
        timezone: reportingTimeZone(),
        name: `pull:${source.name}`,
        noOverlap: true,
      });
      tasks.set(source.name, task);
    }
  };

  return {
    runNow: run,
    reload,
    nextRun: (name) => tasks.get(name)?.getNextRun() ?? null,
    stop: async () => {
      stopping.abort();
      reload();
      await Promise.allSettled(running.values());
    },
  };
}
