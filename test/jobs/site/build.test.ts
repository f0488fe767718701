import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { basename, join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Bucket } from '../../../db/adoption.ts';
import { rateOf } from '../../../db/adoption.ts';
import { csvLine } from '../../../jobs/site/csv.ts';
import { compressible } from '../../../lib/compressed-files.ts';
import { publishNewBuild, redrawStaleImages, warmState } from '../../../jobs/site/build.ts';
import { XLSX_TYPE } from '../../../jobs/site/table-files.ts';
import { FEED_STATE } from '../../../jobs/site/watch-feed.ts';
import { buildsDir, publish } from '../../../jobs/site/publish.ts';
import { BUILD_NICENESS, type BuildKind, debouncedRebuilder, warmBuilder } from '../../../jobs/site/rebuilder.ts';
import { type Lang, formatCount, formatDateTime, formatRate, localePath } from '../../../web/i18n.ts';
import type { DataPackage, TableMetadata } from '../../../web/model.ts';
import { ZIP_NAME } from '../../../web/templates/pages/data.ts';
import { tempDir, testApp } from '../../helper.ts';
import {
  DEMO,
  FORMULA_NAME,
  HOSTILE_AGENCY,
  HOSTILE_NAME,
  HOSTILE_NAME_ESCAPED,
  LANGS,
  NOW,
  type Row,
  build,
  engine,
  fixtureSite,
  ingest,
  loadDataset,
  pages,
  parseCsv,
  readPage,
  walk,
  yearlyTable,
} from './fixture.ts';

const BUILT_AT = NOW.toISOString();
const DEMO_LABEL = 'Dữ liệu minh họa — Demo data';
const HOSTILE_AGENCY_ESCAPED = '&quot;&gt;&lt;img src=x onerror=alert(2)&gt;';

/** What a yearly chart table must show for the engine's buckets, with who reported. */
function expectedYearly(buckets: Bucket[], lang: Lang): string[][] {
  const partial = (months: number) => (months >= 12 ? '' : lang === 'vi' ? ` (${months} tháng)` : ` (${months} months)`);
  const reported = (b: Bucket) => `${b.coverage.reporting}/${b.coverage.expected}${b.complete ? '' : lang === 'vi' ? ' (chưa đầy đủ)' : ' (incomplete)'}`;
  return buckets.map((b) => [b.period + partial(b.months), formatCount(b.online_count, lang), formatCount(b.total_count, lang), formatRate(b.rate, lang), reported(b)]);
}

/** Sums straight from the rows we sent, for a check that does not go through the engine. */
function sums(rows: Row[], keep: (r: Row) => boolean): { online: number; total: number; rate: number | null } {
  let online = 0;
  let total = 0;
  for (const r of rows) if (keep(r)) (online += r[3]), (total += r[4]);
  return { online, total, rate: rateOf(online, total) };
}

const headlineValues = (page: string) => [...page.matchAll(/<span class="value">(.*?)<\/span>/g)].map((m) => m[1]);
const dataFile = (site: string, path: string) => readFileSync(join(site, 'data', path), 'utf8');
const htmlFiles = (site: string) => walk(site).filter((f) => f.endsWith('.html'));
/** The build's CSVs, not its snapshots' (data-releases.test.ts). */
const csvFiles = (site: string) => walk(join(site, 'data')).filter((f) => f.endsWith('.csv') && !f.startsWith('archive/'));
const sidecar = (site: string, csvPath: string) => JSON.parse(dataFile(site, csvPath.replace(/\.csv$/, '.metadata.json'))) as TableMetadata;
const rawParts = (pkg: DataPackage) => pkg.resources.filter((r) => r.name.startsWith('observations-'));
const readPackage = (site: string) => JSON.parse(dataFile(site, 'datapackage.json')) as DataPackage;

describe('static site build', () => {
  let fx: ReturnType<typeof fixtureSite>;
  let rows: Row[];
  let builtAt: string;

  beforeAll(async () => {
    fx = fixtureSite((db) => void (rows = loadDataset(db.sqlite)));
    builtAt = (await build(fx.db.sqlite, fx.site)).builtAt;
  });
  afterAll(() => fx.close());

  describe('figures on the pages equal the engine', () => {
    it.each(LANGS)('home: headline and national yearly table (%s)', (lang) => {
      const home = readPage(fx.site, localePath(lang, '/'));
      const [october] = engine(fx.db.sqlite, 'VN', 'month', undefined, '2026-10', '2026-10');
      const years = engine(fx.db.sqlite, 'VN', 'year');
      // The engine agrees with plain sums of the rows we sent.
      expect(october!.rate).toBe(sums(rows, (r) => r[0] === '2026-10').rate);
      expect(years[0]).toMatchObject({ period: '2020', rate: sums(rows, (r) => r[0].startsWith('2020')).rate });

      const [month, ytd] = headlineValues(home);
      expect(month).toBe(formatRate(october!.rate, lang));
      expect(ytd).toBe(formatRate(years.find((y) => y.period === '2026')!.rate, lang));
      expect(month).toMatch(lang === 'vi' ? /^\d{1,2},\d\d%$/ : /^\d{1,2}\.\d\d%$/);

      const table = yearlyTable(home);
      expect(table).toEqual(expectedYearly(years, lang));
      expect(table.map((r) => r[0])).toEqual(['2020', '2021', '2022', '2023', '2024', '2025', lang === 'vi' ? '2026 (10 tháng)' : '2026 (10 months)']);
    });

    it.each(LANGS)('a province page shows the engine’s series, old provinces merged in (%s)', (lang) => {
      const years = engine(fx.db.sqlite, '08', 'year');
      // Before 2025-07 today's 08 is old 02 (Hà Giang) plus old 08 (Tuyên Quang).
      expect(years.find((y) => y.period === '2021')).toMatchObject({ online_count: sums(rows, (r) => r[0].startsWith('2021') && ['02', '08'].includes(r[2])).online });
      expect(yearlyTable(readPage(fx.site, localePath(lang, '/localities/08/')))).toEqual(expectedYearly(years, lang));
    });

    it.each(LANGS)('a service page shows the engine’s national series for it (%s)', (lang) => {
      const years = engine(fx.db.sqlite, 'VN', 'year', 'KS-01');
      expect(years.find((y) => y.period === '2024')).toMatchObject({ total_count: sums(rows, (r) => r[0].startsWith('2024') && r[1] === 'KS-01').total });
      const table = yearlyTable(readPage(fx.site, localePath(lang, '/services/KS-01/')));
      expect(table).toEqual(expectedYearly(years, lang));
      expect(table).toHaveLength(7);
    });

    it('formats rates the Vietnamese and the English way', () => {
      expect(formatRate(0.0951, 'vi')).toBe('9,51%');
      expect(formatRate(0.0951, 'en')).toBe('9.51%');
    });
  });

  describe('every page type exists in both languages and links its twin', () => {
    it.each(pages().map((p) => [`${p.lang} ${p.type}`, p] as const))('%s', (_name, p) => {
      const page = readFileSync(join(fx.site, p.file), 'utf8');
      expect(page).toContain(`<html lang="${p.lang}">`);
      expect(page).toMatch(/<h1>[^<]+<\/h1>/);
      // The footer gives the data month the way each language writes months.
      expect(page.slice(page.indexOf('<footer'))).toContain(p.lang === 'vi' ? 'Số liệu đến 10/2026;' : 'Data to Oct 2026;');
      const other: Lang = p.lang === 'vi' ? 'en' : 'vi';
      const base = `http://site.test${p.url}`;
      const resolved = (re: RegExp) => new URL(page.match(re)![1]!, base).pathname;
      const path = p.lang === 'vi' ? p.url : p.url.slice(3);
      expect(resolved(/<link rel="alternate" hreflang="vi" href="([^"]+)">/)).toBe(localePath('vi', path));
      expect(resolved(/<link rel="alternate" hreflang="en" href="([^"]+)">/)).toBe(localePath('en', path));
      // The visible language switch goes to the twin, which exists.
      const twin = resolved(new RegExp(`<a href="([^"]+)" hreflang="${other}" lang="${other}">`));
      expect(twin).toBe(localePath(other, path));
      expect(existsSync(join(fx.site, ...twin.split('/').filter(Boolean), 'index.html'))).toBe(true);
    });
  });

  describe('hostile text', () => {
    it('never appears raw in any HTML file, and shows escaped where the service appears', () => {
      const files = htmlFiles(fx.site);
      expect(files.length).toBeGreaterThan(80);
      for (const file of files) {
        const page = readFileSync(join(fx.site, file), 'utf8');
        expect(page, file).not.toContain('<script>alert(1)');
        expect(page, file).not.toContain('<img src=x');
      }
      const expected = LANGS.flatMap((lang) => ['/services/', '/services/XSS/', '/localities/01/', '/localities/08/', '/localities/79/'].map((p) => localePath(lang, p)));
      for (const url of expected) {
        const page = readPage(fx.site, url);
        expect(page, url).toContain(HOSTILE_NAME_ESCAPED);
        expect(page, url).toContain(HOSTILE_AGENCY_ESCAPED);
      }
      expect(readPage(fx.site, '/services/XSS/')).toContain(`<h1>${HOSTILE_NAME_ESCAPED}</h1>`);
    });

    it('is data in the CSV, with formula-like text neutralised by an apostrophe', () => {
      const text = dataFile(fx.site, 'services.csv');
      const { header, rows: services } = parseCsv(text);
      const byCode = new Map(services.map((r) => [r[0], Object.fromEntries(header.map((h, i) => [h, r[i]]))]));
      expect(byCode.get('XSS')).toMatchObject({ name_vi: HOSTILE_NAME, name_en: '', agency: HOSTILE_AGENCY });
      expect(byCode.get('FX-05')).toMatchObject({ name_vi: `'${FORMULA_NAME}`, name_en: "'+SUM(A1:A9)", agency: "'@agency" });
      expect(text).toContain(`"'=HYPERLINK(""http://evil.example/"",""x"")"`);
      const perService = parseCsv(dataFile(fx.site, 'adoption-service-monthly.csv')).rows.filter((r) => r[1] === 'FX-05');
      expect(perService.length).toBe(82);
      expect(new Set(perService.map((r) => r[2]))).toEqual(new Set([`'${FORMULA_NAME}`]));
      // No text cell of any CSV can start a formula.
      for (const file of csvFiles(fx.site)) {
        for (const row of parseCsv(dataFile(fx.site, file)).rows) for (const cell of row) expect(cell, `${file}: ${cell}`).not.toMatch(/^[=+@]|^-(?!\d)/);
      }
    });
  });

  describe('open data', () => {
    it('the raw observations come in parts by year and area, one row per observation with its counts', () => {
      const pkg = JSON.parse(dataFile(fx.site, 'datapackage.json')) as DataPackage;
      const parts = rawParts(pkg);
      // Three provinces (old ones merged into them) by 7 years; the fixture sends no country rows.
      expect(parts).toHaveLength(3 * 7);
      expect(new Set(parts.map((r) => r.name.slice(-2)))).toEqual(new Set(['01', '08', '79']));
      expect(parts.find((r) => r.name === 'observations-2024-01')).toMatchObject({ path: 'observations/2024/01.csv', last_batch_id: 1 });
      const got: string[][] = [];
      for (const part of parts) {
        const { header, rows: partRows } = parseCsv(dataFile(fx.site, part.path as string));
        expect(sidecar(fx.site, part.path as string), part.name).toMatchObject({ name: part.name, last_batch_id: part.last_batch_id, files: { csv: part.path } });
        expect(header).toEqual(['period', 'service_code', 'locality_code', 'locality_name', 'online_count', 'total_count', 'end_to_end_count', 'fee_count', 'paid_online_count', 'batch_id']);
        const [, year] = /^observations-(\d{4})-/.exec(part.name)!;
        for (const r of partRows) expect(r[0]!.slice(0, 4), part.name).toBe(year);
        got.push(...partRows);
      }
      expect(got).toHaveLength(rows.length);
      const sent = new Map(rows.map((r) => [`${r[0]}|${r[1]}|${r[2]}`, [String(r[3]), String(r[4])]]));
      expect(new Set(got.map((r) => `${r[0]}|${r[1]}|${r[2]}`)).size).toBe(rows.length);
      for (const r of got) expect([r[4], r[5]], r.join(',')).toEqual(sent.get(`${r[0]}|${r[1]}|${r[2]}`));
      // Codes are read in the month of the row: 08 meant old Tuyên Quang in 2020, 02 Hà Giang, both now in 08.
      expect(parseCsv(dataFile(fx.site, 'observations/2020/08.csv')).rows.find((r) => r[0] === '2020-01' && r[2] === '02')?.[3]).toBe('Tỉnh Hà Giang');
    });

    it('adoption-national-monthly.csv matches the engine', () => {
      const { rows: got } = parseCsv(dataFile(fx.site, 'adoption-national-monthly.csv'));
      const months = engine(fx.db.sqlite, 'VN', 'month');
      expect(months).toHaveLength(82);
      expect(got).toEqual(months.map((b) => [b.period, String(b.online_count), String(b.total_count), String(b.rate), String(b.coverage.reporting), String(b.coverage.expected), String(b.complete)]));
      // October is whole: the three provinces that report sent it.
      expect(got.at(-1)).toEqual(['2026-10', expect.any(String), expect.any(String), expect.any(String), '3', '3', 'true']);
    });

    it('every CSV starts with its header; its metadata beside it says when it was built, its last batch and how to cite it, and no demo label without demo rows', () => {
      const files = csvFiles(fx.site);
      // The main tables (the scorecards and the national indicators among them), the services' and localities' chart files, the raw parts.
      expect(files.length).toBe(9 + 5 + 34 + 3 * 7);
      const pkg = JSON.parse(dataFile(fx.site, 'datapackage.json')) as DataPackage;
      const fieldsOf = new Map(pkg.resources.flatMap((r) => [r.path].flat().map((p) => [p, r.schema?.fields.map((f) => f.name)] as const)));
      for (const file of files) {
        const text = dataFile(fx.site, file);
        expect(text.split('\r\n')[0]!.split(','), file).toEqual(fieldsOf.get(file));
        const meta = sidecar(fx.site, file);
        expect(meta, file).toMatchObject({ files: { csv: file }, built_at: BUILT_AT, data_as_of: '2026-10', last_batch_id: 1, demo: false, demo_label: null, licence: { name: 'CC-BY-4.0' } });
        expect(meta.fields.map((f) => f.name), file).toEqual(fieldsOf.get(file));
        expect(meta.citation.vi, file).toMatch(new RegExp(`^Thước đo \\(2026\\)\\. .+\\. Truy cập 15/11/2026\\. /data/${file.replace(/[.]/g, '\\.')}$`));
        expect(meta.citation.en, file).toMatch(/\. Accessed 15 November 2026\. \/data\//);
        expect(JSON.stringify(meta), file).not.toContain(DEMO_LABEL);
      }
      for (const p of pages()) expect(readFileSync(join(fx.site, p.file), 'utf8'), p.url).not.toContain('<div class="demo"');
    });

    it('JSON twins hold the same rows as their CSVs', () => {
      const twins = csvFiles(fx.site).filter((f) => existsSync(join(fx.site, 'data', f.replace(/\.csv$/, '.json'))));
      expect(twins.length).toBe(9 + 5 + 34);
      for (const file of twins) {
        const json = JSON.parse(dataFile(fx.site, file.replace(/\.csv$/, '.json'))) as { fields: string[]; rows: Array<Array<string | number | boolean | null>>; built_at: string; last_batch_id: number };
        const csv = parseCsv(dataFile(fx.site, file));
        expect(json.fields, file).toEqual(csv.header);
        expect(json.rows.length, file).toBe(csv.rows.length);
        expect(json.built_at).toBe(BUILT_AT);
        expect(json.last_batch_id).toBe(1);
        const body = dataFile(fx.site, file).split('\r\n').slice(1).join('\r\n');
        expect(json.rows.map(csvLine).join(''), file).toBe(body);
      }
      const services = JSON.parse(dataFile(fx.site, 'services.json')) as { rows: unknown[][] };
      expect(services.rows.find((r) => r[0] === 'XSS')?.[1]).toBe(HOSTILE_NAME);
    });

    it('datapackage.json describes every file, with fields, licence and creation time', () => {
      const pkg = JSON.parse(dataFile(fx.site, 'datapackage.json')) as DataPackage;
      expect(pkg.licenses.map((l) => l.name)).toEqual(['CC-BY-4.0']);
      expect(pkg.created).toBe(builtAt);
      expect(pkg).toMatchObject({ last_batch_id: 1, demo: false, archive: { path: ZIP_NAME, last_batch_id: 1, built_at: builtAt } });
      const listed = pkg.resources.flatMap((r) => r.path);
      const topLevel = readdirSync(join(fx.site, 'data')).filter((f) => /\.(csv|json|xlsx)$/.test(f) && !['datapackage.json', 'spreadsheets.json', 'releases.json'].includes(f) && !f.endsWith('.metadata.json'));
      expect(topLevel.sort()).toEqual(
        ['adoption-national-monthly', 'adoption-province-monthly', 'adoption-commune-monthly', 'adoption-service-monthly', 'services', 'flags', 'online-service-share', 'scorecards', 'indicators-national-monthly']
          .flatMap((n) => [`${n}.csv`, `${n}.json`, `${n}.xlsx`])
          .sort(),
      );
      for (const r of pkg.resources.filter((x) => x.format === 'xlsx')) {
        expect(r.mediatype).toBe(XLSX_TYPE);
        expect(statSync(join(fx.site, 'data', r.path as string)).size, r.name).toBeGreaterThan(0);
      }
      for (const file of topLevel) expect(listed, file).toContain(file);
      for (const file of walk(join(fx.site, 'data', 'observations')).filter((f) => !/\.(br|gz)$/.test(f))) {
        if (file.endsWith('.metadata.json')) expect(listed, file).toContain(`observations/${file.replace(/\.metadata\.json$/, '.csv')}`);
        else expect(listed, file).toContain(`observations/${file}`);
      }
      for (const r of pkg.resources.filter((x) => x.format === 'csv')) {
        const first = Array.isArray(r.path) ? r.path[0]! : r.path;
        expect(r.schema?.fields.map((f) => f.name), r.name).toEqual(parseCsv(dataFile(fx.site, first)).header);
        for (const f of r.schema!.fields) expect(f.description, `${r.name}.${f.name}`).not.toBe('');
      }
      const group = (name: string) => pkg.resources.find((r) => r.name === name)!.path as string[];
      expect([...group('service-charts')].sort()).toEqual(readdirSync(join(fx.site, 'data/services')).filter((f) => f.endsWith('.csv')).map((f) => `services/${f}`).sort());
      expect(group('locality-charts')).toHaveLength(34);
    });

    it('the zip holds every CSV, datapackage.json and a README with citation text', () => {
      const zip = unzipSync(readFileSync(join(fx.site, 'data', ZIP_NAME)));
      const names = Object.keys(zip);
      expect(names.filter((n) => n.endsWith('.csv')).sort()).toEqual(csvFiles(fx.site).sort());
      expect(names).toContain('datapackage.json');
      expect(Buffer.from(zip['observations/2024/01.csv']!).equals(readFileSync(join(fx.site, 'data/observations/2024/01.csv')))).toBe(true);
      expect((JSON.parse(new TextDecoder().decode(zip['datapackage.json'])) as DataPackage).created).toBe(builtAt);
      const readme = new TextDecoder().decode(zip['README.txt']);
      expect(readme).toContain('as of batch 1: every file here holds the stored batches up to it.');
      expect(readme).toContain(`Cite as: Thước đo (2026). Share of dossiers submitted online, by service and locality. Built ${BUILT_AT}. CC BY 4.0.`);
      expect(readme).not.toContain(DEMO_LABEL);
    });
  });
});

describe('demo data', () => {
  let fx: ReturnType<typeof fixtureSite>;
  beforeAll(async () => {
    fx = fixtureSite((db) => {
      loadDataset(db.sqlite);
      ingest(db.sqlite, [['2026-10', 'KS-01', '01', 1, 2]], DEMO);
    });
    await build(fx.db.sqlite, fx.site);
  });
  afterAll(() => fx.close());

  it('labels every page', () => {
    for (const p of pages()) expect(readFileSync(join(fx.site, p.file), 'utf8'), p.url).toContain(`<div class="demo" role="note"><strong>${DEMO_LABEL}</strong>`);
  });

  it('labels every CSV, JSON file and the README', () => {
    for (const file of csvFiles(fx.site)) {
      expect(dataFile(fx.site, file), file).not.toContain(DEMO_LABEL);
      expect(sidecar(fx.site, file), file).toMatchObject({ demo: true, demo_label: expect.stringContaining(DEMO_LABEL) });
    }
    expect(JSON.parse(dataFile(fx.site, 'services.json'))).toMatchObject({ demo: true });
    expect(new TextDecoder().decode(unzipSync(readFileSync(join(fx.site, 'data', ZIP_NAME)))['README.txt'])).toContain(DEMO_LABEL);
  });
});

describe('publishing', () => {
  let fx: ReturnType<typeof fixtureSite>;
  const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
  const builds = () => readdirSync(buildsDir(fx.site)).sort();
  const live = () => basename(realpathSync(fx.site));

  beforeAll(() => void (fx = fixtureSite()));
  afterAll(() => fx.close());

  it('SITE_DIR is a symlink to a finished build', async () => {
    await build(fx.db.sqlite, fx.site);
    expect(lstatSync(fx.site).isSymbolicLink()).toBe(true);
    expect(builds()).toEqual([live()]);
    expect(existsSync(join(fx.site, 'index.html'))).toBe(true);
  });

  it('a failed build leaves the previous site serving and no staging folder', async () => {
    const before = readFileSync(join(fx.site, 'index.html'));
    const liveBefore = live();
    // A code that is unsafe as a folder name, stored behind the API's back.
    fx.db.sqlite.prepare("INSERT INTO services (code, name_vi, online_level, updated_at) VALUES ('..', 'Thoát thư mục', 'full', ?)").run(BUILT_AT);
    try {
      // Same timestamp as the live build, on purpose: the new build must still never touch it.
      await expect(build(fx.db.sqlite, fx.site)).rejects.toThrow(/unsafe name for a published file/);
      await expect(build(fx.db.sqlite, fx.site, { quick: true })).rejects.toThrow(/unsafe name for a published file/);
    } finally {
      fx.db.sqlite.prepare("DELETE FROM services WHERE code = '..'").run();
    }
    expect(live()).toBe(liveBefore);
    expect(builds()).toEqual([liveBefore]);
    expect(readFileSync(join(fx.site, 'index.html')).equals(before)).toBe(true);
    // Two builds that fail at their end: a minute on a busy machine.
  }, 120_000);

  it('an error after the swap never removes the build that is now live', async () => {
    const liveBefore = live();
    await expect(
      publishNewBuild(fx.site, later(30), (staging) => {
        writeFileSync(join(staging, 'index.html'), '<title>new</title>');
        // As if a later step failed once the new build was already serving.
        publish(fx.site, staging);
        throw new Error('after the swap');
      }),
    ).rejects.toThrow('after the swap');
    expect(live()).not.toBe(liveBefore);
    expect(readFileSync(join(fx.site, 'index.html'), 'utf8')).toBe('<title>new</title>');
  });

  it('keeps only the live build and the one before it (older ones go in the background)', async () => {
    const seen: string[] = [live()];
    for (let i = 1; i <= 4; i++) {
      await build(fx.db.sqlite, fx.site, { now: later(i) });
      seen.push(live());
    }
    expect(new Set(seen).size).toBe(5);
    await vi.waitFor(() => expect(builds()).toEqual([seen[3]!, seen[4]!].sort()), { timeout: 10_000 });
    expect(readPage(fx.site, '/')).toContain('<html lang="vi">');
    // Four full builds, each with every commune's pages: 34 s on a busy machine.
  }, 120_000);
});

describe('quick build', () => {
  let fx: ReturnType<typeof fixtureSite>;
  beforeAll(() => void (fx = fixtureSite()));
  afterAll(() => fx.close());

  it('links the zip and the raw parts the batch left alone, and rewrites pages, series and the parts it changed', async () => {
    await build(fx.db.sqlite, fx.site);
    const ino = (path: string) => statSync(join(fx.site, 'data', path)).ino;
    const [untouched, touched, zip, national] = [ino('observations/2026/79.csv'), ino('observations/2026/01.csv'), ino(ZIP_NAME), ino('adoption-national-monthly.csv')];
    const oldHeadline = headlineValues(readPage(fx.site, '/'))[0];

    // A revision: KS-01 in Hà Nội, October 2026, now entirely online.
    ingest(fx.db.sqlite, [['2026-10', 'KS-01', '01', 900, 900]]);
    const before = realpathSync(fx.site);
    const nationalImage = statSync(join(fx.site, 'images', 'vi', 'national.png')).ino;
    const embed = () => readPage(fx.site, '/embed/services/KS-01/');
    const embedBefore = embed();
    const result = await build(fx.db.sqlite, fx.site, { quick: true });
    // The services' embeds, like the images, show the numbers before the batch until the redraw.
    expect(embed()).toBe(embedBefore);
    expect(realpathSync(fx.site)).not.toBe(before);
    // Published first with the old images of changed charts, then again with them redrawn.
    expect(result.imagesRendered).toBe(0);
    expect(statSync(join(fx.site, 'images', 'vi', 'national.png')).ino).toBe(nationalImage);
    // A redraw that a newer build interrupts publishes nothing and leaves nothing behind.
    const live = realpathSync(fx.site);
    expect(await redrawStaleImages(result.redraw!, () => true)).toBeNull();
    expect(realpathSync(fx.site)).toBe(live);
    await vi.waitFor(() => expect(readdirSync(buildsDir(fx.site))).toHaveLength(2));
    expect(await redrawStaleImages(result.redraw!)).toBeGreaterThan(1);
    expect(realpathSync(fx.site)).not.toBe(live);
    expect(statSync(join(fx.site, 'images', 'vi', 'national.png')).ino).not.toBe(nationalImage);
    const [ks01] = engine(fx.db.sqlite, 'VN', 'month', 'KS-01', '2026-10', '2026-10');
    expect(embedBefore).not.toContain(formatCount(ks01!.online_count, 'vi'));
    expect(embed()).toContain(formatCount(ks01!.online_count, 'vi'));
    expect(await redrawStaleImages((await build(fx.db.sqlite, fx.site, { quick: true })).redraw!)).toBe(0);
    expect(ino('observations/2026/79.csv')).toBe(untouched);
    expect(ino('observations/2026/01.csv')).not.toBe(touched);
    expect(ino(ZIP_NAME)).toBe(zip);
    expect(ino('adoption-national-monthly.csv')).not.toBe(national);

    const [october] = engine(fx.db.sqlite, 'VN', 'month', undefined, '2026-10', '2026-10');
    const headline = headlineValues(readPage(fx.site, '/'))[0];
    expect(headline).toBe(formatRate(october!.rate, 'vi'));
    expect(headline).not.toBe(oldHeadline);
    expect(headlineValues(readPage(fx.site, '/en/'))[0]).toBe(formatRate(october!.rate, 'en'));
    const national2026 = parseCsv(dataFile(fx.site, 'adoption-national-monthly.csv')).rows.find((r) => r[0] === '2026-10');
    expect(national2026).toEqual(['2026-10', String(october!.online_count), String(october!.total_count), String(october!.rate), '3', '3', 'true']);
    const pkg = readPackage(fx.site);
    // Every file is of the new batch; the linked zip says it is still of the first.
    expect(pkg).toMatchObject({ last_batch_id: 2, archive: { path: ZIP_NAME, last_batch_id: 1 } });
    expect(rawParts(pkg).find((r) => r.name === 'observations-2026-01')?.last_batch_id).toBe(2);
    expect(rawParts(pkg).find((r) => r.name === 'observations-2026-79')?.last_batch_id).toBe(1);
    expect(parseCsv(dataFile(fx.site, 'observations/2026/01.csv')).rows.find((r) => r[0] === '2026-10' && r[1] === 'KS-01' && r[2] === '01')).toEqual(['2026-10', 'KS-01', '01', 'Thành phố Hà Nội', '900', '900', '', '', '', '2']);
    const dataPage = readPage(fx.site, '/data/');
    expect(dataPage).toContain('Mọi tệp dưới đây tính đến lô 2.');
    expect(dataPage).toContain('tính đến lô 1, tạo lúc');
  });

  it('goes live without the compressed siblings of what it wrote; its second step writes them, also for files linked from a build that had none', async () => {
    await build(fx.db.sqlite, fx.site);
    const has = (path: string, ext: string) => existsSync(join(fx.site, path + ext));
    ingest(fx.db.sqlite, [['2026-10', 'KS-01', '01', 901, 902]]);
    const first = await build(fx.db.sqlite, fx.site, { quick: true });
    const written = first.redraw!.siblings;
    for (const path of ['services/KS-01/index.html', 'en/services/KS-01/index.html', 'data/observations/2026/01.csv', 'index.html']) {
      expect(written, path).toContain(path);
      expect([has(path, '.br'), has(path, '.gz')], path).toEqual([false, false]);
    }
    // The part the batch left alone is linked with its siblings, so it is not listed.
    expect(has('data/observations/2026/79.csv', '.br')).toBe(true);
    expect(written).not.toContain('data/observations/2026/79.csv');

    // No second step (a newer batch came first): the next quick build links the part of 01 from
    // a build without its siblings, and lists it too.
    ingest(fx.db.sqlite, [['2026-10', 'KS-01', '79', 5, 903]]);
    const second = await build(fx.db.sqlite, fx.site, { quick: true });
    expect(second.redraw!.siblings).toContain('data/observations/2026/01.csv');
    expect(second.redraw!.siblings).toContain('data/observations/2026/79.csv');
    expect(await redrawStaleImages(second.redraw!)).not.toBeNull();

    // Now every file that is sent compressed has both siblings, each the file's bytes.
    // The CSVs' metadata files and the spreadsheets' manifest go without (table-files.ts).
    const files = walk(fx.site).filter((f) => !/\.(br|gz)$|\.metadata\.json$|^data\/spreadsheets\.json$/.test(f));
    const sent = files.filter((f) => compressible(f, statSync(join(fx.site, f)).size));
    expect(sent.length).toBeGreaterThan(1000);
    for (const path of sent) expect([has(path, '.br'), has(path, '.gz')], path).toEqual([true, true]);
    for (const path of [...second.redraw!.siblings, 'data/observations/2026/79.csv']) {
      const bytes = readFileSync(join(fx.site, path));
      expect(brotliDecompressSync(readFileSync(join(fx.site, path + '.br'))).equals(bytes), path).toBe(true);
      expect(gunzipSync(readFileSync(join(fx.site, path + '.gz'))).equals(bytes), path).toBe(true);
    }
    expect(parseCsv(gunzipSync(readFileSync(join(fx.site, 'data/observations/2026/79.csv.gz'))).toString()).rows.find((r) => r[0] === '2026-10' && r[1] === 'KS-01')?.slice(4, 6)).toEqual(['5', '903']);
  });

  it('rewrites the pages of the provinces a batch changed and links the others, each page with its own last batch', async () => {
    await build(fx.db.sqlite, fx.site);
    const before = realpathSync(fx.site);
    ingest(fx.db.sqlite, [['2026-10', 'KS-01', '79', 7, 905]]);
    await build(fx.db.sqlite, fx.site, { quick: true });
    const ino = (root: string, path: string) => statSync(join(root, path)).ino;
    for (const path of ['localities/79/index.html', 'en/localities/79/index.html']) expect(ino(fx.site, path), path).not.toBe(ino(before, path));
    const linked = ['01', '08'].filter((code) => ino(fx.site, `localities/${code}/index.html`) === ino(before, `localities/${code}/index.html`));
    expect(linked.length).toBeGreaterThan(0);
    for (const code of linked) expect(ino(fx.site, `en/localities/${code}/index.html`)).toBe(ino(before, `en/localities/${code}/index.html`));
    // A province's page says when its own figures last changed: the batch that brought them.
    const received = fx.db.sqlite.prepare('SELECT received_at FROM batches ORDER BY id DESC LIMIT 1').pluck().get() as string;
    expect(readPage(fx.site, '/en/localities/79/')).toContain(formatDateTime(received, 'en'));
    expect(readPage(fx.site, '/en/')).toContain(formatDateTime(BUILT_AT, 'en'));
  });

  it('after a batch, the raw parts add up to every published series, month by month, in the same build', async () => {
    ingest(fx.db.sqlite, [['2026-09', 'KH-02', '79', 3, 40], ['2021-03', 'KS-01', '02', 7, 70]]);
    await build(fx.db.sqlite, fx.site, { quick: true });
    const sums = new Map<string, { online: number; total: number }>();
    const add = (key: string, online: number, total: number) => {
      const s = sums.get(key) ?? { online: 0, total: 0 };
      sums.set(key, { online: s.online + online, total: s.total + total });
    };
    for (const part of rawParts(readPackage(fx.site))) {
      const area = part.name.slice('observations-YYYY-'.length);
      for (const [period, service, , , online, total] of parseCsv(dataFile(fx.site, part.path as string)).rows) {
        for (const key of [`VN|${period}`, `area ${area}|${period}`, `service ${service}|${period}`]) add(key, Number(online), Number(total));
      }
    }
    const expectSums = (key: string, row: string[], at: number) => {
      const s = sums.get(key) ?? { online: 0, total: 0 };
      expect([String(s.online), String(s.total), String(rateOf(s.online, s.total) ?? '')], key).toEqual(row.slice(at, at + 3));
    };
    const national = parseCsv(dataFile(fx.site, 'adoption-national-monthly.csv')).rows;
    expect(national).toHaveLength(82);
    for (const r of national) expectSums(`VN|${r[0]}`, r, 1);
    const provinces = parseCsv(dataFile(fx.site, 'adoption-province-monthly.csv')).rows;
    expect(provinces).toHaveLength(3 * 82);
    for (const r of provinces) expectSums(`area ${r[1]}|${r[0]}`, r, 3);
    const services = parseCsv(dataFile(fx.site, 'adoption-service-monthly.csv')).rows;
    expect(services.length).toBeGreaterThan(4 * 80);
    for (const r of services) expectSums(`service ${r[1]}|${r[0]}`, r, 3);
    // The batch is in them: old Hà Giang (02), now in 08, in March 2021.
    expect(parseCsv(dataFile(fx.site, 'observations/2021/08.csv')).rows.find((r) => r[0] === '2021-03' && r[1] === 'KS-01' && r[2] === '02')?.[4]).toBe('7');
  });
});

describe('warm build (rollups in memory, services written on a second thread)', () => {
  let fx: ReturnType<typeof fixtureSite>;
  let cold: { path: string; remove: () => void };
  beforeAll(() => {
    fx = fixtureSite();
    cold = tempDir('thuocdo-cold-');
  });
  afterAll(() => (fx.close(), cold.remove()));

  /** Every file of a build as text, but the images (their manifest has the hash of each one's input) and the feed (the cold builds have no history). */
  const files = (site: string) =>
    new Map(
      walk(site)
        .filter((f) => {
          // A file's .br and .gz go with it.
          const plain = f.replace(/\.(br|gz)$/, '');
          // The feeds and the snapshots carry the history of the builds before.
          return (!plain.startsWith('images/') || plain === 'images/manifest.json') && plain !== 'watch/feed.xml' && plain !== FEED_STATE && !/^data\/(archive\/|releases\.json$|feed\.xml$)/.test(plain);
        })
        .map((f) => [f, readFileSync(join(site, f), 'utf8')]),
    );

  // Five builds, each with every commune's pages (3,321 × 2): over 30 s on a busy machine.
  it('writes the same files as a cold build, batch after batch', async () => {
    const warm = warmState();
    // The thread says so if it could not start and the pages were written here instead.
    const warn = vi.spyOn(console, 'warn');
    try {
      await build(fx.db.sqlite, fx.site, { warm });
      for (const [k, rows] of [
        [0, [['2026-10', 'KS-01', '01', 900, 900]]],
        [1, [['2026-10', 'KS-01', '79', 1, 1000], ['2026-09', 'KH-02', '01', 5, 6]]],
      ] as Array<[number, Row[]]>) {
        ingest(fx.db.sqlite, rows);
        const result = await build(fx.db.sqlite, fx.site, { warm });
        await build(fx.db.sqlite, join(cold.path, String(k)));
        const [warmFiles, coldFiles] = [files(fx.site), files(join(cold.path, String(k)))];
        expect([...warmFiles.keys()].sort()).toEqual([...coldFiles.keys()].sort());
        // The zip's and the spreadsheets' entries carry the time they were written.
        for (const [path, text] of coldFiles) if (!/\.(zip|xlsx)$/.test(path)) expect(warmFiles.get(path), path).toBe(text);
        expect(result.pages).toBe(htmlFiles(fx.site).length);
      }
      const page = readPage(fx.site, '/services/KS-01/');
      expect(page).toContain(formatCount(900, 'vi'));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      warm.pages.close();
    }
  }, 180_000);
});

describe('warmBuilder', () => {
  it('builds in a child process that yields the CPU to the server', async () => {
    const fx = fixtureSite();
    const builder = warmBuilder({ dbPath: fx.db.file, siteDir: fx.site, publicUrl: 'http://127.0.0.1:3000' });
    try {
      await builder.build('full');
      expect(existsSync(join(fx.site, 'index.html'))).toBe(true);
      expect(getPriority(builder.pid()!)).toBe(BUILD_NICENESS);
      expect(getPriority()).toBeLessThan(BUILD_NICENESS);
      // A quick build asked for data the live build has already (a batch it read) builds nothing.
      const live = realpathSync(fx.site);
      await builder.build('quick');
      expect(realpathSync(fx.site)).toBe(live);
      ingest(fx.db.sqlite, [['2026-10', 'KS-01', '01', 3, 906]]);
      await builder.build('quick');
      expect(realpathSync(fx.site)).not.toBe(live);
    } finally {
      builder.stop();
      fx.close();
    }
  }, 120_000);
});

describe('debouncedRebuilder', () => {
  const log = () => ({ info: vi.fn(), error: vi.fn() });
  /** A fake build that records the kind of each call; `hold` makes the first call wait for release(). */
  function recorder(options: { hold?: boolean; failFirst?: boolean } = {}) {
    const kinds: BuildKind[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const build = async (kind: BuildKind) => {
      kinds.push(kind);
      if (kinds.length === 1 && options.hold) await held;
      if (kinds.length === 1 && options.failFirst) throw new Error('disk full');
    };
    return { kinds, build, release };
  }

  it('gives one build for a burst of requests', async () => {
    const r = recorder();
    const rebuilder = debouncedRebuilder(r.build, log(), 20);
    for (let i = 0; i < 10; i++) rebuilder.request();
    expect(r.kinds).toEqual([]);
    await rebuilder.idle();
    expect(r.kinds).toEqual(['quick']);
  });

  it('gives exactly one more build for requests during a build', async () => {
    const r = recorder({ hold: true });
    const rebuilder = debouncedRebuilder(r.build, log(), 10);
    rebuilder.request();
    await vi.waitFor(() => expect(r.kinds).toHaveLength(1));
    for (let i = 0; i < 3; i++) rebuilder.request();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(r.kinds).toHaveLength(1);
    r.release();
    await rebuilder.idle();
    expect(r.kinds).toHaveLength(2);
  });

  it('builds in full when any request of a burst asks for it, then goes back to quick', async () => {
    const r = recorder();
    const rebuilder = debouncedRebuilder(r.build, log(), 10);
    for (const kind of ['quick', 'full', 'quick'] as const) rebuilder.request(kind);
    await rebuilder.idle();
    rebuilder.request();
    await rebuilder.idle();
    expect(r.kinds).toEqual(['full', 'quick']);
  });

  it('logs a failed build and still builds on the next request', async () => {
    const logger = log();
    const r = recorder({ failFirst: true });
    const rebuilder = debouncedRebuilder(r.build, logger, 5);
    rebuilder.request();
    await rebuilder.idle();
    expect(logger.error).toHaveBeenCalledTimes(1);
    rebuilder.request();
    await rebuilder.idle();
    expect(r.kinds).toHaveLength(2);
    expect(logger.info).toHaveBeenCalledTimes(1);
  });

  it('on close, drops a waiting build, waits for the running one and ignores later requests', async () => {
    const r = recorder({ hold: true });
    const rebuilder = debouncedRebuilder(r.build, log(), 10);
    rebuilder.request();
    await vi.waitFor(() => expect(r.kinds).toHaveLength(1));
    rebuilder.request('full');
    let closed = false;
    const closing = rebuilder.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(closed).toBe(false);
    r.release();
    await closing;
    rebuilder.request();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await rebuilder.idle();
    expect(r.kinds).toEqual(['quick']);
  });
});

describe('health and serving', () => {
  it('reports site_built_at from the build and serves the built site', async () => {
    const dir = tempDir('thuocdo-site-');
    const site = join(dir.path, 'site');
    const t = await testApp({ siteDir: site });
    try {
      loadDataset(t.db.sqlite);
      const health = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/health' })).json() as { site_built_at: string | null };
      expect((await health()).site_built_at).toBeNull();
      const { builtAt } = await build(t.db.sqlite, site);
      expect(builtAt).toBe(BUILT_AT);
      expect((await health()).site_built_at).toBe(builtAt);
      for (const [url, lang] of [['/', 'vi'], ['/en/', 'en'], ['/services/KS-01/', 'vi']] as const) {
        const res = await t.app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(200);
        expect(res.body, url).toContain(`<html lang="${lang}">`);
      }
      // Browsers ask for it on embeds, which have no icon link: a real icon, not a 404.
      const icon = await t.app.inject({ method: 'GET', url: '/favicon.ico' });
      expect(icon.statusCode).toBe(200);
      expect(icon.headers['content-type']).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
      expect(icon.rawPayload.readUInt16LE(2)).toBe(1); // type 1: an icon
      expect(icon.rawPayload.readUInt16LE(4)).toBe(3); // 16, 32 and 48 px
      expect(icon.rawPayload.subarray(6 + 16 * 3, 6 + 16 * 3 + 4).toString('latin1')).toBe('\x89PNG');
    } finally {
      await t.close();
      dir.remove();
    }
  });
});
