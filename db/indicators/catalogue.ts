import type { Month } from '../months.ts';
import type { Service } from '../services.ts';
import { MEASURES, type MeasureId } from './measures.ts';
import type { ServiceSums } from './service-sums.ts';

/** What an indicator is computed from: the services in scope and each one's sums over the months asked. */
export interface IndicatorInput {
  services: Service[];
  sums: ReadonlyMap<number, ServiceSums>;
  /** The last month asked: a service counts as offered online once its online_since has passed. */
  month: Month;
}

/**
 * One indicator of the "online services" group of Decision 766/QĐ-TTg, as data: the API
 * (GET /api/v1/indicators, adoption?indicator=, the scorecard), the site, the open data and the
 * watch list all read this list. A new indicator is one more entry here.
 */
export interface Indicator {
  id: string;
  name_vi: string;
  name_en: string;
  numerator: string;
  numerator_vi: string;
  denominator: string;
  denominator_vi: string;
  /** The indicator of Decision 766/QĐ-TTg it follows. */
  reference: string;
  /** The share from which it scores full points. */
  full_score_at: number;
  /** Its points in the group's 22. */
  max_points: number;
  /** What it counts: dossiers (a measure's sums) or services (how many services meet a test). */
  counts: 'dossiers' | 'services';
  /** Dossier indicators: the measure divided; adoption reads its rollups directly. */
  measure?: MeasureId;
  /** False when `ratio` reads the catalogue alone: no service sums are read for it. */
  readsSums: boolean;
  /** What it reads, for the methodology page: the rows' columns and the catalogue's fields. */
  reads: { columns: string[]; catalogue: string[] };
  ratio: (input: IndicatorInput) => { numerator: number; denominator: number };
}

/** How every indicator scores below its threshold, in words (the API and the methodology page say it). */
export const SCORING = {
  en: 'points = max_points × min(1, value ÷ full_score_at): full points at or above the threshold, in proportion below it; no data scores 0',
  vi: 'điểm = điểm tối đa × min(1, giá trị ÷ ngưỡng đủ điểm): đủ điểm từ ngưỡng trở lên, dưới ngưỡng thì tính theo tỷ lệ; chưa có số liệu thì 0 điểm',
};

/** The group's maximum, as the 766 index gives it. */
export const GROUP_MAX_SCORE = 22;

/** Σ numerator ÷ Σ denominator of a measure over every service's sums. */
function dossiers(measure: MeasureId): Indicator['ratio'] {
  const { numerator, denominator } = MEASURES[measure].sums;
  return ({ sums }) => {
    let n = 0;
    let d = 0;
    for (const s of sums.values()) (n += s[numerator] as number), (d += s[denominator] as number);
    return { numerator: n, denominator: d };
  };
}

/** A dossier indicator reads its measure's columns. */
const dossierColumns = (measure: MeasureId) => ({ columns: [MEASURES[measure].rows.numerator, MEASURES[measure].rows.denominator], catalogue: [] });

/** A service is offered online in a month when its level is not `none` and its online_since has come. */
export const offeredOnline = (s: Service, month: Month) => s.online_level !== 'none' && (s.online_since === null || s.online_since <= month);

/** How many services pass `test` among those that pass `among`. */
function services(among: (s: Service, sums: ServiceSums | undefined, month: Month) => boolean, test: (s: Service, sums: ServiceSums | undefined) => boolean): Indicator['ratio'] {
  return ({ services: list, sums, month }) => {
    let n = 0;
    let d = 0;
    for (const s of list) {
      const own = sums.get(s.id);
      if (!among(s, own, month)) continue;
      d++;
      if (test(s, own)) n++;
    }
    return { numerator: n, denominator: d };
  };
}

export const INDICATORS: readonly Indicator[] = [
  {
    id: 'online_service_share',
    name_vi: 'Tỷ lệ thủ tục cung cấp dịch vụ công trực tuyến',
    name_en: 'Share of services offered online',
    numerator: 'services offered online (online_level full or partial, online_since passed)',
    numerator_vi: 'số thủ tục cung cấp trực tuyến (toàn trình hoặc một phần)',
    denominator: 'services in the catalogue (of the ministry, with agency=)',
    denominator_vi: 'số thủ tục trong danh mục (của bộ, ngành khi xem theo bộ)',
    reference: '766/QĐ-TTg, 3.1',
    full_score_at: 0.8,
    max_points: 4,
    counts: 'services',
    readsSums: false,
    reads: { columns: [], catalogue: ['online_level'] },
    ratio: services(() => true, (s) => s.online_level !== 'none'),
  },
  {
    id: 'services_with_online_dossiers',
    name_vi: 'Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ',
    name_en: 'Share of online services that received online dossiers',
    numerator: 'services offered online with at least one dossier submitted online',
    numerator_vi: 'số dịch vụ trực tuyến có ít nhất một hồ sơ nộp trực tuyến',
    denominator: 'services offered online with any dossier reported here',
    denominator_vi: 'số dịch vụ trực tuyến có hồ sơ được báo cáo',
    reference: '766/QĐ-TTg, 3.2',
    full_score_at: 0.5,
    max_points: 4,
    counts: 'services',
    readsSums: true,
    reads: { columns: ['online_count', 'total_count'], catalogue: ['online_level', 'online_since'] },
    ratio: services((s, sums, month) => offeredOnline(s, month) && sums !== undefined && sums.total > 0, (_s, sums) => (sums?.online ?? 0) > 0),
  },
  {
    id: 'online_rate',
    name_vi: 'Tỷ lệ hồ sơ trực tuyến',
    name_en: 'Share of dossiers submitted online',
    numerator: 'dossiers submitted online (online_count)',
    numerator_vi: 'số hồ sơ nộp trực tuyến',
    denominator: 'all dossiers, every channel (total_count)',
    denominator_vi: 'tổng số hồ sơ, mọi hình thức',
    reference: '766/QĐ-TTg, 3.3',
    full_score_at: 0.5,
    max_points: 6,
    counts: 'dossiers',
    readsSums: true,
    reads: dossierColumns('online'),
    measure: 'online',
    ratio: dossiers('online'),
  },
  {
    id: 'payment_integration',
    name_vi: 'Tỷ lệ thủ tục có thu phí đã thanh toán trực tuyến',
    name_en: 'Share of fee-bearing services with online payment in use',
    numerator: 'services with at least one dossier paid online',
    numerator_vi: 'số thủ tục có ít nhất một hồ sơ thanh toán trực tuyến',
    denominator: 'services with fee-bearing dossiers reported with their payment channel',
    denominator_vi: 'số thủ tục có hồ sơ phải nộp phí, lệ phí được báo cáo kèm cách thanh toán',
    reference: '766/QĐ-TTg, 3.5',
    full_score_at: 0.8,
    max_points: 2,
    counts: 'services',
    readsSums: true,
    reads: { columns: ['paid_online_count', 'fee_count'], catalogue: [] },
    ratio: services((_s, sums) => sums !== undefined && sums.paidOnlineBase > 0, (_s, sums) => (sums?.paidOnline ?? 0) > 0),
  },
  {
    id: 'online_payment_rate',
    name_vi: 'Tỷ lệ hồ sơ thanh toán trực tuyến',
    name_en: 'Share of fee-bearing dossiers paid online',
    numerator: 'dossiers paid online (paid_online_count)',
    numerator_vi: 'số hồ sơ thanh toán trực tuyến',
    denominator: 'fee-bearing dossiers (fee_count), in the rows that reported paid_online_count',
    denominator_vi: 'số hồ sơ phải nộp phí, lệ phí (ở các dòng có báo cáo thanh toán trực tuyến)',
    reference: '766/QĐ-TTg, 3.6',
    full_score_at: 0.5,
    max_points: 3,
    counts: 'dossiers',
    readsSums: true,
    reads: dossierColumns('paid_online'),
    measure: 'paid_online',
    ratio: dossiers('paid_online'),
  },
  {
    id: 'end_to_end_rate',
    name_vi: 'Tỷ lệ hồ sơ xử lý toàn trình trực tuyến',
    name_en: 'Share of dossiers handled end-to-end online',
    numerator: 'dossiers handled wholly online (end_to_end_count)',
    numerator_vi: 'số hồ sơ xử lý toàn trình trực tuyến',
    denominator: 'all dossiers (total_count), in the rows that reported end_to_end_count',
    denominator_vi: 'tổng số hồ sơ (ở các dòng có báo cáo hồ sơ toàn trình)',
    reference: '766/QĐ-TTg, 3 (toàn trình); national target 80% by the end of 2025',
    full_score_at: 0.8,
    max_points: 3,
    counts: 'dossiers',
    readsSums: true,
    reads: dossierColumns('end_to_end'),
    measure: 'end_to_end',
    ratio: dossiers('end_to_end'),
  },
];

export const DEFAULT_INDICATOR = 'online_rate';

export function indicatorById(id: string): Indicator | undefined {
  return INDICATORS.find((i) => i.id === id);
}

/** Points for a value: full at the threshold and above, in proportion below, 0 without data. Two decimals. */
export function pointsFor(indicator: Pick<Indicator, 'full_score_at' | 'max_points'>, value: number | null): number {
  if (value === null) return 0;
  return Math.round(indicator.max_points * Math.min(1, value / indicator.full_score_at) * 100) / 100;
}

/** The catalogue as the API publishes it (no functions). */
export function publicIndicators() {
  return INDICATORS.map(({ ratio: _ratio, readsSums: _readsSums, reads: _reads, ...rest }) => ({ ...rest, scoring: SCORING.en, scoring_vi: SCORING.vi }));
}
