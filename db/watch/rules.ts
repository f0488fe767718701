import { rateOf } from '../adoption.ts';
import { offeredOnline } from '../indicators/catalogue.ts';
import { DEFAULT_INDICATOR, indicatorById } from '../indicators/catalogue.ts';
import { type Month, monthIndex } from '../months.ts';
import type { Service } from '../services.ts';
import * as explain from './explain.ts';
import { MAD_SCALE, linearFit, mad, median, robustZ } from './robust.ts';
import type { Flag, Signal } from './types.ts';

/**
 * The watch list's rules, each written once and judged on one scope at a time: a province, a
 * service × province, the country, a commune or a service × commune. signals.ts and communes.ts
 * build the scopes (their series, figures and peers) and call these.
 */

/** Tunables, named so that the explanations and the tests can refer to them. */
export const RULES = {
  /** paper_backlog flags the top 5% of service × province (or × commune) pairs, at least 10 and at most 100. */
  backlogShare: 0.05,
  backlogMin: 10,
  backlogMax: 100,
  /** peer_gap: at least this far under the median, in percentage points... */
  peerGapPp: 10,
  /** ...and at most this robust z; when MAD is 0 the gap alone must reach peerGapOnlyPp. */
  peerZ: -2,
  peerGapOnlyPp: 20,
  /** peer_gap needs this many provinces (communes, services) with data to speak of a median. */
  minPeers: 3,
  /** stalled: only below this rate. */
  stalledCeiling: 0.9,
  /** sudden_drop: a fall of more than 5 pp and more than 4 × the usual monthly movement... */
  dropPp: 5,
  dropUsual: 4,
  /** ...judged on at least this many earlier monthly changes. */
  dropMinHistory: 6,
  /** An outage keeps the total within 30% of its 12-month median. */
  steadyTotal: 0.3,
  /** target: at risk when the projection is within 5 pp under the target. */
  atRiskPp: 5,
  /** online_for_show: at least this share of dossiers submitted online... */
  showOnlineMin: 0.5,
  /** ...and under this share handled end to end online (end_to_end_count ÷ total_count)... */
  showEndToEndMax: 0.2,
  /** ...over at least this many dossiers in the window's rows that reported end_to_end_count. */
  showMinDossiers: 200,
  /** payment_lag: at least this share of dossiers submitted online... */
  lagOnlineMin: 0.5,
  /** ...and under this share of the fee-bearing dossiers paid online (paid_online_count ÷ fee_count)... */
  lagPaidOnlineMax: 0.3,
  /** ...over at least this many fee-bearing dossiers in the window's rows that reported paid_online_count. */
  lagMinFeeDossiers: 200,
} as const;

export const TARGET_METHOD = 'linear fit on the last 12 monthly rates';

/**
 * Months read per series: the 12-month window plus the 2 months before it, so that the
 * latest month's change can be set against the 12 changes before it.
 */
export const SPAN = 14;
/** Offsets in a series: k = SPAN − 1 is the window's last month. */
export const LAST = SPAN - 1;
export const W_FROM = LAST - 11;
const EPS = 1e-9;

export const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
export const r2 = (x: number) => Math.round(x * 100) / 100;
export const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * SPAN months of one scope in some arrays, from `at`: the cube's Float64Arrays for provinces,
 * the commune window's Uint32Arrays for communes.
 */
export interface SeriesView {
  online: ArrayLike<number>;
  total: ArrayLike<number>;
  /** 1 where the month has a reported row. */
  has: ArrayLike<number>;
  at: number;
}

export interface Figures {
  online12: number;
  total12: number;
  paper12: number;
  rate12: number | null;
  online3: number;
  total3: number;
  /** Any row in the 12-month window. */
  reported12: boolean;
  online6: number;
  total6: number;
  onlinePrev6: number;
  totalPrev6: number;
}

export function figures(s: SeriesView): Figures {
  let online12 = 0;
  let total12 = 0;
  let online3 = 0;
  let total3 = 0;
  let online6 = 0;
  let total6 = 0;
  let reported12 = false;
  for (let k = W_FROM; k <= LAST; k++) {
    const i = s.at + k;
    const on = s.online[i]!;
    const tot = s.total[i]!;
    if (s.has[i] === 1) reported12 = true;
    online12 += on;
    total12 += tot;
    if (k > LAST - 3) (online3 += on), (total3 += tot);
    if (k > LAST - 6) (online6 += on), (total6 += tot);
  }
  return {
    online12,
    total12,
    paper12: total12 - online12,
    rate12: total12 > 0 ? online12 / total12 : null,
    online3,
    total3,
    reported12,
    online6,
    total6,
    onlinePrev6: online12 - online6,
    totalPrev6: total12 - total6,
  };
}

/** A series with nothing in the window is no scope to judge (cells and communes without data). */
export const hasWindowData = (f: Figures) => f.reported12 || f.total12 !== 0;

/** Monthly rates of a series, null where nothing was counted. */
export function monthlyRates(s: SeriesView): Array<number | null> {
  const out: Array<number | null> = [];
  for (let k = 0; k < SPAN; k++) {
    const tot = s.total[s.at + k]!;
    out.push(tot > 0 ? s.online[s.at + k]! / tot : null);
  }
  return out;
}

export interface PeerStats {
  median: number;
  mad: number;
  count: number;
}

export function peerStats(rates: ArrayLike<number>): PeerStats | null {
  const m = median(rates);
  if (m === null) return null;
  return { median: m, mad: mad(rates, m) ?? 0, count: rates.length };
}


/**
 * A scope's sums over the window's rows that reported one optional measure, and only those: a row
 * that left it out counts in none of them (not reported is not zero).
 */
export interface ReportedSums {
  /** online_count and total_count of those rows. */
  online: number;
  total: number;
  /** The measure over those rows: end_to_end_count ÷ total_count, or paid_online_count ÷ fee_count. */
  count: number;
  base: number;
  rows: number;
}

/** What a service × province or service × commune read of the optional measures (null: no row reported it). */
export interface MeasureFigures {
  endToEnd: ReportedSums | null;
  payment: ReportedSums | null;
}

/** What a rule reads of a scope. */
export interface RuleScope {
  /** null = all services together. */
  service: Service | null;
  names: explain.ScopeNames;
  series: SeriesView;
  fig: Figures;
  /** Peers to compare with: provinces (or the communes of the same province, or services). */
  peers: PeerStats | null;
  /** The optional measures over the window, for one service in one province or commune. */
  measures?: MeasureFigures | null;
}

/** The window and settings every rule is judged against. */
export interface Judging {
  window: { from: Month; to: Month };
  /** The first of the window's last 3 months. */
  recentFrom: Month;
  threshold: number;
  dueDay: number;
  /** The month whose data is due by now. */
  expected: Month;
}

/** A rule's verdict on one scope: everything of a flag but whom it is about. */
export interface Finding {
  signal: Signal;
  severity: number;
  metrics: Flag['metrics'];
  /** Written when asked for: at commune scale most findings are counted and ranked, and few are read. */
  texts: () => explain.Texts;
}

/** A finding as a flag about a locality (`province_code` for a commune's). */
export function flagOf(f: Finding, about: { service_code: string | null; locality_code: string | null; paper_12m: number; province_code?: string }): Flag {
  return {
    signal: f.signal,
    service_code: about.service_code,
    locality_code: about.locality_code,
    ...(about.province_code === undefined ? {} : { province_code: about.province_code }),
    severity: r4(clamp01(f.severity)),
    paper_12m: about.paper_12m,
    metrics: f.metrics,
    ...explanations(f.texts()),
  };
}

const explanations = (t: explain.Texts) => ({ explanation_vi: t.vi, explanation_en: t.en });

/** Whether a scope's service is online by a month (all services together always are). */
const onlineBy = (scope: RuleScope, month: Month) => scope.service === null || offeredOnline(scope.service, month);

/** Peers numerous enough to speak of a median. */
const enoughPeers = (peers: PeerStats | null) => (peers && peers.count >= RULES.minPeers ? peers : null);

/** low_usage: online by the end of the window, used, and under the threshold over 12 months. */
export function lowUsage(scope: RuleScope, j: Judging): Finding | null {
  const { rate12, total12, online12, paper12 } = scope.fig;
  if (rate12 === null || total12 <= 0 || !onlineBy(scope, j.window.to) || rate12 >= j.threshold) return null;
  const peers = enoughPeers(scope.peers);
  return {
    signal: 'low_usage',
    severity: 1 - rate12 / j.threshold,
    metrics: { rate_12m: r4(rate12), online_12m: online12, total_12m: total12, threshold: j.threshold, peer_median_rate: peers ? r4(peers.median) : null, peers: peers?.count ?? 0 },
    texts: () => explain.lowUsage(scope.names, j.window, { rate: rate12, threshold: j.threshold, paper: paper12, median: peers?.median ?? null }),
  };
}

/** unused_online (one service): online for the whole of the last 3 months, dossiers came, and none online. */
export function unusedOnline(scope: RuleScope, j: Judging): Finding | null {
  const f = scope.fig;
  const service = scope.service;
  if (service === null || !offeredOnline(service, j.recentFrom) || f.total3 <= 0 || f.online3 > 0) return null;
  return {
    signal: 'unused_online',
    severity: 1,
    metrics: { online_3m: 0, total_3m: f.total3, online_12m: f.online12, total_12m: f.total12, online_since: service.online_since },
    texts: () => explain.unusedOnline(scope.names, { from: j.recentFrom, to: j.window.to }, { since: service.online_since, total3: f.total3, online12: f.online12 }),
  };
}

/** How many of `ranked` pairs paper_backlog flags: the top 5%, at least 10 and at most 100. */
export const backlogTop = (ranked: number) => Math.min(RULES.backlogMax, Math.max(RULES.backlogMin, Math.ceil(ranked * RULES.backlogShare)));

export interface BacklogRank {
  /** 1-based. */
  rank: number;
  ranked: number;
  flagged: number;
  /** The most paper of any ranked pair (severity 1). */
  maxPaper: number;
  /** Paper of the whole the pairs are part of: the country, or the commune's province. */
  basePaper: number;
}

/** paper_backlog: one of the pairs with the most paper dossiers, with its rank. */
export function paperBacklog(scope: RuleScope, j: Judging, r: BacklogRank): Finding {
  const f = scope.fig;
  const share = r.basePaper > 0 ? f.paper12 / r.basePaper : 0;
  const shareKey = scope.names.commune ? 'share_of_province_paper' : 'share_of_national_paper';
  return {
    signal: 'paper_backlog',
    severity: f.paper12 / r.maxPaper,
    metrics: { rank: r.rank, ranked: r.ranked, flagged: r.flagged, paper_12m: f.paper12, total_12m: f.total12, rate_12m: f.rate12 === null ? null : r4(f.rate12), [shareKey]: r4(share) },
    texts: () => explain.paperBacklog(scope.names, j.window, { paper: f.paper12, rank: r.rank, ranked: r.ranked, rate: f.rate12, share }),
  };
}

/** peer_gap: far under the median of its peers, by the gap and by a robust z-score. */
export function peerGap(scope: RuleScope, j: Judging): Finding | null {
  const { rate12 } = scope.fig;
  const peers = enoughPeers(scope.peers);
  if (rate12 === null || !peers || !onlineBy(scope, j.window.to)) return null;
  const gapPp = (rate12 - peers.median) * 100;
  const z = robustZ(rate12, peers.median, peers.mad);
  const flagged = z === null ? gapPp <= -RULES.peerGapOnlyPp + EPS : gapPp <= -RULES.peerGapPp + EPS && z <= RULES.peerZ + EPS;
  if (!flagged) return null;
  return {
    signal: 'peer_gap',
    severity: -gapPp / 100,
    metrics: { rate_12m: r4(rate12), median: r4(peers.median), mad: r4(peers.mad), gap_pp: r2(gapPp), z: z === null ? null : r2(z), peers: peers.count, total_12m: scope.fig.total12 },
    texts: () => explain.peerGap(scope.names, { rate: rate12, median: peers.median, gapPp, z, peers: peers.count }),
  };
}

/** stalled: the rate of the last 6 months no higher than that of the 6 before, while under 90%. */
export function stalled(scope: RuleScope, j: Judging): Finding | null {
  const f = scope.fig;
  if (!onlineBy(scope, j.window.to) || f.total6 <= 0 || f.totalPrev6 <= 0) return null;
  const rate6 = rateOf(f.online6, f.total6)!;
  const previous6 = rateOf(f.onlinePrev6, f.totalPrev6)!;
  if (rate6 > previous6 || rate6 >= RULES.stalledCeiling) return null;
  return {
    signal: 'stalled',
    severity: (RULES.stalledCeiling - rate6) / RULES.stalledCeiling,
    metrics: { rate_last_6m: rate6, rate_previous_6m: previous6, change_pp: r2((rate6 - previous6) * 100), total_last_6m: f.total6, total_previous_6m: f.totalPrev6 },
    texts: () => explain.stalled(scope.names, j.window, { rate6, previous6, ceiling: RULES.stalledCeiling }),
  };
}

/** sudden_drop: the latest monthly change against the series' usual movement, with its likely cause. */
export function suddenDropFinding(scope: RuleScope, j: Judging): Finding | null {
  const month = j.window.to;
  if (!onlineBy(scope, month)) return null;
  const drop = suddenDrop(scope.series);
  if (!drop) return null;
  return {
    signal: 'sudden_drop',
    severity: -drop.change,
    metrics: {
      month,
      rate: r4(drop.rate),
      previous_rate: r4(drop.previousRate),
      change_pp: r2(drop.change * 100),
      usual_pp: r2(drop.usual * 100),
      online: drop.online,
      previous_online: drop.previousOnline,
      total: drop.total,
      previous_total: drop.previousTotal,
      median_total_12m: drop.medianTotal,
      cause: drop.cause,
    },
    texts: () => explain.suddenDrop(scope.names, { ...drop, month, changePp: drop.change * 100, usualPp: drop.usual * 100 }),
  };
}

/**
 * online_for_show (one service in a province or commune): most dossiers submitted online, few
 * handled end to end online, both over the window's rows that reported end_to_end_count.
 */
export function onlineForShow(scope: RuleScope, j: Judging): Finding | null {
  const m = scope.measures?.endToEnd;
  // A partial service keeps a step at the counter by design: only a full one can be end to end.
  if (scope.service === null || scope.service.online_level !== 'full' || !m || m.total < RULES.showMinDossiers) return null;
  const onlineRate = m.online / m.total;
  const endToEndRate = m.count / m.total;
  if (onlineRate < RULES.showOnlineMin - EPS || endToEndRate >= RULES.showEndToEndMax - EPS) return null;
  // end_to_end_count ≤ online_count row by row, so online > 0 here.
  const notEndToEnd = (m.online - m.count) / m.online;
  return {
    signal: 'online_for_show',
    severity: 1 - endToEndRate / RULES.showEndToEndMax,
    metrics: {
      online_rate: r4(onlineRate),
      end_to_end_rate: r4(endToEndRate),
      online_not_end_to_end: r4(notEndToEnd),
      online_count: m.online,
      end_to_end_count: m.count,
      total_count: m.total,
      rows_reported: m.rows,
      min_online_rate: RULES.showOnlineMin,
      max_end_to_end_rate: RULES.showEndToEndMax,
      min_dossiers: RULES.showMinDossiers,
    },
    texts: () =>
      explain.onlineForShow(scope.names, j.window, { online: onlineRate, endToEnd: endToEndRate, notEndToEnd, threshold: RULES.showEndToEndMax, dossiers: m.total, endToEndCount: m.count }),
  };
}

/**
 * payment_lag (one service in a province or commune): most dossiers submitted online, yet most
 * fee-bearing ones still paid offline, both over the window's rows that reported paid_online_count.
 */
export function paymentLag(scope: RuleScope, j: Judging): Finding | null {
  const m = scope.measures?.payment;
  if (scope.service === null || !m || m.base < RULES.lagMinFeeDossiers) return null;
  // fee_count ≤ total_count row by row, so total > 0 here.
  const onlineRate = m.online / m.total;
  const paidRate = m.count / m.base;
  if (onlineRate < RULES.lagOnlineMin - EPS || paidRate >= RULES.lagPaidOnlineMax - EPS) return null;
  return {
    signal: 'payment_lag',
    severity: 1 - paidRate / RULES.lagPaidOnlineMax,
    metrics: {
      online_rate: r4(onlineRate),
      paid_online_rate: r4(paidRate),
      fee_count: m.base,
      paid_online_count: m.count,
      paid_offline_count: m.base - m.count,
      online_count: m.online,
      total_count: m.total,
      rows_reported: m.rows,
      min_online_rate: RULES.lagOnlineMin,
      max_paid_online_rate: RULES.lagPaidOnlineMax,
      min_fee_dossiers: RULES.lagMinFeeDossiers,
    },
    texts: () => explain.paymentLag(scope.names, j.window, { online: onlineRate, paidOnline: paidRate, threshold: RULES.lagPaidOnlineMax, fee: m.base, paid: m.count }),
  };
}

/** The rules judged on every scope, by signal; unused_online, online_for_show and payment_lag only speak of one service. */
export const SCOPE_RULE = {
  low_usage: lowUsage,
  unused_online: unusedOnline,
  peer_gap: peerGap,
  stalled,
  sudden_drop: suddenDropFinding,
  online_for_show: onlineForShow,
  payment_lag: paymentLag,
} as const satisfies Partial<
  Record<Signal, (scope: RuleScope, j: Judging) => Finding | null>
>;
export const SCOPE_RULES = Object.values(SCOPE_RULE);

/** Months from the last month reported to the month expected by now (0 or less: not late). */
export const monthsLate = (last: Month, expected: Month) => monthIndex(expected) - monthIndex(last);

/** late_data: a locality that has reported, against the month due by now. `name` says which. */
export function lateData(name: string, last: Month, j: Judging): Finding | null {
  const late = monthsLate(last, j.expected);
  if (late < 1) return null;
  return {
    signal: 'late_data',
    severity: late / 12,
    metrics: { last_reported: last, expected: j.expected, months_late: late, due_day: j.dueDay },
    texts: () => explain.lateLocality(name, { last, expected: j.expected, monthsLate: late, dueDay: j.dueDay }),
  };
}

export interface Drop {
  rate: number;
  previousRate: number;
  change: number;
  usual: number;
  online: number;
  previousOnline: number;
  total: number;
  previousTotal: number;
  medianTotal: number;
  cause: explain.DropCause;
}

/**
 * The latest month's change in rate, if it is a fall of more than 5 pp and more than 4 × the
 * usual movement (1.4826 × the median absolute change over the 12 months before), with its
 * likely cause: an outage (the total steady, within 30% of its 12-month median, online down)
 * or a data error (the total itself more than halved, or online to zero as the total fell).
 */
export function suddenDrop(s: SeriesView): Drop | null {
  const rates = monthlyRates(s);
  const rate = rates[LAST];
  const previousRate = rates[LAST - 1];
  if (rate === null || rate === undefined || previousRate === null || previousRate === undefined) return null;
  const change = rate - previousRate;
  if (change >= -RULES.dropPp / 100 + EPS) return null;
  const changes: number[] = [];
  const totals: number[] = [];
  for (let k = 1; k < LAST; k++) {
    const [a, b] = [rates[k - 1], rates[k]];
    if (a !== null && a !== undefined && b !== null && b !== undefined) changes.push(Math.abs(b - a));
    if (s.has[s.at + k]) totals.push(s.total[s.at + k]!);
  }
  if (changes.length < RULES.dropMinHistory) return null;
  const usual = MAD_SCALE * median(changes)!;
  if (change >= -RULES.dropUsual * usual) return null;
  const online = s.online[s.at + LAST]!;
  const total = s.total[s.at + LAST]!;
  const previousOnline = s.online[s.at + LAST - 1]!;
  const previousTotal = s.total[s.at + LAST - 1]!;
  const medianTotal = median(totals) ?? previousTotal;
  let cause: explain.DropCause;
  if (total * 2 < previousTotal || (online === 0 && total < previousTotal)) cause = 'data_error';
  else if (Math.abs(total - medianTotal) <= RULES.steadyTotal * medianTotal + EPS) cause = 'outage';
  else cause = 'unclear';
  return { rate, previousRate, change, usual, online, previousOnline, total, previousTotal, medianTotal, cause };
}

interface Outlook {
  rate: number | null;
  progress: number | null;
  projected: number | null;
  slope: number | null;
  points: number;
  basis: 'linear_fit' | 'actual';
  status: explain.TargetStatus;
}

/**
 * Where a scope stands against a target: its 12-month rate, and the rate at the due month by a
 * least-squares line through the last 12 monthly rates (clamped to 0..100%). A due month already
 * in the window is judged on that month's actual rate.
 */
function targetOutlook(scope: Pick<RuleScope, 'fig' | 'series'>, due: Month, target: number, to: Month): Outlook {
  const rate = scope.fig.rate12;
  const rates = monthlyRates(scope.series);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = W_FROM; k <= LAST; k++) {
    const r = rates[k];
    if (r !== null && r !== undefined) xs.push(k - LAST), ys.push(r);
  }
  const fit = linearFit(xs, ys);
  const ahead = monthIndex(due) - monthIndex(to);
  let projected: number | null;
  let basis: Outlook['basis'] = 'linear_fit';
  if (ahead <= 0) {
    basis = 'actual';
    projected = rates[LAST + ahead] ?? null;
  } else if (fit) projected = clamp01(fit.intercept + fit.slope * ahead);
  else projected = ys.length > 0 ? ys[ys.length - 1]! : null;
  const progress = rate === null ? null : rate / target;
  let status: explain.TargetStatus;
  if (rate === null || projected === null) status = 'no_data';
  else if (projected >= target - EPS) status = 'on_track';
  else if (projected >= target - RULES.atRiskPp / 100 - EPS) status = 'at_risk';
  else status = 'off_track';
  return { rate, progress, projected, slope: fit ? fit.slope : ys.length > 0 ? 0 : null, points: ys.length, basis, status };
}

export interface TargetRow {
  id: number;
  due: Month;
  target: number;
  /** The indicator the target is set on (db/indicators/catalogue.ts); online_rate by default. */
  indicator: string;
}

/**
 * target: progress towards a target of a scope (null = no data for it), and its outlook. The
 * scope's series is the target's indicator: numerator and denominator per month (the online
 * counts for online_rate).
 */
export function targetFinding(t: TargetRow, names: explain.ScopeNames, scope: Pick<RuleScope, 'fig' | 'series'> | null, j: Judging): Finding {
  const o = scope ? targetOutlook(scope, t.due, t.target, j.window.to) : null;
  const indicator = indicatorById(t.indicator) ?? indicatorById(DEFAULT_INDICATOR)!;
  const status = o?.status ?? 'no_data';
  const severity = status === 'no_data' ? 1 : status === 'on_track' ? 0 : (t.target - o!.projected!) / t.target;
  const texts = () => explain.target(names, {
    indicator: { id: indicator.id, vi: indicator.name_vi, en: indicator.name_en },
    target: t.target,
    due: t.due,
    rate: o?.rate ?? null,
    progress: o?.progress ?? null,
    projected: o?.projected ?? null,
    slopePp: o?.slope == null ? null : o.slope * 100,
    basis: o?.basis ?? 'linear_fit',
    status,
  });
  return {
    signal: 'target',
    severity,
    metrics: {
      target_id: t.id,
      indicator: indicator.id,
      target_rate: t.target,
      due_month: t.due,
      rate_12m: o?.rate == null ? null : r4(o.rate),
      progress: o?.progress == null ? null : r4(o.progress),
      projected_rate: o?.projected == null ? null : r4(o.projected),
      slope_pp_per_month: o?.slope == null ? null : r2(o.slope * 100),
      months_fitted: o?.points ?? 0,
      basis: o?.basis ?? null,
      method: TARGET_METHOD,
      status,
    },
    texts,
  };
}

/** A service's names for the texts: the English one where the catalogue has it. */
export const serviceNames = (service: Service | null): explain.Texts | null => (service ? { vi: service.name_vi, en: service.name_en || service.name_vi } : null);
