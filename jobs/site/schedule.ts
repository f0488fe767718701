import type Database from 'better-sqlite3';
import { dataVersion, readMeta } from '../../db/meta.ts';
import type { Job } from '../scheduler.ts';
import type { Rebuilder } from './rebuilder.ts';
import { servesSite } from './publish.ts';

/** Hourly, so that month boundaries and late data show even without a new batch. */
export function siteBuildJob(rebuilder: Rebuilder): Job {
  return { name: 'site-build', schedule: '5 * * * *', run: () => rebuilder.request('full') };
}

/** True when there is no site yet, or data changed since it was built. */
export function siteIsStale(sqlite: Database.Database, siteDir: string): boolean {
  if (!servesSite(siteDir)) return true;
  return readMeta(sqlite, 'site_data_version') !== String(dataVersion(sqlite));
}
