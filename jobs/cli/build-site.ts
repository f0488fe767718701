import { openDb } from '../../db/open.ts';
import { buildSite, redrawStaleImages, warmState } from '../site/build.ts';
import { removeInPieces } from '../site/publish.ts';

/**
 * npm run build-site: rebuilds the whole static site into SITE_DIR. The server runs it as a
 * child process too, with --quick after a batch.
 */
const quick = process.argv.includes('--quick');
const db = openDb(process.env.DB_PATH || './data/thuocdo.db');
// For the second core: the services' pages are written on another thread.
const warm = warmState();
try {
  const { redraw, ...result } = await buildSite(db.sqlite, process.env.SITE_DIR || './data/site', { quick, siteUrl: process.env.PUBLIC_URL || null, warm });
  const redrawn = redraw ? await redrawStaleImages(redraw) : 0;
  console.log(JSON.stringify({ ...result, imagesRedrawn: redrawn, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
} catch (err) {
  console.error(`site build failed; the previous site is still served: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
} finally {
  await removeInPieces(warm.retired);
  warm.pages.close();
  db.sqlite.close();
}
