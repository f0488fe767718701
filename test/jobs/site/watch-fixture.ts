/**
 * The site fixture's dataset plus a province that reports four services by commune: Thành phố
 * Hồ Chí Minh (79), 90 of its communes from 2025-07, flat rates from 3% up, so that hundreds of
 * commune flags (stalled, little used, behind their peers, paper backlogs) exceed the watch
 * pages' bound.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { localityRegistry } from '../../../db/localities/registry.ts';
import { monthRange } from '../../../db/months.ts';
import { upsertServices } from '../../../db/services.ts';
import { testApp, tempDir } from '../../helper.ts';
import { type Row, type ServedSite, TODAY, build, ingest, loadDataset } from './fixture.ts';

export const COMMUNE_PROVINCE = '79';
export const COMMUNE_SERVICES = ['CX-1', 'CX-2', 'CX-3', 'CX-4'];
export const COMMUNES_REPORTING = 90;

/** The communes of 79 that report, in the registry's order. */
export function reportingCommunes(sqlite: Database.Database): Array<{ code: string; name: string }> {
  const registry = localityRegistry(sqlite);
  return registry
    .children(registry.current(COMMUNE_PROVINCE, TODAY)!)
    .slice(0, COMMUNES_REPORTING)
    .map((c) => ({ code: c.code, name: c.name }));
}

export function communeRows(sqlite: Database.Database): Row[] {
  const rows: Row[] = [];
  const months = monthRange('2025-07', '2026-10');
  reportingCommunes(sqlite).forEach(({ code }, i) => {
    COMMUNE_SERVICES.forEach((service, s) => {
      months.forEach((period, m) => {
        const total = 80 + 7 * i + 13 * s + ((m * 5) % 20);
        rows.push([period, service, code, Math.floor(total * Math.min(0.95, 0.03 + 0.008 * i + 0.05 * s)), total]);
      });
    });
  });
  return rows;
}

/** The fixture dataset and 79's commune rows. */
export function loadCommuneDataset(sqlite: Database.Database): void {
  loadDataset(sqlite);
  upsertServices(
    sqlite,
    COMMUNE_SERVICES.map((code, s) => ({ code, name_vi: `Dịch vụ cấp xã ${s + 1}`, name_en: `Commune service ${s + 1}`, agency: 'Bộ Nội vụ', online_level: 'full' as const, online_since: '2019-01' })),
  );
  ingest(sqlite, communeRows(sqlite));
}

/** A port nobody listens on right now (as in fixture.ts), so that PUBLIC_URL is known before the app listens. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** That dataset built into a temp SITE_DIR and served by the whole app on 127.0.0.1. */
export async function servedCommuneSite(): Promise<ServedSite> {
  const dir = tempDir('thuocdo-watch-site-');
  const siteDir = join(dir.path, 'site');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await testApp({ siteDir, publicUrl: base });
  loadCommuneDataset(t.db.sqlite);
  const rebuild = () => build(t.db.sqlite, siteDir, { siteUrl: base });
  await rebuild();
  await t.app.listen({ port, host: '127.0.0.1' });
  return { t, base, siteDir, rebuild, close: async () => (await t.close(), dir.remove()) };
}
