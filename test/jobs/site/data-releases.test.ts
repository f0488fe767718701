import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataPackage, DataSnapshot } from '../../../web/model.ts';
import { ZIP_NAME } from '../../../web/templates/pages/data.ts';
import { CURRENT_PROVINCES, SERVICE_CODES, build, engine, fixtureSite, ingest, parseCsv, readPage } from './fixture.ts';

const DECEMBER = new Date('2026-12-05T03:00:00Z');

describe('data releases: snapshots and the feed', () => {
  let fx: ReturnType<typeof fixtureSite>;
  const data = (path: string) => join(fx.site, 'data', path);
  const index = () => (JSON.parse(readFileSync(data('archive/index.json'), 'utf8')) as { snapshots: DataSnapshot[] }).snapshots;
  const feed = () => readFileSync(data('feed.xml'), 'utf8');
  beforeAll(async () => {
    fx = fixtureSite();
    await build(fx.db.sqlite, fx.site, { siteUrl: 'https://thuocdo.example' });
  });
  afterAll(() => fx.close());

  it('freezes the open data when a month is complete: its tables, metadata, spreadsheets, datapackage and zip', () => {
    const [october] = engine(fx.db.sqlite, 'VN', 'month', undefined, '2026-10', '2026-10');
    expect(index()).toEqual([{ month: '2026-10', path: 'archive/2026-10/', created: expect.any(String), last_batch_id: 1, online_count: october!.online_count, total_count: october!.total_count, rate: october!.rate }]);
    const pkg = JSON.parse(readFileSync(data('archive/2026-10/datapackage.json'), 'utf8')) as DataPackage;
    expect(pkg.name).toBe('thuoc-do-2026-10');
    for (const r of pkg.resources) expect(statSync(data(`archive/2026-10/${r.path as string}`)).size, r.name).toBeGreaterThan(0);
    expect(pkg.resources.map((r) => r.name)).toEqual(expect.arrayContaining(['adoption-national-monthly', 'adoption-national-monthly-json', 'adoption-national-monthly-xlsx', 'services', 'flags']));
    expect(statSync(data('archive/2026-10/adoption-national-monthly.metadata.json')).size).toBeGreaterThan(0);
    // The raw observations of that moment are in its zip.
    expect(Object.keys(unzipSync(readFileSync(data(`archive/2026-10/${ZIP_NAME}`))))).toContain('observations/2026/79.csv');
    expect(feed()).toContain('<id>tag:thuocdo.example,2026:data/snapshot/2026-10</id>');
    expect(feed()).toContain('<link rel="alternate" type="text/html" href="https://thuocdo.example/data/archive/2026-10/"/>');
    const page = readPage(fx.site, '/data/');
    expect(page).toContain('href="../data/archive/2026-10/datapackage.json"');
    expect(page).toContain('href="../data/feed.xml"');
  });

  it('a revision of a complete month goes to the feed with how much it changed, and the snapshot stays as it was', async () => {
    const frozen = readFileSync(data('archive/2026-10/adoption-national-monthly.csv'));
    const ino = statSync(data('archive/2026-10/adoption-national-monthly.csv')).ino;
    const [before] = engine(fx.db.sqlite, 'VN', 'month', undefined, '2026-09', '2026-09');
    const [row] = engine(fx.db.sqlite, '01', 'month', 'KS-01', '2026-09', '2026-09');
    ingest(fx.db.sqlite, [['2026-09', 'KS-01', '01', row!.total_count, row!.total_count]]);
    await build(fx.db.sqlite, fx.site, { quick: true, siteUrl: 'https://thuocdo.example' });
    const [after] = engine(fx.db.sqlite, 'VN', 'month', undefined, '2026-09', '2026-09');
    const added = after!.online_count - before!.online_count;
    expect(added).toBeGreaterThan(0);
    expect(feed()).toContain(`Số liệu tháng 09/2026 được sửa / Sep 2026 revised`);
    expect(feed()).toContain(`hồ sơ trực tuyến +${added}, tổng số hồ sơ 0 (đến lô 2)`);
    expect(feed()).toContain(`online dossiers +${added}, all dossiers 0 (to batch 2)`);
    expect(statSync(data('archive/2026-10/adoption-national-monthly.csv')).ino).toBe(ino);
    expect(readFileSync(data('archive/2026-10/adoption-national-monthly.csv')).equals(frozen)).toBe(true);
    // The live table moved on.
    expect(parseCsv(readFileSync(data('adoption-national-monthly.csv'), 'utf8')).rows.find((r) => r[0] === '2026-09')![1]).toBe(String(after!.online_count));
  });

  it('a month that becomes complete is frozen by the next full build, beside the earlier snapshots', async () => {
    ingest(fx.db.sqlite, SERVICE_CODES.flatMap((s) => CURRENT_PROVINCES.map((p) => ['2026-11', s, p, 40, 100] as [string, string, string, number, number])));
    await build(fx.db.sqlite, fx.site, { quick: true, now: DECEMBER });
    // A quick build links the zip of an earlier batch: no snapshot until a full build.
    expect(index().map((s) => s.month)).toEqual(['2026-10']);
    await build(fx.db.sqlite, fx.site, { now: DECEMBER });
    expect(index().map((s) => s.month)).toEqual(['2026-11', '2026-10']);
    expect(index()[0]).toMatchObject({ last_batch_id: 3, online_count: 40 * SERVICE_CODES.length * CURRENT_PROVINCES.length });
    expect(feed()).toContain('data/snapshot/2026-11');
    expect(feed()).toContain('data/snapshot/2026-10');
    expect(statSync(data('archive/2026-10/datapackage.json')).size).toBeGreaterThan(0);
  });
});
