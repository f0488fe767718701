import { setPriority } from 'node:os';
import { openDb } from '../../db/open.ts';
import { buildSite, warmState } from './build.ts';
import { BUILD_NICENESS, type BuildKind } from './rebuilder.ts';

/**
 * The warm builder: a child process the server starts once and sends build requests to,
 * so a rebuild pays no start-up and never blocks the server's event loop.
 */
// Background work: when readers and a build both want the CPU, readers come first. Threads
// started from here on (the image workers) inherit it.
try {
  setPriority(BUILD_NICENESS);
} catch {
  // Not allowed here: builds then simply share the CPU.
}
const db = openDb(process.env.DB_PATH || './data/thuocdo.db');
const siteDir = process.env.SITE_DIR || './data/site';
const warm = warmState();

process.on('message', (message: { id: number; kind: BuildKind }) => {
  try {
    const result = buildSite(db.sqlite, siteDir, { quick: message.kind === 'quick', siteUrl: process.env.PUBLIC_URL || null, warm });
    process.send!({ id: message.id, ok: true, result });
  } catch (err) {
    process.send!({ id: message.id, ok: false, error: (err as Error).stack ?? String(err) });
  }
});
process.on('disconnect', () => {
  warm.pages.close();
  db.sqlite.close();
  process.exit(0);
});
