import { type Month, addMonths } from '../months.ts';

/** Plain-language texts of the watch list, in Vietnamese and English, with their numbers. */

export type Lang = 'vi' | 'en';
export interface Texts {
  vi: string;
  en: string;
}

/*
 * Numbers are written by hand rather than with Intl: the watch list writes tens of thousands of
 * texts, and the two styles are simple. vi: "18.400" and "3,1%"; en: "18,400" and "3.1%".
 */
const groups = (digits: string, sep: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);

/** A decimal with at most `digits` decimals, trailing zeros dropped: 2.50 → "2,5" / "2.5". */
export function dec(n: number, lang: Lang, digits = 1): string {
  // toPrecision first: 0.255 / 0.4 × 100 is 63.74999999999999 in floating point, and reads 63.8.
  const fixed = Number(Math.abs(n).toPrecision(12)).toFixed(digits);
  const [int, frac = ''] = fixed.split('.');
  const decimals = frac.replace(/0+$/, '');
  const sign = n < 0 && Number(fixed) !== 0 ? '-' : '';
  return `${sign}${groups(int!, lang === 'vi' ? '.' : ',')}${decimals ? (lang === 'vi' ? ',' : '.') + decimals : ''}`;
}

/** 0.031 → "3,1%" / "3.1%"; 0.41 → "41%". */
export function pct(rate: number, lang: Lang, digits = 1): string {
  return `${dec(rate * 100, lang, digits)}%`;
}

/** 18400 → "18.400" / "18,400". */
export function num(n: number, lang: Lang): string {
  return dec(Math.round(n), lang, 0);
}

/** Percentage points, unsigned (the words say which way): 12.34 → "12,3 điểm %" / "12.3 pp". */
export function pp(points: number, lang: Lang): string {
  const n = dec(Math.abs(points), lang);
  return lang === 'vi' ? `${n} điểm %` : `${n} pp`;
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-10" → "10/2026" / "Oct 2026". */
export function month(m: Month, lang: Lang): string {
  const [y, mm] = [m.slice(0, 4), Number(m.slice(5, 7))];
  return lang === 'vi' ? `${String(mm).padStart(2, '0')}/${y}` : `${MONTHS_EN[mm - 1]} ${y}`;
}

/** "10/2025–09/2026" / "Oct 2025–Sep 2026". */
export function span(from: Month, to: Month, lang: Lang): string {
  return `${month(from, lang)}–${month(to, lang)}`;
}

/** Day `day` of a month: "10/11/2026" / "10 Nov 2026". */
export function dayOf(m: Month, day: number, lang: Lang): string {
  return lang === 'vi' ? `${String(day).padStart(2, '0')}/${month(m, 'vi')}` : `${day} ${month(m, 'en')}`;
}

export interface ScopeNames {
  /** The service's name in each language; null = all services. */
  service: Texts | null;
  /** A province name; null = the whole country. For a commune, its province. */
  province: string | null;
  /** A commune's name; its peers are then the communes of its province. */
  commune?: string | null;
}

/** Where a scope is: "Tỉnh X", or "Phường Y (Tỉnh X)" for a commune; null = the whole country. */
export function place(scope: Pick<ScopeNames, 'province' | 'commune'>): string | null {
  return scope.commune ? `${scope.commune} (${scope.province})` : scope.province;
}

/** Who the flag is about: "Đăng ký kết hôn in Tỉnh X", "Tỉnh X, all services", "Đăng ký kết hôn nationwide". */
export function subject(scope: ScopeNames): Texts {
  const { service } = scope;
  const where = place(scope);
  if (service !== null && where !== null) return { vi: `${service.vi} tại ${where}`, en: `${service.en} in ${where}` };
  if (where !== null) return { vi: `${where}, tất cả dịch vụ`, en: `${where}, all services` };
  if (service !== null) return { vi: `${service.vi} trên toàn quốc`, en: `${service.en} nationwide` };
  return { vi: 'Tất cả dịch vụ trên toàn quốc', en: 'All services nationwide' };
}

/**
 * Peers a scope is compared with: provinces, the communes of the same province, or services for
 * a national service figure. `of` names the group after "the median …" (empty for provinces).
 */
export function peers(scope: ScopeNames): Texts & { of: Texts } {
  if (scope.commune) return { vi: 'xã, phường', en: 'commune', of: { vi: ` của ${scope.province}`, en: ` of ${scope.province}` } };
  const none = { vi: '', en: '' };
  return scope.province === null && scope.service !== null ? { vi: 'dịch vụ', en: 'service', of: none } : { vi: 'tỉnh', en: 'province', of: none };
}

const both = (make: (lang: Lang) => string): Texts => ({ vi: make('vi'), en: make('en') });

export interface Window {
  from: Month;
  to: Month;
}

export function lowUsage(scope: ScopeNames, w: Window, m: { rate: number; threshold: number; paper: number; median: number | null }): Texts {
  const s = subject(scope);
  const p = peers(scope);
  return both((lang) => {
    const vi = lang === 'vi';
    // 9.99% must not read "10%, under the 10% threshold".
    const digits = Math.round(m.rate * 1000) >= Math.round(m.threshold * 1000) ? 2 : 1;
    const rate = pct(m.rate, lang, digits);
    const median =
      m.median === null
        ? ''
        : vi
          ? `, trong khi ${p.vi} ở mức trung vị${p.of.vi} đạt ${pct(m.median, lang)}`
          : `, while the median ${p.en}${p.of.en} is ${pct(m.median, lang)}`;
    return vi
      ? `${s.vi}: ${rate} hồ sơ nộp trực tuyến trong 12 tháng qua (${span(w.from, w.to, lang)}), dưới ngưỡng ${pct(m.threshold, lang)}${median}. Vẫn còn ${num(m.paper, lang)} hồ sơ giấy.`
      : `${s.en}: ${rate} online over the last 12 months (${span(w.from, w.to, lang)}), under the ${pct(m.threshold, lang)} threshold${median}. ${num(m.paper, lang)} dossiers were still on paper.`;
  });
}

export function unusedOnline(scope: ScopeNames, w: Window, m: { since: Month | null; total3: number; online12: number }): Texts {
  const s = subject(scope);
  return both((lang) => {
    const vi = lang === 'vi';
    const since = m.since === null ? (vi ? 'được công bố là dịch vụ trực tuyến' : 'is listed as online') : vi ? `có dịch vụ trực tuyến từ ${month(m.since, lang)}` : `has been offered online since ${month(m.since, lang)}`;
    const before =
      m.online12 > 0
        ? vi
          ? ` Trong 12 tháng qua từng có ${num(m.online12, lang)} hồ sơ trực tuyến.`
          : ` It had ${num(m.online12, lang)} online dossiers over the last 12 months.`
        : '';
    return vi
      ? `${s.vi} ${since}, nhưng không hồ sơ nào trong ${num(m.total3, lang)} hồ sơ của 3 tháng qua (${span(w.from, w.to, lang)}) được nộp trực tuyến.${before}`
      : `${s.en} ${since}, yet none of its ${num(m.total3, lang)} dossiers in the last 3 months (${span(w.from, w.to, lang)}) was submitted online.${before}`;
  });
}

export function paperBacklog(scope: ScopeNames, w: Window, m: { paper: number; rank: number; ranked: number; rate: number | null; share: number }): Texts {
  const s = subject(scope);
  // Communes are ranked within their province, provinces within the country.
  const pairs = scope.commune ? { vi: `cặp dịch vụ – xã, phường của ${scope.province}`, en: `service–commune pairs in ${scope.province}` } : { vi: 'cặp dịch vụ – tỉnh', en: 'service–province pairs' };
  const whole = scope.commune ? { vi: 'số hồ sơ giấy của cả tỉnh, thành phố', en: "the province's paper dossiers" } : { vi: 'số hồ sơ giấy cả nước', en: "the country's paper dossiers" };
  return both((lang) => {
    const vi = lang === 'vi';
    const rate = m.rate === null ? '' : vi ? `; tỷ lệ trực tuyến ${pct(m.rate, lang)}` : `; ${pct(m.rate, lang)} were online`;
    return vi
      ? `${s.vi}: ${num(m.paper, lang)} hồ sơ giấy trong 12 tháng qua (${span(w.from, w.to, lang)}), đứng thứ ${num(m.rank, lang)}/${num(m.ranked, lang)} ${pairs.vi}, bằng ${pct(m.share, lang)} ${whole.vi}${rate}.`
      : `${s.en}: ${num(m.paper, lang)} dossiers on paper over the last 12 months (${span(w.from, w.to, lang)}), rank ${num(m.rank, lang)} of ${num(m.ranked, lang)} ${pairs.en} and ${pct(m.share, lang)} of ${whole.en}${rate}.`;
  });
}

export function peerGap(scope: ScopeNames, m: { rate: number; median: number; gapPp: number; z: number | null; peers: number }): Texts {
  const s = subject(scope);
  const p = peers(scope);
  return both((lang) => {
    const vi = lang === 'vi';
    const z =
      m.z === null
        ? vi
          ? `; hầu hết các ${p.vi} có cùng tỷ lệ nên chỉ xét khoảng cách`
          : `; most ${p.en}s have the same rate, so the gap alone counts`
        : vi
          ? `; z = ${dec(m.z, lang, 2)} trên ${num(m.peers, lang)} ${p.vi}`
          : `; robust z = ${dec(m.z, lang, 2)} across ${num(m.peers, lang)} ${p.en}s`;
    return vi
      ? `${s.vi}: ${pct(m.rate, lang)} trực tuyến trong 12 tháng qua, thấp hơn ${pp(m.gapPp, lang)} so với ${p.vi} ở mức trung vị${p.of.vi} (${pct(m.median, lang)})${z}.`
      : `${s.en}: ${pct(m.rate, lang)} online over the last 12 months, ${pp(m.gapPp, lang)} below the median ${p.en}${p.of.en} (${pct(m.median, lang)})${z}.`;
  });
}

export function stalled(scope: ScopeNames, w: Window, m: { rate6: number; previous6: number; ceiling: number }): Texts {
  const s = subject(scope);
  const last = { from: addMonths(w.to, -5), to: w.to };
  const before = { from: w.from, to: addMonths(w.to, -6) };
  return both((lang) =>
    lang === 'vi'
      ? `${s.vi}: ${pct(m.rate6, lang)} trực tuyến trong 6 tháng gần nhất (${span(last.from, last.to, lang)}), không cao hơn mức ${pct(m.previous6, lang)} của 6 tháng trước đó (${span(before.from, before.to, lang)}), dù vẫn dưới ${pct(m.ceiling, lang)}.`
      : `${s.en}: ${pct(m.rate6, lang)} online in the last 6 months (${span(last.from, last.to, lang)}), not above the ${pct(m.previous6, lang)} of the 6 months before (${span(before.from, before.to, lang)}), while still under ${pct(m.ceiling, lang)}.`,
  );
}

export type DropCause = 'outage' | 'data_error' | 'unclear';

export function suddenDrop(
  scope: ScopeNames,
  m: {
    month: Month;
    rate: number;
    previousRate: number;
    changePp: number;
    usualPp: number;
    online: number;
    previousOnline: number;
    total: number;
    previousTotal: number;
    medianTotal: number;
    cause: DropCause;
  },
): Texts {
  const s = subject(scope);
  const prev = addMonths(m.month, -1);
  return both((lang) => {
    const vi = lang === 'vi';
    const head = vi
      ? `${s.vi}: tỷ lệ trực tuyến giảm từ ${pct(m.previousRate, lang)} (${month(prev, lang)}) xuống ${pct(m.rate, lang)} (${month(m.month, lang)}), mất ${pp(m.changePp, lang)}, trong khi mức dao động thường ngày chỉ khoảng ${pp(m.usualPp, lang)}/tháng.`
      : `${s.en}: the online rate fell from ${pct(m.previousRate, lang)} in ${month(prev, lang)} to ${pct(m.rate, lang)} in ${month(m.month, lang)}, down ${pp(m.changePp, lang)}, against a usual movement of ${pp(m.usualPp, lang)} a month.`;
    let cause: string;
    if (m.cause === 'outage') {
      cause = vi
        ? `Có vẻ là SỰ CỐ HỆ THỐNG: tổng số hồ sơ vẫn ổn định (${num(m.total, lang)}, trung vị 12 tháng ${num(m.medianTotal, lang)}) nhưng hồ sơ trực tuyến giảm từ ${num(m.previousOnline, lang)} xuống ${num(m.online, lang)}.`
        : `Looks like an OUTAGE: the total stayed steady (${num(m.total, lang)} dossiers, 12-month median ${num(m.medianTotal, lang)}) but online dossiers fell from ${num(m.previousOnline, lang)} to ${num(m.online, lang)}.`;
    } else if (m.cause === 'data_error') {
      cause =
        m.total * 2 < m.previousTotal
          ? vi
            ? `Có vẻ là LỖI SỐ LIỆU: chính tổng số hồ sơ đã giảm hơn một nửa, từ ${num(m.previousTotal, lang)} xuống ${num(m.total, lang)}.`
            : `Looks like a DATA ERROR: the total itself fell by more than half, from ${num(m.previousTotal, lang)} to ${num(m.total, lang)}.`
          : vi
            ? `Có vẻ là LỖI SỐ LIỆU: hồ sơ trực tuyến về 0 (từ ${num(m.previousOnline, lang)}) cùng lúc tổng số giảm từ ${num(m.previousTotal, lang)} xuống ${num(m.total, lang)}.`
            : `Looks like a DATA ERROR: online dossiers went to zero (from ${num(m.previousOnline, lang)}) while the total fell from ${num(m.previousTotal, lang)} to ${num(m.total, lang)}.`;
    } else {
      cause = vi
        ? `Tổng số hồ sơ cũng thay đổi (${num(m.total, lang)}, trung vị 12 tháng ${num(m.medianTotal, lang)}): cần kiểm tra số liệu.`
        : `The total moved too (${num(m.total, lang)} dossiers, 12-month median ${num(m.medianTotal, lang)}): check the figures.`;
    }
    return `${head} ${cause}`;
  });
}

/** A rate under a threshold, with 2 decimals where 1 would read as the threshold itself (19.96% is not "20%, under 20%"). */
function under(rate: number, threshold: number, lang: Lang): string {
  return pct(rate, lang, Math.round(rate * 1000) >= Math.round(threshold * 1000) ? 2 : 1);
}

export function onlineForShow(
  scope: ScopeNames,
  w: Window,
  m: { online: number; endToEnd: number; notEndToEnd: number; threshold: number; dossiers: number; endToEndCount: number },
): Texts {
  const s = subject(scope);
  return both((lang) =>
    lang === 'vi'
      ? `${s.vi}: ${pct(m.online, lang)} hồ sơ nộp trực tuyến nhưng chỉ ${under(m.endToEnd, m.threshold, lang)} được xử lý toàn trình trực tuyến trong 12 tháng qua (${span(w.from, w.to, lang)}), dưới ngưỡng ${pct(m.threshold, lang)}: ${pct(m.notEndToEnd, lang)} hồ sơ nộp trực tuyến vẫn phải nộp giấy tờ, nộp phí hoặc nhận kết quả trực tiếp ở một bước nào đó. Tính trên ${num(m.dossiers, lang)} hồ sơ có báo cáo số hồ sơ toàn trình, trong đó ${num(m.endToEndCount, lang)} hồ sơ toàn trình.`
      : `${s.en}: ${pct(m.online, lang)} of dossiers were submitted online but only ${under(m.endToEnd, m.threshold, lang)} were handled end to end online over the last 12 months (${span(w.from, w.to, lang)}), under the ${pct(m.threshold, lang)} threshold: ${pct(m.notEndToEnd, lang)} of the online dossiers still needed paper, a payment or a visit at some step. Counted over the ${num(m.dossiers, lang)} dossiers reported with end-to-end counts, ${num(m.endToEndCount, lang)} of them end to end.`,
  );
}

export function paymentLag(scope: ScopeNames, w: Window, m: { online: number; paidOnline: number; threshold: number; fee: number; paid: number }): Texts {
  const s = subject(scope);
  return both((lang) =>
    lang === 'vi'
      ? `${s.vi}: chỉ ${under(m.paidOnline, m.threshold, lang)} trong ${num(m.fee, lang)} hồ sơ phải nộp phí, lệ phí được thanh toán trực tuyến trong 12 tháng qua (${span(w.from, w.to, lang)}), dưới ngưỡng ${pct(m.threshold, lang)}, trong khi ${pct(m.online, lang)} hồ sơ được nộp trực tuyến: ${num(m.fee - m.paid, lang)} hồ sơ vẫn nộp phí, lệ phí trực tiếp.`
      : `${s.en}: only ${under(m.paidOnline, m.threshold, lang)} of the ${num(m.fee, lang)} fee-bearing dossiers were paid online over the last 12 months (${span(w.from, w.to, lang)}), under the ${pct(m.threshold, lang)} threshold, while ${pct(m.online, lang)} of dossiers were submitted online: ${num(m.fee - m.paid, lang)} fees were still paid offline.`,
  );
}

/** A province or a commune (named with its province) that has stopped reporting. */
export function lateLocality(name: string, m: { last: Month; expected: Month; monthsLate: number; dueDay: number }): Texts {
  const due = addMonths(m.expected, 1);
  return both((lang) =>
    lang === 'vi'
      ? `${name}: tháng gần nhất đã báo cáo là ${month(m.last, lang)}; số liệu tháng ${month(m.expected, lang)} phải gửi trước ngày ${dayOf(due, m.dueDay, lang)}, nên đang chậm ${num(m.monthsLate, lang)} tháng.`
      : `${name}: the latest month reported is ${month(m.last, lang)}; ${month(m.expected, lang)} was due by ${dayOf(due, m.dueDay, lang)}, so the data is ${num(m.monthsLate, lang)} month${m.monthsLate === 1 ? '' : 's'} late.`,
  );
}

export function latePublisher(name: string, id: number, m: { last: Month; receivedAt: string; expected: Month; monthsLate: number; dueDay: number }): Texts {
  const due = addMonths(m.expected, 1);
  const received = m.receivedAt.slice(0, 10);
  return both((lang) =>
    lang === 'vi'
      ? `Đơn vị gửi số liệu "${name}" (#${id}): tháng mới nhất từng gửi là ${month(m.last, lang)} (lần gửi gần nhất ngày ${received}); số liệu tháng ${month(m.expected, lang)} phải gửi trước ngày ${dayOf(due, m.dueDay, lang)}, nên đang chậm ${num(m.monthsLate, lang)} tháng.`
      : `Publisher "${name}" (#${id}): the latest month it sent is ${month(m.last, lang)} (last batch received ${received}); ${month(m.expected, lang)} was due by ${dayOf(due, m.dueDay, lang)}, so it is ${num(m.monthsLate, lang)} month${m.monthsLate === 1 ? '' : 's'} late.`,
  );
}

export function failingSource(name: string, publisher: string, m: { kind: 'url' | 'folder'; failures: number; since: string; lastSuccess: string | null }): Texts {
  const since = m.since.slice(0, 10);
  const last = m.lastSuccess?.slice(0, 10) ?? null;
  return both((lang) =>
    lang === 'vi'
      ? `Nguồn kéo số liệu "${name}" (${m.kind === 'url' ? 'địa chỉ web' : 'thư mục nhận tệp'}) của "${publisher}" bị lỗi ${num(m.failures, lang)} lần liên tiếp từ ngày ${since}; ${last ? `lần kéo thành công gần nhất ngày ${last}` : 'chưa lần nào kéo thành công'}. Số liệu của nguồn này không về được cho đến khi sửa lỗi.`
      : `Pull source "${name}" (${m.kind === 'url' ? 'a URL' : 'a drop folder'}) of "${publisher}" has failed ${num(m.failures, lang)} time${m.failures === 1 ? '' : 's'} in a row since ${since}; ${last ? `the last good pull was on ${last}` : 'no pull has succeeded yet'}. Its data cannot arrive until this is fixed.`,
  );
}

export type TargetStatus = 'on_track' | 'at_risk' | 'off_track' | 'no_data';

const STATUS: Record<TargetStatus, Texts> = {
  on_track: { vi: 'đúng tiến độ', en: 'on track' },
  at_risk: { vi: 'có nguy cơ không đạt', en: 'at risk' },
  off_track: { vi: 'không đạt tiến độ', en: 'off track' },
  no_data: { vi: 'chưa có số liệu', en: 'no data' },
};

/** A first letter in lower case, for a name in the middle of a sentence. */
const lowerFirst = (text: string) => text.charAt(0).toLocaleLowerCase('vi') + text.slice(1);

export function target(
  scope: ScopeNames,
  m: {
    /** The target's indicator with its names; online_rate keeps the words "online". */
    indicator?: Texts & { id: string };
    target: number;
    due: Month;
    rate: number | null;
    progress: number | null;
    projected: number | null;
    slopePp: number | null;
    basis: 'linear_fit' | 'actual';
    status: TargetStatus;
  },
): Texts {
  const { service } = scope;
  const where = place(scope);
  const who: Texts =
    service !== null
      ? subject(scope)
      : where !== null
        ? { vi: `tất cả dịch vụ tại ${where}`, en: `all services in ${where}` }
        : { vi: 'tất cả dịch vụ trên toàn quốc', en: 'all services nationwide' };
  return both((lang) => {
    const vi = lang === 'vi';
    const other = m.indicator !== undefined && m.indicator.id !== 'online_rate' ? lowerFirst(m.indicator[lang]) : null;
    const head =
      other === null
        ? vi
          ? `Mục tiêu cho ${who.vi}: ${pct(m.target, lang)} hồ sơ trực tuyến vào ${month(m.due, lang)}.`
          : `Target for ${who.en}: ${pct(m.target, lang)} online by ${month(m.due, lang)}.`
        : vi
          ? `Mục tiêu cho ${who.vi}: ${other} đạt ${pct(m.target, lang)} vào ${month(m.due, lang)}.`
          : `Target for ${who.en}: ${other} at ${pct(m.target, lang)} by ${month(m.due, lang)}.`;
    if (m.rate === null || m.status === 'no_data') {
      if (other !== null) return vi ? `${head} Chưa có số liệu cho chỉ số này trong 12 tháng qua để đánh giá.` : `${head} There are no data for this indicator over the last 12 months to judge it.`;
      return vi ? `${head} Chưa có số liệu trong 12 tháng qua để đánh giá.` : `${head} There are no data over the last 12 months to judge it.`;
    }
    const now = vi
      ? ` Hiện đạt ${pct(m.rate, lang)} trong 12 tháng qua (${pct(m.progress ?? 0, lang)} mục tiêu).`
      : ` Now ${pct(m.rate, lang)} over the last 12 months (${pct(m.progress ?? 0, lang)} of the target).`;
    const outlook =
      m.basis === 'actual'
        ? vi
          ? ` Tỷ lệ thực tế tháng ${month(m.due, lang)} là ${pct(m.projected ?? 0, lang)}`
          : ` The actual rate in ${month(m.due, lang)} was ${pct(m.projected ?? 0, lang)}`
        : vi
          ? ` Đường xu hướng tuyến tính trên 12 tỷ lệ tháng gần nhất (${m.slopePp !== null && m.slopePp < 0 ? '−' : '+'}${pp(m.slopePp ?? 0, lang)}/tháng) dự báo ${pct(m.projected ?? 0, lang)} vào ${month(m.due, lang)}`
          : ` A linear fit on the last 12 monthly rates (${m.slopePp !== null && m.slopePp < 0 ? '−' : '+'}${pp(m.slopePp ?? 0, lang)} a month) projects ${pct(m.projected ?? 0, lang)} by ${month(m.due, lang)}`;
    return `${head}${now}${outlook}: ${STATUS[m.status][lang]}.`;
  });
}

/**
 * Why a province or commune has no commune flags: no commune of it reported anything since `from`
 * (the first month the watch list reads). `province` is the commune's province for a commune.
 */
export function noCommuneData(scope: { province: string; commune: string | null }, from: Month): Texts {
  const where = place(scope)!;
  return both((lang) => {
    const vi = lang === 'vi';
    const since = month(from, lang);
    if (scope.commune !== null) {
      return vi
        ? `${where}: không có số liệu nào báo cáo riêng cho xã, phường này từ ${since} đến nay, nên không có cờ cấp xã. Nếu tỉnh, thành phố báo cáo gộp, số hồ sơ của xã nằm trong các cờ của ${scope.province}.`
        : `${where}: no data have been reported for this commune itself since ${since}, so it has no commune flags. Where the province reports as a whole, its dossiers are in the flags of ${scope.province}.`;
    }
    return vi
      ? `${where}: không xã, phường nào có số liệu báo cáo riêng từ ${since} đến nay, nên không có cờ cấp xã; chỉ có các cờ của cả tỉnh, thành phố.`
      : `${where}: none of its communes has reported data of its own since ${since}, so there are no commune flags; only the province's own flags are listed.`;
  });
}
