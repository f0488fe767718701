/**
 * The indicators in the open data: every unit's scorecard (the country, each ministry, province and
 * commune with figures, each for its latest year with data) and every indicator nationwide by month.
 */
import { INDICATORS } from '../../db/indicators/catalogue.ts';
import { MEASURE_KEYS, type MeasurePoint, type ScorecardData, type SeriesMeasures } from '../../web/model.ts';
import { PERIOD, UNITS, field as f } from './fields.ts';
import type { SiteModel } from './model.ts';
import type { Cell, Table } from './table-files.ts';

const POINTS = 'points (of max_score)';

const SCORECARD_FIELDS = [
  f('unit_code', 'string', 'province or commune code (of today), VN for the country, or the ministry\'s name as a slug'),
  f('unit_name', 'string', 'name of the province, commune or country, or the ministry (the services\' agency)'),
  f('kind', 'string', 'country, ministry (its services, nationwide), province or commune'),
  f('province_code', 'string', 'for a commune: its province (of today)'),
  f('year', 'integer', 'the year scored: the unit\'s latest year with data'),
  f('from', 'yearmonth', 'first month scored'),
  f('to', 'yearmonth', 'last month scored: December, or the current month of a year in progress'),
  ...INDICATORS.flatMap((i) => [
    f(`${i.id}_numerator`, 'integer', `${i.name_en}: ${i.numerator}`, i.counts),
    f(`${i.id}_denominator`, 'integer', `${i.name_en}: ${i.denominator}`, i.counts),
    f(`${i.id}_value`, 'number', `${i.name_en} (${i.reference}): numerator ÷ denominator; empty without data`, UNITS.ratio),
    f(`${i.id}_points`, 'number', `${i.name_en}: ${i.max_points} × min(1, value ÷ ${i.full_score_at}), 0 without data`, POINTS),
  ]),
  f('score', 'number', 'the sum of the points', POINTS),
  f('max_score', 'integer', 'the most the group can score (22)', POINTS),
];

function scorecardCells(code: string, name: string, kind: string, province: string | null, card: ScorecardData): Cell[] {
  const parts = new Map(card.parts.map((p) => [p.indicator, p]));
  return [
    code,
    name,
    kind,
    province,
    Number(card.year),
    card.from,
    card.to,
    ...INDICATORS.flatMap((i) => {
      const p = parts.get(i.id);
      return p ? [p.numerator, p.denominator, p.value, p.points] : [null, null, null, null];
    }),
    card.score,
    card.max_score,
  ];
}

/** scorecards.csv: one row per unit with a scorecard. */
export function scorecardsTable(model: SiteModel): Table {
  return {
    name: 'scorecards',
    path: 'scorecards',
    title: 'Online-services scorecards (Decision 766/QĐ-TTg) of the country, each ministry, province and commune',
    title_vi: 'Bảng điểm nhóm chỉ số cung cấp dịch vụ trực tuyến (Quyết định 766/QĐ-TTg) của cả nước, từng bộ, ngành, tỉnh, thành phố và xã, phường',
    spreadsheet: true,
    description:
      'The "online services" group of the 766 index (22 points), computed from the data reported to Thước đo, not the official score: one row per unit, for its latest year with data (the country and the ministries for the year of the latest data). Each indicator has its numerator, denominator, value and points; an indicator without data scores 0. A ministry is the services of one agency, nationwide.',
    fields: SCORECARD_FIELDS,
    primaryKey: ['kind', 'unit_code', 'year'],
    rows: function* () {
      const s = model.scorecards;
      if (s.country) yield scorecardCells('VN', s.country.locality_name, 'country', null, s.country);
      for (const a of s.agencies) yield scorecardCells(a.slug, a.agency, 'ministry', null, a.card);
      for (const l of model.locality) if (l.scorecard) yield scorecardCells(l.province.code, l.province.name, 'province', null, l.scorecard);
      for (const list of model.communes.byProvince.values()) {
        for (const c of list) if (c.scorecard) yield scorecardCells(c.commune.code, c.commune.name, 'commune', c.commune.province.code, c.scorecard);
      }
    },
  };
}

/** indicators-national-monthly.csv: every indicator of the catalogue, nationwide, by month. */
export function nationalIndicatorsTable(model: SiteModel): Table {
  return {
    name: 'indicators-national-monthly',
    path: 'indicators-national-monthly',
    title: 'Online-services indicators (Decision 766/QĐ-TTg), the whole country, monthly',
    title_vi: 'Các chỉ số cung cấp dịch vụ trực tuyến (Quyết định 766/QĐ-TTg) của cả nước, theo tháng',
    spreadsheet: true,
    description: `Every indicator of the catalogue (${INDICATORS.map((i) => i.id).join(', ')}), nationwide, by month: its numerator, denominator and their ratio, with who reported. A dossier indicator counts only the rows that reported its measure, in the months some row did; an indicator that counts services follows the months of the online counts. Computed from the data reported to Thước đo.`,
    fields: [
      PERIOD,
      f('indicator', 'string', 'indicator id (GET /api/v1/indicators)'),
      f('numerator', 'integer', 'dossiers or services, as the indicator counts'),
      f('denominator', 'integer', 'dossiers or services, as the indicator counts'),
      f('rate', 'number', 'numerator / denominator, 4 decimals; empty when the denominator is 0', UNITS.ratio),
      f('reporting_units', 'integer', 'provinces that reported the indicator\'s counts in the month', UNITS.units),
      f('expected_units', 'integer', 'provinces with such rows in the month or in any of the 12 before', UNITS.units),
      f('complete', 'boolean', 'every expected province reported and the month has ended; false = a partial figure'),
    ],
    primaryKey: ['period', 'indicator'],
    rows: () => model.nationalIndicators.map((r) => [r.period, r.indicator, r.numerator, r.denominator, r.rate, r.coverage.reporting, r.coverage.expected, r.complete]),
  };
}

/** The measure columns of the per-chart files: each measure's sums and share, empty where it was not reported. */
export const MEASURE_CHART_FIELDS = [
  f('end_to_end_count', 'integer', 'dossiers handled wholly online, in the rows that reported them; empty = none reported', UNITS.dossiers),
  f('end_to_end_base', 'integer', 'all dossiers in those rows', UNITS.dossiers),
  f('end_to_end_rate', 'number', 'end_to_end_count / end_to_end_base, 4 decimals', UNITS.ratio),
  f('paid_online_count', 'integer', 'fee-bearing dossiers paid online, in the rows that reported them; empty = none reported', UNITS.dossiers),
  f('paid_online_base', 'integer', 'fee-bearing dossiers in those rows', UNITS.dossiers),
  f('online_payment_rate', 'number', 'paid_online_count / paid_online_base, 4 decimals', UNITS.ratio),
];

/** A chart file's measure cells for each month of its series. */
export function measureCellsByMonth(measures: SeriesMeasures | undefined): (period: string) => Cell[] {
  const maps = MEASURE_KEYS.map((key) => new Map((measures?.[key]?.monthly ?? []).map((p): [string, MeasurePoint] => [p.period, p])));
  return (period) => maps.flatMap((m) => {
    const p = m.get(period);
    return p ? [p.numerator, p.denominator, p.rate] : [null, null, null];
  });
}
