/**
 * A small constructed dataset with known answers, and the readers the site tests share:
 * CSV and HTML parsing, the list of page types, a walk over the built files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { parse as parseCsvText } from 'csv-parse/sync';
import { type Bucket, type Granularity, adoptionSeries } from '../../../db/adoption.ts';
import { type Writer, UNRESTRICTED, ingestBody } from '../../../db/ingest/ingest.ts';
import { localityRegistry } from '../../../db/localities/registry.ts';
import { monthRange } from '../../../db/months.ts';
import { type ServiceInput, serviceIdsByCode, upsertServices } from '../../../db/services.ts';
import { type BuildOptions, type BuildResult, buildSite } from '../../../jobs/site/build.ts';
import { type Lang, localePath } from '../../../web/i18n.ts';
import { type TestApp, csv, tempDir, testApp, testDb } from '../../helper.ts';

export const NOW = new Date('2026-11-15T00:00:00Z');
export const TODAY = '2026-11';

export const HOSTILE_NAME = '<script>alert(1)</script>';
export const HOSTILE_NAME_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
export const HOSTILE_AGENCY = '"><img src=x onerror=alert(2)>';
export const FORMULA_NAME = '=HYPERLINK("http://evil.example/","x")';
export const LONG_NAME =
  'Cấp giấy phép xây dựng sửa chữa, cải tạo đối với công trình, nhà ở riêng lẻ thuộc khu vực đô thị đã có quy hoạch chi tiết được cơ quan nhà nước có thẩm quyền phê duyệt';

/** Each service's online share grows linearly from `from` (2020-01) to `to` (2026-10). */
interface FixtureService extends ServiceInput {
  from: number;
  to: number;
  /** Old (before 2025-07) and current province codes it has rows in. */
  old: string[];
  current: string[];
}

const OLD = ['01', '02', '08', '74', '79'];
export const CURRENT_PROVINCES = ['01', '08', '79'];
const CURRENT = CURRENT_PROVINCES;

export const SERVICES: FixtureService[] = [
  { code: 'KS-01', name_vi: 'Đăng ký khai sinh', name_en: 'Birth registration', agency: 'Bộ Tư pháp', online_level: 'full', online_since: '2019-01', from: 0.05, to: 0.7, old: OLD, current: CURRENT },
  { code: 'KH-02', name_vi: 'Đăng ký kết hôn', name_en: 'Marriage registration', agency: 'Bộ Tư pháp', online_level: 'partial', online_since: '2020-06', from: 0.02, to: 0.45, old: OLD, current: CURRENT },
  { code: 'XSS', name_vi: HOSTILE_NAME, name_en: null, agency: HOSTILE_AGENCY, online_level: 'full', online_since: '2019-01', from: 0.01, to: 0.3, old: OLD, current: CURRENT },
  { code: 'XD-04', name_vi: LONG_NAME, name_en: 'Building permit for repairs and renovation of a detached house in an urban area with an approved detailed plan', agency: 'Bộ Xây dựng', online_level: 'partial', online_since: '2021-01', from: 0.1, to: 0.9, old: ['01', '79'], current: ['01', '79'] },
  { code: 'FX-05', name_vi: FORMULA_NAME, name_en: '+SUM(A1:A9)', agency: '@agency', online_level: 'full', online_since: '2019-01', from: 0.01, to: 0.05, old: ['01', '74'], current: ['01', '79'] },
];

export const SERVICE_CODES = SERVICES.map((s) => s.code);
/** Services whose Vietnamese name contains "Đăng ký". */
export const DANG_KY = SERVICES.filter((s) => s.name_vi.includes('Đăng ký')).map((s) => s.code);

export type Row = [period: string, service: string, locality: string, online: number, total: number];

/** Every observation of the dataset: old provinces to 2025-06, current ones from 2025-07 to 2026-10. */
export function datasetRows(): Row[] {
  const months = monthRange('2020-01', '2026-10');
  const rows: Row[] = [];
  SERVICES.forEach((s, si) => {
    months.forEach((period, mi) => {
      const codes = period < '2025-07' ? s.old : s.current;
      codes.forEach((code, pi) => {
        const total = 200 + 37 * si + 53 * pi + ((mi * 7) % 50);
        const share = Math.min(0.98, s.from + ((s.to - s.from) * mi) / (months.length - 1) + 0.01 * pi);
        rows.push([period, s.code, code, Math.floor(total * share), total]);
      });
    });
  });
  return rows;
}

export const CLI: Writer = { source: 'cli', publisherId: null, scope: UNRESTRICTED };
export const DEMO: Writer = { source: 'demo', publisherId: null, scope: UNRESTRICTED };

export function ingest(sqlite: Database.Database, rows: Row[], writer: Writer = CLI): void {
  const outcome = ingestBody(sqlite, Buffer.from(csv(rows)), 'csv', writer, { now: NOW });
  if (outcome.status !== 201) throw new Error(`fixture ingest failed: ${JSON.stringify(outcome.body)}`);
}

/** Registers the services and loads every row. */
export function loadDataset(sqlite: Database.Database, writer: Writer = CLI): Row[] {
  upsertServices(sqlite, SERVICES.map(({ from: _f, to: _t, old: _o, current: _c, ...s }) => s));
  const rows = datasetRows();
  ingest(sqlite, rows, writer);
  return rows;
}

/** A site built from its own database in its own temp folder; close() removes both. */
export function fixtureSite(setup: (db: ReturnType<typeof testDb>) => void = (db) => void loadDataset(db.sqlite)) {
  const db = testDb();
  const dir = tempDir('thuocdo-site-');
  const site = join(dir.path, 'site');
  setup(db);
  return { db, site, close: () => (db.remove(), dir.remove()) };
}

export function build(sqlite: Database.Database, siteDir: string, options: BuildOptions = {}): Promise<BuildResult> {
  return buildSite(sqlite, siteDir, { now: NOW, ...options });
}

/** A port nobody listens on right now, so that PUBLIC_URL can be known before the app listens. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ServedSite {
  t: TestApp;
  /** The app's URL, which is also its PUBLIC_URL and the built site's URL (oEmbed links). */
  base: string;
  siteDir: string;
  /** Builds the site again from the database, as after a batch. */
  rebuild: () => Promise<BuildResult>;
  close: () => Promise<void>;
}

/** The dataset (or another one, loaded by `setup`), built into a temp SITE_DIR and served by the whole app on 127.0.0.1. */
export async function servedSite(setup: (sqlite: Database.Database) => void = (sqlite) => void loadDataset(sqlite)): Promise<ServedSite> {
  const dir = tempDir('thuocdo-site-');
  const siteDir = join(dir.path, 'site');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await testApp({ siteDir, publicUrl: base });
  setup(t.db.sqlite);
  const rebuild = () => build(t.db.sqlite, siteDir, { siteUrl: base });
  await rebuild();
  await t.app.listen({ port, host: '127.0.0.1' });
  return {
    t,
    base,
    siteDir,
    rebuild,
    close: async () => {
      await t.close();
      dir.remove();
    },
  };
}

/** The engine's answer for a locality (and optionally one service), in today's boundaries. */
export function engine(sqlite: Database.Database, locality: string, granularity: Granularity, service?: string, from?: string, to?: string): Bucket[] {
  const registry = localityRegistry(sqlite);
  const serviceId = service === undefined ? null : serviceIdsByCode(sqlite).get(service)!;
  return adoptionSeries(sqlite, registry, { serviceId, locality: registry.current(locality, TODAY)!, granularity, from, to });
}

// ---- Pages ---------------------------------------------------------------------------

export const PAGE_TYPES = {
  home: '/',
  services: '/services/',
  service: '/services/KS-01/',
  localities: '/localities/',
  locality: '/localities/08/',
  watch: '/watch/',
  methodology: '/methodology/',
  agencies: '/agencies/',
  data: '/data/',
} as const;
export type PageType = keyof typeof PAGE_TYPES;
export const LANGS: Lang[] = ['vi', 'en'];

/** Every page type in both languages, with its URL path and index.html under the site. */
export function pages(): Array<{ type: PageType; lang: Lang; url: string; file: string }> {
  return LANGS.flatMap((lang) =>
    (Object.entries(PAGE_TYPES) as Array<[PageType, string]>).map(([type, path]) => {
      const url = localePath(lang, path);
      return { type, lang, url, file: join(...url.split('/').filter(Boolean), 'index.html') };
    }),
  );
}

export function readPage(siteDir: string, url: string): string {
  return readFileSync(join(siteDir, ...url.split('/').filter(Boolean), 'index.html'), 'utf8');
}

/** Every file under a folder, as paths relative to it. */
export function walk(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: '\u00a0' };
export function decodeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, e: string) => ENTITIES[e]!);
}

/** Rows of the yearly table under a page's trend chart: [label, online, total, rate] as shown. */
export function yearlyTable(page: string): string[][] {
  const details = page.slice(page.indexOf('<details class="chart-table"'));
  const body = details.slice(details.indexOf('<tbody>'), details.indexOf('</tbody>'));
  return [...body.matchAll(/<tr(?: class="partial")?><th scope="row">(.*?)<\/th><td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><\/tr>/g)].map((m) => m.slice(1).map(decodeHtml));
}

// ---- CSV -----------------------------------------------------------------------------

/** A published CSV read with csv-parse's defaults, as a reader's script would: its first line must be the header. */
export function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const [header = [], ...rows] = parseCsvText(text) as string[][];
  return { header, rows };
}
