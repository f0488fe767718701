/**
 * The indicators on the site and in the open data, from a small database with the optional
 * measures sent through the real ingest (indicators-fixture.ts has the numbers by hand): the
 * scorecards, the end-to-end share on the home page, the methodology, the measure lines beside
 * the online rate (only where reported) and the tables.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDICATORS, indicatorById } from '../../../db/indicators/catalogue.ts';
import { scorecard } from '../../../db/indicators/scorecard.ts';
import { indicatorSeries } from '../../../db/indicators/series.ts';
import { localityRegistry } from '../../../db/localities/registry.ts';
import { serviceIdsByCode } from '../../../db/services.ts';
import { type WarmState, warmState, warmUp } from '../../../jobs/site/build.ts';
import { deriveFigures, readSiteInputs } from '../../../jobs/site/model.ts';
import { type Lang, formatPoints } from '../../../web/i18n.ts';
import type { DataPackage, MeasureKey, Series } from '../../../web/model.ts';
import type { ChartPayload } from '../../../web/templates/chart.ts';
import { tempDir, testDb } from '../../helper.ts';
import { NOW, TODAY, build, decodeHtml, parseCsv, readPage, walk } from './fixture.ts';
import { COMMUNE, HOSTILE_MINISTRY, MONTHS, loadMeasures, sendMeasures } from './indicators-fixture.ts';

/** A page's text, tags dropped, spaces squeezed. */
const text = (html: string) =>
  decodeHtml(html.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .replace(/ ([,.:;])/g, '$1');
/** The text of the element that opens with `open` on a page, to its closing tag. */
function section(page: string, open: string, close = '</section>'): string {
  const start = page.indexOf(open);
  expect(start, open).toBeGreaterThanOrEqual(0);
  return page.slice(start, page.indexOf(close, start) + close.length);
}
/** The payload of a page's first chart. */
const payload = (page: string) => JSON.parse(section(page, '<script type="application/json" class="chart-data">', '</script>').replace(/^<script[^>]*>|<\/script>$/g, '')) as ChartPayload;
const dataFile = (site: string, path: string) => readFileSync(join(site, 'data', path), 'utf8');
const lastOf = <T>(list: T[]) => list[list.length - 1]!;

describe('indicators on the site', () => {
  const db = testDb();
  const dir = tempDir('thuocdo-indicators-site-');
  const site = join(dir.path, 'site');
  const registry = () => localityRegistry(db.sqlite);
  const card = (code: string, agency: string | null = null) => scorecard(db.sqlite, registry(), { locality: registry().current(code, TODAY)!, year: '2026', agency, today: TODAY });

  beforeAll(async () => {
    loadMeasures(db.sqlite);
    await build(db.sqlite, site);
  }, 120_000);
  afterAll(() => {
    db.remove();
    dir.remove();
  });

  describe('scorecards', () => {
    it('a province whose online rate is 40% scores 4.8 of 6 for it, with the formula, the threshold, the total of 22 and the note, in each language', () => {
      const vi = text(section(readPage(site, '/localities/01/'), '<section class="scorecard"'));
      expect(vi).toContain('Chỉ số cung cấp dịch vụ trực tuyến năm 2026');
      expect(vi).toMatch(/Tỷ lệ hồ sơ trực tuyến 766\/QĐ-TTg, 3\.3 40,00% 4,8\/6 50% số hồ sơ nộp trực tuyến ÷ tổng số hồ sơ, mọi hình thức = 400 ÷ 1\.000/);
      expect(vi).toMatch(/Tỷ lệ hồ sơ xử lý toàn trình trực tuyến 766\/QĐ-TTg, 3 \(toàn trình\); mục tiêu quốc gia 80% đến cuối năm 2025 20,00% 0,75\/3 80% .* = 200 ÷ 1\.000/);
      expect(vi).toMatch(/Tỷ lệ hồ sơ thanh toán trực tuyến 766\/QĐ-TTg, 3\.6 20,00% 1,2\/3 50% .* = 100 ÷ 500/);
      expect(vi).toContain('không phải điểm chính thức');
      expect(vi).not.toContain('national target');
      const en = text(section(readPage(site, '/en/localities/01/'), '<section class="scorecard"'));
      expect(en).toContain('Online-services scorecard, 2026');
      expect(en).toMatch(/Share of dossiers submitted online 766\/QĐ-TTg, 3\.3 40\.00% 4\.8\/6 50% dossiers submitted online \(online_count\) ÷ all dossiers, every channel \(total_count\) = 400 ÷ 1,000/);
      expect(en).toContain('0.75/3');
      expect(en).toContain('not the official score');
      // The total is the API's, out of 22, with the explanation in words.
      const api = card('01');
      expect(api.parts.find((p) => p.indicator === 'online_rate')).toMatchObject({ numerator: 400, denominator: 1000, value: 0.4, points: 4.8, max_points: 6 });
      expect(api.score).toBe(Math.round(api.parts.reduce((n, p) => n + p.points, 0) * 100) / 100);
      expect(vi).toContain(`Tổng điểm ${formatPoints(api.score, 'vi')}/22`);
      expect(vi).toContain(`Tổng ${formatPoints(api.score, 'vi')}/22`);
      expect(vi).toContain(api.explanation_vi);
      expect(en).toContain(`Score ${formatPoints(api.score, 'en')}/22`);
      expect(en).toContain(api.explanation_en);
    });

    it('a commune with figures of its own has its scorecard; the ministries have a page of theirs, linked from the home and services pages', () => {
      const commune = text(section(readPage(site, `/localities/${COMMUNE}/`), '<section class="scorecard"'));
      const api = card(COMMUNE);
      expect(api.parts.find((p) => p.indicator === 'online_rate')).toMatchObject({ numerator: 600, denominator: 1000, points: 6 });
      expect(commune).toContain(`Tổng điểm ${formatPoints(api.score, 'vi')}/22`);
      expect(commune).toContain('= 600 ÷ 1.000');
      for (const lang of ['vi', 'en'] as Lang[]) {
        const prefix = lang === 'vi' ? '' : '/en';
        const page = readPage(site, `${prefix}/agencies/`);
        for (const agency of ['Bộ Công an', 'Bộ Tư pháp']) {
          const expected = card('VN', agency);
          const slug = agency === 'Bộ Công an' ? 'bo-cong-an' : 'bo-tu-phap';
          expect(text(section(page, `<section class="scorecard" id="agency-${slug}"`)), agency).toContain(`${formatPoints(expected.score, lang)}/22`);
        }
        expect(text(section(page, '<section class="scorecard" id="country"'))).toContain(`${formatPoints(card('VN').score, lang)}/22`);
        expect(page).toContain(lang === 'vi' ? 'không phải điểm chính thức' : 'not the official score');
        expect(readPage(site, `${prefix}/`)).toMatch(/href="[./]*(en\/)?agencies\/"/);
        expect(readPage(site, `${prefix}/services/`)).toMatch(/href="[./]*(en\/)?agencies\/"/);
      }
    });

    it('names from outside stay text: a ministry with markup in its name', () => {
      const escaped = '&lt;img src=x onerror=alert(3)&gt;';
      expect(readPage(site, '/agencies/')).toContain(escaped);
      for (const file of walk(site).filter((f) => f.endsWith('.html'))) expect(readFileSync(join(site, file), 'utf8'), file).not.toContain(HOSTILE_MINISTRY);
    });
  });

  describe('the home page', () => {
    it('shows the national end-to-end share of the latest complete month against the 80% target', () => {
      const vi = section(readPage(site, '/'), '<section class="end-to-end"');
      expect(text(vi)).toContain('Hồ sơ xử lý toàn trình trực tuyến, cả nước Tháng 10/2026 25,00% 50 / 200 hồ sơ');
      expect(text(vi)).toContain('Chưa đạt mục tiêu 80%: còn thiếu 55,0 điểm %.');
      expect(text(vi)).toContain('Tính trên 2/2 tỉnh, thành phố có báo cáo số hồ sơ toàn trình.');
      // The bar: a quarter of its 400 units filled, the target marked at 80%.
      expect(vi).toContain('<rect class="fill" x="0" y="20" width="100.0" height="18">');
      expect(vi).toContain('<rect class="mark" x="318.5"');
      expect(vi).toContain('>Mục tiêu 80%</text>');
      const en = text(section(readPage(site, '/en/'), '<section class="end-to-end"'));
      expect(en).toContain('Oct 2026 25.00% 50 of 200 dossiers');
      expect(en).toContain('Short of the 80% target by 55.0 pp.');
    });
  });

  describe('the methodology', () => {
    it('explains every indicator of the catalogue: name, numerator, denominator, reference, threshold, points, scoring and source', () => {
      for (const lang of ['vi', 'en'] as Lang[]) {
        const page = readPage(site, lang === 'vi' ? '/methodology/' : '/en/methodology/');
        const all = text(section(page, '<section id="indicators">', '</main>'));
        for (const i of INDICATORS) {
          const one = text(section(page, `<section class="indicator" id="indicator-${i.id}">`));
          expect(one, i.id).toContain(i.id);
          expect(one, i.id).toContain(lang === 'vi' ? i.name_vi : i.name_en);
          expect(one, i.id).toContain(lang === 'vi' ? i.numerator_vi : i.numerator);
          expect(one, i.id).toContain(lang === 'vi' ? i.denominator_vi : i.denominator);
          expect(one, i.id).toContain(i.reference.split(';')[0]!);
          expect(one, i.id).toContain(`${Math.round(i.full_score_at * 100)}%`);
          expect(one, i.id).toMatch(lang === 'vi' ? /Nguồn số liệu|các cột/ : /Source/);
        }
        expect(all).toContain(lang === 'vi' ? 'điểm = điểm tối đa × min(1, giá trị ÷ ngưỡng đủ điểm)' : 'points = max_points × min(1, value ÷ full_score_at)');
        expect(all).toContain(lang === 'vi' ? 'tối đa 22 điểm' : 'at most 22 points');
      }
    });
  });

  describe('the measure lines', () => {
    it('draw beside the online rate where a measure was reported, and not where none was', () => {
      const hanoi = payload(readPage(site, '/localities/01/'));
      expect(hanoi.measures?.map((m) => m.key)).toEqual(['end_to_end', 'online_payment']);
      expect(hanoi.periods).toEqual(MONTHS);
      expect(hanoi.measures!.map((m) => lastOf(m.data))).toEqual([0.2, 0.2]);
      expect(hanoi.names.monthly).toBe('Nộp trực tuyến, hằng tháng');
      // Tuyên Quang reported neither: its chart is the online rate alone, no empty lines.
      const tuyenQuang = payload(readPage(site, '/localities/08/'));
      expect(tuyenQuang.measures).toBeUndefined();
      expect(tuyenQuang.names.monthly).toBe('Hằng tháng');
      expect(readPage(site, '/localities/08/')).not.toContain('Tỷ lệ toàn trình');
      expect(payload(readPage(site, '/')).measures!.map((m) => lastOf(m.data))).toEqual([0.25, 0.4444]);
      expect(payload(readPage(site, '/services/A/')).measures!.map((m) => lastOf(m.data))).toEqual([0.2, 0.2]);
      expect(payload(readPage(site, `/en/localities/${COMMUNE}/`)).measures!.map((m) => [m.name, lastOf(m.data)])).toEqual([
        ['End-to-end, monthly', 0.3],
        ['Paid online, monthly', 0.75],
      ]);
      // The table under the chart has the same numbers, with who reported each.
      const table = text(section(readPage(site, '/localities/01/'), '<details class="chart-table"', '</details>'));
      expect(table).toContain('Tỷ lệ toàn trình Báo cáo toàn trình Tỷ lệ thanh toán trực tuyến Báo cáo thanh toán');
      expect(table).toMatch(/10\/2026 40 100 40,00% 1\/1 20,00% 1\/1 20,00% 1\/1/);
      // And the chart's CSV.
      const csv = parseCsv(dataFile(site, 'localities/01.csv'));
      expect(csv.header.slice(-6)).toEqual(['end_to_end_count', 'end_to_end_base', 'end_to_end_rate', 'paid_online_count', 'paid_online_base', 'online_payment_rate']);
      expect(lastOf(csv.rows).slice(-6)).toEqual(['20', '100', '0.2', '10', '50', '0.2']);
      expect(lastOf(parseCsv(dataFile(site, 'localities/08.csv')).rows).slice(-6)).toEqual(['', '', '', '', '', '']);
    });

    it('are the API\'s series, coverage included: the country, a province, a service, a commune', () => {
      const { inputs, cube } = db.sqlite.transaction(() => readSiteInputs(db.sqlite, NOW, null, null))();
      const figures = deriveFigures(inputs, cube);
      const serviceA = serviceIdsByCode(db.sqlite).get('A')!;
      const engine = (code: string, indicator: string, serviceId: number | null = null) =>
        indicatorSeries(db.sqlite, registry(), indicatorById(indicator)!, { serviceId, locality: registry().current(code, TODAY)!, granularity: 'month', today: TODAY }).map((b) => ({
          period: b.period,
          numerator: b.numerator,
          denominator: b.denominator,
          rate: b.rate,
          coverage: b.coverage,
          complete: b.complete,
        }));
      const check = (series: Series, code: string, serviceId: number | null = null) => {
        const keys: Array<[MeasureKey, string]> = [
          ['end_to_end', 'end_to_end_rate'],
          ['online_payment', 'online_payment_rate'],
        ];
        for (const [key, indicator] of keys) expect(series.measures?.[key]?.monthly ?? [], `${code} ${key}`).toEqual(engine(code, indicator, serviceId));
      };
      check(figures.home.national, 'VN');
      check(figures.locality.find((l) => l.province.code === '01')!.series, '01');
      check(figures.locality.find((l) => l.province.code === '08')!.series, '08');
      check(figures.service.find((s) => s.service.code === 'A')!.national, 'VN', serviceA);
      expect(engine('VN', 'end_to_end_rate', serviceA).length).toBe(10);
      // A commune's come with the communes' figures: its page's payload says the engine's rates.
      const communePayload = payload(readPage(site, `/localities/${COMMUNE}/`));
      expect(communePayload.measures![0]!.data).toEqual(engine(COMMUNE, 'end_to_end_rate').map((b) => b.rate));
      expect(communePayload.measures![1]!.data).toEqual(engine(COMMUNE, 'online_payment_rate').map((b) => b.rate));
    });
  });

  describe('open data', () => {
    it('scorecards.csv: a row per unit with a scorecard, each the API\'s, with its header first', () => {
      const { header, rows } = parseCsv(dataFile(site, 'scorecards.csv'));
      expect(header).toEqual([
        'unit_code',
        'unit_name',
        'kind',
        'province_code',
        'year',
        'from',
        'to',
        ...INDICATORS.flatMap((i) => [`${i.id}_numerator`, `${i.id}_denominator`, `${i.id}_value`, `${i.id}_points`]),
        'score',
        'max_score',
      ]);
      expect(rows.map((r) => [r[0], r[2], r[3]])).toEqual([
        ['VN', 'country', ''],
        // The ministries in Vietnamese collation order (punctuation first).
        ['img-src-x-onerror-alert-3', 'ministry', ''],
        ['bo-cong-an', 'ministry', ''],
        ['bo-tu-phap', 'ministry', ''],
        ['01', 'province', ''],
        ['79', 'province', ''],
        ['08', 'province', ''],
        [COMMUNE, 'commune', '79'],
      ]);
      const column = (row: string[], name: string) => row[header.indexOf(name)];
      const hanoi = rows.find((r) => r[0] === '01')!;
      expect(['online_rate_numerator', 'online_rate_denominator', 'online_rate_value', 'online_rate_points'].map((n) => column(hanoi, n))).toEqual(['400', '1000', '0.4', '4.8']);
      expect(['end_to_end_rate_value', 'end_to_end_rate_points', 'online_payment_rate_value', 'online_payment_rate_points'].map((n) => column(hanoi, n))).toEqual(['0.2', '0.75', '0.2', '1.2']);
      expect(column(rows.find((r) => r[0] === '08')!, 'end_to_end_rate_value')).toBe('');
      for (const row of rows) {
        const kind = column(row, 'kind');
        const expected = kind === 'ministry' ? card('VN', column(row, 'unit_name')!) : card(column(row, 'unit_code')!);
        expect([column(row, 'year'), column(row, 'from'), column(row, 'to'), column(row, 'score'), column(row, 'max_score')], row[0]).toEqual(['2026', '2026-01', '2026-11', String(expected.score), '22']);
        for (const p of expected.parts) expect(column(row, `${p.indicator}_points`), `${row[0]} ${p.indicator}`).toBe(String(p.points));
      }
      const meta = JSON.parse(dataFile(site, 'scorecards.metadata.json')) as { files: { xlsx?: string }; fields: Array<{ name: string }> };
      expect(meta.files.xlsx).toBe('scorecards.xlsx');
      expect(meta.fields.map((f) => f.name)).toEqual(header);
      expect(existsSync(join(site, 'data', 'scorecards.xlsx'))).toBe(true);
    });

    it('indicators-national-monthly.csv: every indicator nationwide by month, as the API computes it', () => {
      const { header, rows } = parseCsv(dataFile(site, 'indicators-national-monthly.csv'));
      expect(header).toEqual(['period', 'indicator', 'numerator', 'denominator', 'rate', 'reporting_units', 'expected_units', 'complete']);
      const expected = INDICATORS.flatMap((i) =>
        indicatorSeries(db.sqlite, registry(), i, { serviceId: null, locality: registry().country, granularity: 'month', today: TODAY }).map((b) => [
          b.period,
          i.id,
          String(b.numerator),
          String(b.denominator),
          b.rate === null ? '' : String(b.rate),
          String(b.coverage.reporting),
          String(b.coverage.expected),
          String(b.complete),
        ]),
      );
      expect(rows).toHaveLength(INDICATORS.length * MONTHS.length);
      expect([...rows].sort()).toEqual([...expected].sort());
      expect(rows.slice(0, INDICATORS.length).map((r) => r[1])).toEqual(INDICATORS.map((i) => i.id));
      expect(rows.find((r) => r[0] === '2026-10' && r[1] === 'end_to_end_rate')).toEqual(['2026-10', 'end_to_end_rate', '50', '200', '0.25', '2', '2', 'true']);
    });

    it('both are in datapackage.json with their spreadsheets, and on the data page', () => {
      const pkg = JSON.parse(dataFile(site, 'datapackage.json')) as DataPackage;
      for (const name of ['scorecards', 'indicators-national-monthly']) {
        expect(pkg.resources.find((r) => r.name === name), name).toMatchObject({ path: `${name}.csv`, format: 'csv', dialect: { header: true } });
        expect(pkg.resources.find((r) => r.name === `${name}-xlsx`), name).toMatchObject({ path: `${name}.xlsx`, format: 'xlsx' });
        expect(readPage(site, '/data/')).toContain(`<section class="resource" id="${name}">`);
        expect(readPage(site, '/en/data/')).toContain(`href="../../data/${name}.csv"`);
      }
    });
  });
});

describe('a warm builder and the scorecards', () => {
  const db = testDb();
  const dir = tempDir('thuocdo-indicators-warm-');
  let warm: WarmState;

  beforeAll(() => {
    loadMeasures(db.sqlite);
    warm = warmState();
  });
  afterAll(() => {
    warm.pages.close();
    db.remove();
    dir.remove();
  });

  it('keeps each scorecard, and the cube each service\'s measures, until a batch changes what they read, and then writes what a cold build writes', async () => {
    const site = join(dir.path, 'warm');
    // A builder that starts reads everything it keeps before its first build.
    warmUp(db.sqlite, warm, NOW);
    expect([...warm.scorecards.cards.keys()].sort()).toEqual(['agency:<img src=x onerror=alert(3)>', 'agency:Bộ Công an', 'agency:Bộ Tư pháp', 'locality:01', 'locality:08', `locality:${COMMUNE}`, 'locality:79', 'locality:VN'].sort());
    expect([...warm.cube!.monthlyByService().values()].filter((s) => s.measures.end_to_end).length).toBe(2);
    await build(db.sqlite, site, { warm });
    const before = parseCsv(readFileSync(join(site, 'data', 'scorecards.csv'), 'utf8')).rows;
    // Hà Nội's May is revised: its card, the country's and its ministry's change; Tuyên Quang's does not.
    sendMeasures(db.sqlite, [['2026-05', 'A', '01', 90, 100, 25, 50, 10]]);
    await build(db.sqlite, site, { warm, quick: true });
    const warmRows = parseCsv(readFileSync(join(site, 'data', 'scorecards.csv'), 'utf8')).rows;
    const cold = join(dir.path, 'cold');
    await build(db.sqlite, cold);
    expect(warmRows).toEqual(parseCsv(readFileSync(join(cold, 'data', 'scorecards.csv'), 'utf8')).rows);
    // The measure lines too: every chart's numbers and the national indicators, as a cold build has them.
    for (const file of ['services/A.csv', 'services/B.csv', 'localities/01.csv', `localities/${COMMUNE}.csv`, 'indicators-national-monthly.csv', 'adoption-national-monthly.csv']) {
      expect(readFileSync(join(site, 'data', file), 'utf8'), file).toBe(readFileSync(join(cold, 'data', file), 'utf8'));
    }
    expect(parseCsv(readFileSync(join(site, 'data', 'services', 'A.csv'), 'utf8')).rows.find((r) => r[1] === '2026-05')!.slice(-6)).toEqual(['25', '100', '0.25', '10', '50', '0.2']);
    const online = (rows: string[][], code: string) => rows.find((r) => r[0] === code)![15];
    expect([online(before, '01'), online(warmRows, '01')]).toEqual(['400', '450']);
    expect([online(before, 'VN'), online(warmRows, 'VN')]).toEqual(['1300', '1350']);
    expect(online(warmRows, '08')).toBe(online(before, '08'));
    expect(readFileSync(join(site, 'localities', '01', 'index.html'), 'utf8')).toContain('= 450 ÷ 1.000');
  }, 120_000);
});
