import cron, { type ScheduledTask } from 'node-cron';
import type { Db } from '../db/open.ts';
import { reportingTimeZone } from '../db/months.ts';

export interface Job {
  name: string;
  /** A cron expression in the reporting time zone. */
  schedule: string;
  run: () => void | Promise<void>;
}

export interface Logger {
  info: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
}

/** Keeps the database small and its query plans fresh; cheap, so nightly. */
export function maintenanceJob(db: Db): Job {
  return {
    name: 'db-maintenance',
    schedule: '30 3 * * *',
    run: () => {
      db.sqlite.pragma('optimize');
      db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    },
  };
}

/** Starts jobs on node-cron; a failing run is logged and the next one still happens. */
export function startJobs(jobs: Job[], log: Logger): { stop: () => void } {
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(
      job.schedule,
      async () => {
        const started = Date.now();
        try {
          await job.run();
          log.info({ job: job.name, ms: Date.now() - started }, 'job finished');
        } catch (err) {
          log.error({ job: job.name, err }, 'job failed');
        }
      },
      { timezone: reportingTimeZone(), name: job.name, noOverlap: true },
    ),
  );
  return { stop: () => tasks.forEach((t) => t.stop()) };
}
