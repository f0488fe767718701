import type Database from 'better-sqlite3';
import type { RollupCube } from '../cube.ts';
import { rateOf } from '../adoption.ts';
import type { Locality, LocalityRegistry } from '../localities/registry.ts';
import type { Month } from '../months.ts';
import { listServices } from '../services.ts';
import { type Lang, type Texts, dec, num, pct } from '../watch/explain.ts';
import { GROUP_MAX_SCORE, INDICATORS, type Indicator, pointsFor } from './catalogue.ts';
import { serviceTotals } from './service-sums.ts';

export interface ScorecardPart {
  indicator: string;
  name_vi: string;
  name_en: string;
  reference: string;
  numerator: number;
  denominator: number;
  value: number | null;
  points: number;
  max_points: number;
  full_score_at: number;
  /** The formula with this card's numbers: "online dossiers ÷ all dossiers = 6,200 ÷ 10,000". */
  formula_vi: string;
  formula_en: string;
}

export interface Scorecard {
  locality: string;
  locality_name: string;
  agency: string | null;
  year: string;
  from: Month;
  to: Month;
  score: number;
  max_score: number;
  parts: ScorecardPart[];
  /** In words, with the numbers: "Đạt 14,2/22 điểm: tỷ lệ hồ sơ trực tuyến 62% (đủ điểm từ 50%)…". */
  explanation_vi: string;
  explanation_en: string;
  note_vi: string;
  note_en: string;
}

export const SCORECARD_NOTE: Texts = {
  vi: 'Tính từ số liệu các cơ quan, địa phương gửi lên Thước đo, theo cách đọc của Thước đo về nhóm chỉ số «Cung cấp dịch vụ trực tuyến» của Quyết định 766/QĐ-TTg; không phải điểm chính thức.',
  en: "Computed from the data reported to Thước đo, by Thước đo's reading of the \"online services\" group of Decision 766/QĐ-TTg; not the official score.",
};

export interface ScorecardQuery {
  locality: Locality;
  year: string;
  /** A ministry's services only (their `agency`); null = every service. */
  agency: string | null;
  /** The current month: a year in progress is scored on its months so far. */
  today: Month;
}

/**
 * The online-services group of the 766 index for a locality (or a ministry's services) and a year,
 * from the data reported here. An up-to-date cube makes the country's and provinces' cards quick.
 */
export function scorecard(sqlite: Database.Database, registry: LocalityRegistry, q: ScorecardQuery, cube?: RollupCube | null): Scorecard {
  const from: Month = `${q.year}-01`;
  const to: Month = `${q.year}-12` < q.today ? `${q.year}-12` : q.today;
  const services = listServices(sqlite).filter((s) => q.agency === null || s.agency === q.agency);
  const sums = serviceTotals(sqlite, registry, { locality: q.locality, from, to, serviceIds: q.agency === null ? null : services.map((s) => s.id) }, cube);
  // Nothing reported in the year: no card, not even the catalogue's share of services offered online.
  const parts = INDICATORS.map((indicator) => partOf(indicator, sums.size === 0 ? { numerator: 0, denominator: 0 } : indicator.ratio({ services, sums, month: to })));
  const score = Math.round(parts.reduce((n, p) => n + p.points, 0) * 100) / 100;
  return {
    locality: q.locality.code,
    locality_name: q.locality.name,
    agency: q.agency,
    year: q.year,
    from,
    to,
    score,
    max_score: GROUP_MAX_SCORE,
    parts,
    explanation_vi: explain(score, parts, 'vi'),
    explanation_en: explain(score, parts, 'en'),
    note_vi: SCORECARD_NOTE.vi,
    note_en: SCORECARD_NOTE.en,
  };
}

function partOf(indicator: Indicator, { numerator, denominator }: { numerator: number; denominator: number }): ScorecardPart {
  const value = rateOf(numerator, denominator);
  return {
    indicator: indicator.id,
    name_vi: indicator.name_vi,
    name_en: indicator.name_en,
    reference: indicator.reference,
    numerator,
    denominator,
    value,
    points: pointsFor(indicator, value),
    max_points: indicator.max_points,
    full_score_at: indicator.full_score_at,
    formula_vi: `${indicator.numerator_vi} ÷ ${indicator.denominator_vi} = ${num(numerator, 'vi')} ÷ ${num(denominator, 'vi')}`,
    formula_en: `${indicator.numerator} ÷ ${indicator.denominator} = ${num(numerator, 'en')} ÷ ${num(denominator, 'en')}`,
  };
}

const points = (n: number, lang: Lang) => dec(n, lang, 2);

function explain(score: number, parts: ScorecardPart[], lang: Lang): string {
  const each = parts.map((p) => {
    const name = (lang === 'vi' ? p.name_vi : p.name_en).replace(/^./, (c) => c.toLowerCase());
    if (p.value === null) return lang === 'vi' ? `${name}: chưa có số liệu (0/${p.max_points} điểm)` : `${name}: no data (0/${p.max_points} points)`;
    const full = p.points === p.max_points;
    return lang === 'vi'
      ? `${name} ${pct(p.value, 'vi')} (${full ? 'đủ' : points(p.points, 'vi') + '/' + p.max_points} điểm; đủ điểm từ ${pct(p.full_score_at, 'vi')})`
      : `${name} ${pct(p.value, 'en')} (${full ? 'full' : points(p.points, 'en') + '/' + p.max_points} points; full from ${pct(p.full_score_at, 'en')})`;
  });
  return lang === 'vi'
    ? `Đạt ${points(score, 'vi')}/${GROUP_MAX_SCORE} điểm: ${each.join('; ')}.`
    : `Scores ${points(score, 'en')}/${GROUP_MAX_SCORE} points: ${each.join('; ')}.`;
}
