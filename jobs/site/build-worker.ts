import { setPriority } from 'node:os';
import { basename } from 'node:path';
import { openDb } from '../../db/open.ts';
import { type PendingRedraw, buildSite, redrawStaleImages, warmState, warmUp } from './build.ts';
import { liveBuild, oldBuilds, removeInPieces } from './publish.ts';
import { BUILD_NICENESS, type BuildKind } from './rebuilder.ts';
import { siteIsStale } from './schedule.ts';

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
try {
  warmUp(db.sqlite, warm);
} catch {
  // The first build reads the rollups instead, and reports what is wrong.
}

const waiting: Array<{ id: number; kind: BuildKind }> = [];
/** Old builds kept for an idle moment before they are deleted anyway. */
const MAX_RETIRED = 6;
let pending: PendingRedraw | null = null;
let busy = false;

/**
 * Builds what was asked, in order; when nothing is waiting, redraws the images the last quick
 * build showed stale. A request arriving mid-redraw interrupts it: the build goes first, and its
 * own stale images (numbers newer still) are redrawn after.
 */
async function work(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    for (;;) {
      const message = waiting.shift();
      if (message) {
        // A batch that landed while the build before was reading is in that build already: a
        // quick build of the same data would only delay the next batch's.
        if (message.kind === 'quick' && !siteIsStale(db.sqlite, siteDir)) {
          process.send!({ id: message.id, ok: true });
          continue;
        }
        try {
          const { redraw, ...result } = await buildSite(db.sqlite, siteDir, { quick: message.kind === 'quick', siteUrl: process.env.PUBLIC_URL || null, warm });
          pending = redraw;
          process.send!({ id: message.id, ok: true, result });
          // A long burst must not fill the disk with builds waiting for a quiet moment: past a few,
          // they go while images are redrawn too, still never while a build waits.
          if (warm.retired.size > MAX_RETIRED) deleteRetired(() => waiting.length > 0);
        } catch (err) {
          process.send!({ id: message.id, ok: false, error: (err as Error).stack ?? String(err) });
        }
        // Let requests sent meanwhile arrive before deciding what is next.
        await new Promise((resolve) => setImmediate(resolve));
      } else if (pending) {
        const job = pending;
        pending = null;
        try {
          await redrawStaleImages(job, () => waiting.length > 0);
        } catch (err) {
          console.error(`Thước đo: redrawing changed chart images failed; the next build draws them: ${(err as Error).stack ?? err}`);
        }
      } else return;
    }
  } finally {
    busy = false;
    // Idle: now the builds no longer served can go, until the next batch.
    deleteRetired(() => busy || waiting.length > 0);
  }
}

let deleting = false;
/** Deletes retired builds until `stop()`; one deletion at a time. */
function deleteRetired(stop: () => boolean): void {
  if (deleting) return;
  deleting = true;
  void removeInPieces(warm.retired, stop).finally(() => (deleting = false));
}

// Builds left by an earlier run (stopped before an idle moment) go now, until a batch arrives.
const live = liveBuild(siteDir);
for (const path of oldBuilds(siteDir, live ? [basename(live)] : [])) warm.retired.add(path);
deleteRetired(() => busy || waiting.length > 0);

process.on('message', (message: { id: number; kind: BuildKind }) => {
  waiting.push(message);
  void work();
});
process.on('disconnect', () => {
  warm.pages.close();
  db.sqlite.close();
  process.exit(0);
});
