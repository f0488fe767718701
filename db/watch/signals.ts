import type Database from 'better-sqlite3';
import { rateOf } from '../adoption.ts';
import { RollupCube, type Series } from '../cube.ts';
import { type Locality, type LocalityRegistry, localityRegistry } from '../localities/registry.ts';
import { failingSources as listFailingSources } from '../pull-sources.ts';
import { type Month, addMonths, currentMonth, monthIndex, reportingTimeZone } from '../months.ts';
import { type Service, listServices } from '../services.ts';
import { type MonthSums, monthlyByArea } from '../stats.ts';
import * as explain from './explain.ts';
import { MAD_SCALE, linearFit, mad, median, robustZ } from './robust.ts';
import { type Flag, type OnlineServiceShare, SIGNALS, type Signal, type WatchResult } from './types.ts';
import { dayOfMonth, latestCompleteMonth } from './window.ts';

export * from './types.ts';

export interface WatchOptions {
  now?: Date;
  /** 12-month rate under which an online service is "little used"; default 0.10. */
  threshold?: number;
  /** Data for month M is due on this day of month M + 1; default 10. */
  dueDay?: number;
  /** A warm cube of the rollups (the site builder keeps one); without it the window is read. */
  cube?: RollupCube;
}

export const DEFAULT_THRESHOLD = 0.1;
export const DEFAULT_DUE_DAY = 10;

/** Tunables, named so that the explanations and the tests can refer to them. */
export const RULES = {
  /** paper_backlog flags the top 5% of service × province pairs, at least 10 and at most 100. */
  backlogShare: 0.05,
  backlogMin: 10,
  backlogMax: 100,
  /** peer_gap: at least this far under the median, in percentage points... */
  peerGapPp: 10,
  /** ...and at most this robust z; when MAD is 0 the gap alone must reach peerGapOnlyPp. */
  peerZ: -2,
  peerGapOnlyPp: 20,
  /** peer_gap needs this many provinces (or services) with data to speak of a median. */
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
} as const;

export const TARGET_METHOD = 'linear fit on the last 12 monthly rates';

/**
 * Months read per series: the 12-month window plus the 2 months before it, so that the
 * latest month's change can be set against the 12 changes before it.
 */
const SPAN = 14;
/** Offsets in a series: k = SPAN − 1 is the window's last month. */
const LAST = SPAN - 1;
const W_FROM = LAST - 11;
const EPS = 1e-9;

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
const r2 = (x: number) => Math.round(x * 100) / 100;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

interface Figures {
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

function figures(s: Series): Figures {
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

/** Monthly rates of a series, null where nothing was counted. */
function monthlyRates(s: Series): Array<number | null> {
  const out: Array<number | null> = [];
  for (let k = 0; k < SPAN; k++) {
    const tot = s.total[s.at + k]!;
    out.push(tot > 0 ? s.online[s.at + k]! / tot : null);
  }
  return out;
}

/** Sums over a window of SPAN months: per province (areas before the country), per service and overall. */
interface WindowTotals {
  byProvince: Series[];
  byService: Series[];
  national: Series;
}

function addTo(sum: Omit<Series, 'at'>, i: number, online: number, total: number): void {
  sum.online[i] = sum.online[i]! + online;
  sum.total[i] = sum.total[i]! + total;
  sum.has[i] = 1;
}

function windowTotals(cube: RollupCube, from: Month): WindowTotals {
  const S = cube.services.length;
  const A = cube.areas.length;
  const sumOf = (n: number) => ({ online: new Float64Array(n * SPAN), total: new Float64Array(n * SPAN), has: new Uint8Array(n * SPAN) });
  const prov = sumOf(A);
  const nat = sumOf(S);
  const all = { ...sumOf(1), at: 0 };
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const cell = cube.cell(s, a, from);
      for (let k = 0; k < SPAN; k++) {
        const i = cell.at + k;
        if (cell.has[i] !== 1) continue;
        const on = cell.online[i]!;
        const tot = cell.total[i]!;
        addTo(prov, a * SPAN + k, on, tot);
        addTo(nat, s * SPAN + k, on, tot);
        addTo(all, k, on, tot);
      }
    }
  }
  return {
    byProvince: Array.from({ length: A }, (_, a) => ({ ...prov, at: a * SPAN })),
    byService: Array.from({ length: S }, (_, s) => ({ ...nat, at: s * SPAN })),
    national: all,
  };
}

interface PeerStats {
  median: number;
  mad: number;
  count: number;
}

function peerStats(rates: number[]): PeerStats | null {
  const m = median(rates);
  if (m === null) return null;
  return { median: m, mad: mad(rates, m) ?? 0, count: rates.length };
}

type ScopeKind = 'cell' | 'province' | 'service' | 'national';

interface Scope {
  kind: ScopeKind;
  service: Service | null;
  /** A current province, or null for the whole country. */
  province: Locality | null;
  series: Series;
  fig: Figures;
  /** Peers to compare with: provinces for cells and provinces, services for national service figures. */
  peers: PeerStats | null;
}

/** A service's names for the texts: the English one where the catalogue has it. */
const serviceNames = (service: Service | null): explain.Texts | null => (service ? { vi: service.name_vi, en: service.name_en || service.name_vi } : null);
const names = (scope: Pick<Scope, 'service' | 'province'>): explain.ScopeNames => ({ service: serviceNames(scope.service), province: scope.province?.name ?? null });

const isOnlineBy = (s: Service, month: Month) => s.online_since === null || s.online_since <= month;

/** Whether a scope's service is online by a month (all services together always are). */
const onlineBy = (scope: Scope, month: Month) => scope.service === null || isOnlineBy(scope.service, month);

/** Everything the signals read, computed once. */
interface Context {
  sqlite: Database.Database;
  now: Date;
  registry: LocalityRegistry;
  threshold: number;
  dueDay: number;
  window: { from: Month; to: Month };
  recentFrom: Month;
  expected: Month;
  provinces: Locality[];
  provinceMonths: Map<number, MonthSums[]>;
  services: Service[];
  serviceIndex: Map<number, number>;
  areaIndex: Map<number, number>;
  countryArea: number;
  cube: RollupCube;
  /** The first month of the series the signals read (SPAN months). */
  first: Month;
  /** Service × province pairs with any data in the window. */
  cells: Scope[];
  provinceScopes: Scope[];
  serviceScopes: Scope[];
  national: Scope;
  flags: Flag[];
}

function push(ctx: Context, signal: Signal, scope: Scope, severity: number, metrics: Flag['metrics'], texts: explain.Texts): void {
  ctx.flags.push({
    signal,
    service_code: scope.service?.code ?? null,
    locality_code: scope.province?.code ?? ctx.registry.country.code,
    severity: r4(clamp01(severity)),
    paper_12m: scope.fig.paper12,
    metrics,
    explanation_vi: texts.vi,
    explanation_en: texts.en,
  });
}

/**
 * The watch list: signals that find, explain and rank problems, computed from the rollups in
 * today's boundaries over the 12 complete months ending at the latest complete month.
 * A few grouped reads and passes over dense arrays: no query per service or province.
 */
export function computeSignals(sqlite: Database.Database, options: WatchOptions = {}): WatchResult {
  const now = options.now ?? new Date();
  const ctx = context(sqlite, now, options.threshold ?? DEFAULT_THRESHOLD, options.dueDay ?? DEFAULT_DUE_DAY, options.cube);
  lowUsage(ctx);
  unusedOnline(ctx);
  paperBacklog(ctx);
  peerGap(ctx);
  stalled(ctx);
  suddenDrops(ctx);
  lateData(ctx);
  targets(ctx);
  return {
    window: ctx.window,
    recent: { from: ctx.recentFrom, to: ctx.window.to },
    threshold: ctx.threshold,
    due_day: ctx.dueDay,
    expected_month: ctx.expected,
    computed_at: now.toISOString(),
    flags: sortFlags(ctx.flags, 'paper'),
    online_service_share: onlineServiceShare(ctx),
  };
}

function context(sqlite: Database.Database, now: Date, threshold: number, dueDay: number, given: RollupCube | undefined): Context {
  const registry = localityRegistry(sqlite);
  const today = currentMonth(now);
  const provinces = registry
    .at(today)
    .filter((u) => u.level === 'province')
    .sort((a, b) => compare(a.code, b.code));
  const byArea = monthlyByArea(sqlite);
  const provinceMonths = new Map(provinces.map((p) => [p.id, byArea.get(p.id) ?? []]));
  const to = latestCompleteMonth(provinceMonths, today) ?? addMonths(today, -1);
  const day = dayOfMonth(now, reportingTimeZone());

  const first = addMonths(to, -(SPAN - 1));
  const cube = given?.covers(first, to) ? given : RollupCube.load(sqlite, today, { from: first, to });
  // The cube's order: services and provinces by code, the country last.
  const { services, serviceIndex, areaIndex } = cube;
  const countryArea = provinces.length;
  const totals = windowTotals(cube, first);

  const cells: Scope[] = [];
  const cellRates = new Map<number, number[]>();
  for (let s = 0; s < services.length; s++) {
    const service = services[s]!;
    const online = isOnlineBy(service, to);
    const rates: number[] = [];
    for (let a = 0; a < provinces.length; a++) {
      const series = cube.cell(s, a, first);
      const fig = figures(series);
      if (!fig.reported12 && fig.total12 === 0) continue;
      cells.push({ kind: 'cell', service, province: provinces[a]!, series, fig, peers: null });
      if (fig.rate12 !== null && online) rates.push(fig.rate12);
    }
    cellRates.set(service.id, rates);
  }
  const servicePeers = new Map([...cellRates].map(([id, rates]) => [id, peerStats(rates)]));
  for (const c of cells) c.peers = servicePeers.get(c.service!.id) ?? null;

  const provinceScopes: Scope[] = provinces.map((p, a) => {
    const series = totals.byProvince[a]!;
    return { kind: 'province', service: null, province: p, series, fig: figures(series), peers: null };
  });
  const provincePeers = peerStats(provinceScopes.flatMap((p) => (p.fig.rate12 === null ? [] : [p.fig.rate12])));
  for (const p of provinceScopes) p.peers = provincePeers;

  const serviceScopes: Scope[] = services.map((service, s) => {
    const series = totals.byService[s]!;
    return { kind: 'service', service, province: null, series, fig: figures(series), peers: null };
  });
  const servicesPeers = peerStats(serviceScopes.flatMap((x) => (x.fig.rate12 !== null && isOnlineBy(x.service!, to) ? [x.fig.rate12] : [])));
  for (const x of serviceScopes) x.peers = servicesPeers;

  return {
    sqlite,
    registry,
    threshold,
    dueDay,
    now,
    window: { from: addMonths(to, -11), to },
    recentFrom: addMonths(to, -2),
    expected: addMonths(today, day > dueDay ? -1 : -2),
    provinces,
    provinceMonths,
    services,
    serviceIndex,
    areaIndex,
    countryArea,
    cube,
    first,
    cells,
    provinceScopes,
    serviceScopes,
    national: { kind: 'national', service: null, province: null, series: totals.national, fig: figures(totals.national), peers: null },
    flags: [],
  };
}

const everyScope = (ctx: Context) => [...ctx.cells, ...ctx.provinceScopes, ...ctx.serviceScopes, ctx.national];

/** low_usage: online by the end of the window, used, and under the threshold over 12 months. */
function lowUsage(ctx: Context): void {
  const { threshold, window } = ctx;
  for (const scope of everyScope(ctx)) {
    const { rate12, total12, online12, paper12 } = scope.fig;
    if (rate12 === null || total12 <= 0 || !onlineBy(scope, window.to) || rate12 >= threshold) continue;
    const peers = scope.peers && scope.peers.count >= RULES.minPeers ? scope.peers : null;
    push(
      ctx,
      'low_usage',
      scope,
      1 - rate12 / threshold,
      { rate_12m: r4(rate12), online_12m: online12, total_12m: total12, threshold, peer_median_rate: peers ? r4(peers.median) : null, peers: peers?.count ?? 0 },
      explain.lowUsage(names(scope), window, { rate: rate12, threshold, paper: paper12, median: peers?.median ?? null }),
    );
  }
}

/** unused_online: online for the whole of the last 3 months, dossiers came, and none online. */
function unusedOnline(ctx: Context): void {
  const recent = { from: ctx.recentFrom, to: ctx.window.to };
  for (const scope of [...ctx.cells, ...ctx.serviceScopes]) {
    const f = scope.fig;
    const service = scope.service!;
    if (!isOnlineBy(service, ctx.recentFrom) || f.total3 <= 0 || f.online3 > 0) continue;
    push(
      ctx,
      'unused_online',
      scope,
      1,
      { online_3m: 0, total_3m: f.total3, online_12m: f.online12, total_12m: f.total12, online_since: service.online_since },
      explain.unusedOnline(names(scope), recent, { since: service.online_since, total3: f.total3, online12: f.online12 }),
    );
  }
}

/** paper_backlog: every service × province ranked by paper dossiers; the top ones are flagged with their rank. */
function paperBacklog(ctx: Context): void {
  const ranked = ctx.cells
    .filter((c) => c.fig.paper12 > 0)
    .sort((a, b) => b.fig.paper12 - a.fig.paper12 || compare(a.service!.code, b.service!.code) || compare(a.province!.code, b.province!.code));
  const top = Math.min(RULES.backlogMax, Math.max(RULES.backlogMin, Math.ceil(ranked.length * RULES.backlogShare)));
  const maxPaper = ranked[0]?.fig.paper12 ?? 0;
  const nationalPaper = ctx.national.fig.paper12;
  ranked.slice(0, top).forEach((scope, i) => {
    const f = scope.fig;
    const share = nationalPaper > 0 ? f.paper12 / nationalPaper : 0;
    push(
      ctx,
      'paper_backlog',
      scope,
      f.paper12 / maxPaper,
      {
        rank: i + 1,
        ranked: ranked.length,
        flagged: Math.min(top, ranked.length),
        paper_12m: f.paper12,
        total_12m: f.total12,
        rate_12m: f.rate12 === null ? null : r4(f.rate12),
        share_of_national_paper: r4(share),
      },
      explain.paperBacklog(names(scope), ctx.window, { paper: f.paper12, rank: i + 1, ranked: ranked.length, rate: f.rate12, share }),
    );
  });
}

/** peer_gap: far under the median province, by the gap and by a robust z-score. */
function peerGap(ctx: Context): void {
  for (const scope of [...ctx.cells, ...ctx.provinceScopes]) {
    const { rate12 } = scope.fig;
    const peers = scope.peers;
    if (rate12 === null || !peers || peers.count < RULES.minPeers || !onlineBy(scope, ctx.window.to)) continue;
    const gapPp = (rate12 - peers.median) * 100;
    const z = robustZ(rate12, peers.median, peers.mad);
    const flagged = z === null ? gapPp <= -RULES.peerGapOnlyPp + EPS : gapPp <= -RULES.peerGapPp + EPS && z <= RULES.peerZ + EPS;
    if (!flagged) continue;
    push(
      ctx,
      'peer_gap',
      scope,
      -gapPp / 100,
      { rate_12m: r4(rate12), median: r4(peers.median), mad: r4(peers.mad), gap_pp: r2(gapPp), z: z === null ? null : r2(z), peers: peers.count, total_12m: scope.fig.total12 },
      explain.peerGap(names(scope), { rate: rate12, median: peers.median, gapPp, z, peers: peers.count }),
    );
  }
}

/** stalled: the rate of the last 6 months no higher than that of the 6 before, while under 90%. */
function stalled(ctx: Context): void {
  for (const scope of everyScope(ctx)) {
    const f = scope.fig;
    if (!onlineBy(scope, ctx.window.to) || f.total6 <= 0 || f.totalPrev6 <= 0) continue;
    const rate6 = rateOf(f.online6, f.total6)!;
    const previous6 = rateOf(f.onlinePrev6, f.totalPrev6)!;
    if (rate6 > previous6 || rate6 >= RULES.stalledCeiling) continue;
    push(
      ctx,
      'stalled',
      scope,
      (RULES.stalledCeiling - rate6) / RULES.stalledCeiling,
      { rate_last_6m: rate6, rate_previous_6m: previous6, change_pp: r2((rate6 - previous6) * 100), total_last_6m: f.total6, total_previous_6m: f.totalPrev6 },
      explain.stalled(names(scope), ctx.window, { rate6, previous6, ceiling: RULES.stalledCeiling }),
    );
  }
}

/** sudden_drop: the latest monthly change against the series' usual movement, with its likely cause. */
function suddenDrops(ctx: Context): void {
  const month = ctx.window.to;
  for (const scope of everyScope(ctx)) {
    if (!onlineBy(scope, month)) continue;
    const drop = suddenDrop(scope.series);
    if (!drop) continue;
    push(
      ctx,
      'sudden_drop',
      scope,
      -drop.change,
      {
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
      explain.suddenDrop(names(scope), { ...drop, month, changePp: drop.change * 100, usualPp: drop.usual * 100 }),
    );
  }
}

/** late_data: each province that has ever reported, and each active publisher, against the month due by now. */
function lateData(ctx: Context): void {
  const { expected, dueDay } = ctx;
  for (const scope of ctx.provinceScopes) {
    const months = ctx.provinceMonths.get(scope.province!.id)!;
    const last = months[months.length - 1]?.period;
    if (last === undefined) continue;
    const late = monthIndex(expected) - monthIndex(last);
    if (late < 1) continue;
    push(
      ctx,
      'late_data',
      scope,
      late / 12,
      { last_reported: last, expected, months_late: late, due_day: dueDay },
      explain.lateProvince(scope.province!.name, { last, expected, monthsLate: late, dueDay }),
    );
  }
  const publishers = publisherLatest(ctx.sqlite, ctx.registry);
  for (const p of publishers) {
    if (p.last === null) continue;
    const late = monthIndex(expected) - monthIndex(p.last);
    if (late < 1) continue;
    const texts = explain.latePublisher(p.name, p.id, { last: p.last, receivedAt: p.receivedAt, expected, monthsLate: late, dueDay });
    ctx.flags.push({
      signal: 'late_data',
      service_code: null,
      locality_code: null,
      severity: r4(clamp01(late / 12)),
      paper_12m: publisherPaper(ctx, p),
      metrics: { publisher_id: p.id, publisher_name: p.name, last_reported: p.last, last_received_at: p.receivedAt, expected, months_late: late, due_day: dueDay },
      explanation_vi: texts.vi,
      explanation_en: texts.en,
    });
  }
  failingSources(ctx, publishers);
}

/**
 * A pull source whose last pull failed means data that cannot arrive. The public text names the
 * source and since when; the error itself (URLs, paths, server messages) is for admins only.
 */
function failingSources(ctx: Context, publishers: PublisherLatest[]): void {
  const DAY = 86_400_000;
  for (const s of listFailingSources(ctx.sqlite)) {
    const publisher = publishers.find((p) => p.id === s.publisherId);
    const days = (ctx.now.getTime() - Date.parse(s.failingSince!)) / DAY;
    const texts = explain.failingSource(s.name, s.publisherName, { kind: s.kind, failures: s.consecutiveFailures, since: s.failingSince!, lastSuccess: s.lastSuccessAt });
    ctx.flags.push({
      signal: 'late_data',
      service_code: null,
      locality_code: null,
      // A month of failing is as bad as it gets: the month's data is then late anyway.
      severity: r4(clamp01(days / 30)),
      paper_12m: publisher ? publisherPaper(ctx, publisher) : 0,
      metrics: {
        source: s.name,
        source_kind: s.kind,
        publisher_id: s.publisherId,
        publisher_name: s.publisherName,
        consecutive_failures: s.consecutiveFailures,
        failing_since: s.failingSince,
        last_success_at: s.lastSuccessAt,
        last_outcome: s.lastOutcome,
      },
      explanation_vi: texts.vi,
      explanation_en: texts.en,
    });
  }
}

/** Paper dossiers of the 12-month window in a publisher's scope (its provinces, or the country; its services, or all). */
function publisherPaper(ctx: Context, p: PublisherLatest): number {
  const services = p.services?.flatMap((id) => {
    const s = ctx.serviceIndex.get(id);
    return s === undefined ? [] : [s];
  });
  if (p.areas === null) return services ? services.reduce((sum, s) => sum + ctx.serviceScopes[s]!.fig.paper12, 0) : ctx.national.fig.paper12;
  let paper = 0;
  for (const areaId of p.areas) {
    const a = ctx.areaIndex.get(areaId);
    if (a === undefined || a === ctx.countryArea) continue;
    if (!services) paper += ctx.provinceScopes[a]!.fig.paper12;
    else for (const s of services) paper += figures(ctx.cube.cell(s, a, ctx.first)).paper12;
  }
  return paper;
}

/** target: the current rate, and a straight line through the last 12 monthly rates to the due month. */
function targets(ctx: Context): void {
  const rows = ctx.sqlite
    .prepare('SELECT id, service_id AS serviceId, locality_id AS localityId, due_month AS due, target_rate AS target FROM targets ORDER BY id')
    .all() as Array<{ id: number; serviceId: number | null; localityId: number; due: Month; target: number }>;
  for (const t of rows) {
    const unit = ctx.registry.get(t.localityId);
    const s = t.serviceId === null ? null : ctx.serviceIndex.get(t.serviceId);
    if (s === undefined) continue;
    const a = unit.level === 'country' ? ctx.countryArea : ctx.areaIndex.get(unit.id);
    let scope: Scope | null = null;
    if (a === ctx.countryArea) scope = s === null ? ctx.national : ctx.serviceScopes[s]!;
    else if (a !== undefined && s === null) scope = ctx.provinceScopes[a]!;
    else if (a !== undefined && s !== null) {
      const series = ctx.cube.cell(s, a, ctx.first);
      scope = { kind: 'cell', service: ctx.services[s]!, province: ctx.provinces[a]!, series, fig: figures(series), peers: null };
    }
    const o = scope ? targetOutlook(scope, t.due, t.target, ctx.window.to) : null;
    const status = o?.status ?? 'no_data';
    const severity = status === 'no_data' ? 1 : status === 'on_track' ? 0 : (t.target - o!.projected!) / t.target;
    const service = s === null ? null : ctx.services[s]!;
    const texts = explain.target(
      { service: serviceNames(service), province: unit.level === 'country' ? null : unit.name },
      {
        target: t.target,
        due: t.due,
        rate: o?.rate ?? null,
        progress: o?.progress ?? null,
        projected: o?.projected ?? null,
        slopePp: o?.slope == null ? null : o.slope * 100,
        basis: o?.basis ?? 'linear_fit',
        status,
      },
    );
    ctx.flags.push({
      signal: 'target',
      service_code: service?.code ?? null,
      locality_code: unit.code,
      severity: r4(clamp01(severity)),
      paper_12m: scope?.fig.paper12 ?? 0,
      metrics: {
        target_id: t.id,
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
      explanation_vi: texts.vi,
      explanation_en: texts.en,
    });
  }
}

/**
 * Indicator 3.2 of the 766 index, nationally and per province: of the services online since
 * at least the start of the last 3 months that the area reported in the window, the share that
 * received any online dossier in the last 3 months.
 */
function onlineServiceShare(ctx: Context): OnlineServiceShare[] {
  const share = (code: string, name: string, scopes: Scope[]): OnlineServiceShare => {
    let offered = 0;
    let withOnline = 0;
    let withAny = 0;
    for (const scope of scopes) {
      if (!isOnlineBy(scope.service!, ctx.recentFrom) || !scope.fig.reported12) continue;
      offered++;
      if (scope.fig.online3 > 0) withOnline++;
      if (scope.fig.total3 > 0) withAny++;
    }
    return {
      locality_code: code,
      locality_name: name,
      online_services: offered,
      with_online_dossiers: withOnline,
      with_any_dossiers: withAny,
      share: offered === 0 ? null : r4(withOnline / offered),
    };
  };
  const byProvince = new Map<number, Scope[]>();
  for (const c of ctx.cells) {
    const list = byProvince.get(c.province!.id);
    if (list) list.push(c);
    else byProvince.set(c.province!.id, [c]);
  }
  return [
    share(ctx.registry.country.code, ctx.registry.country.name, ctx.serviceScopes),
    ...ctx.provinces.map((p) => share(p.code, p.name, byProvince.get(p.id) ?? [])),
  ];
}

interface Drop {
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
export function suddenDrop(s: Series): Drop | null {
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
function targetOutlook(scope: Scope, due: Month, target: number, to: Month): Outlook {
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

interface PublisherLatest {
  id: number;
  name: string;
  receivedAt: string;
  /** The latest month of any row the publisher sent in a stored batch. */
  last: Month | null;
  /** Areas (current provinces, or null for the whole country) of its scope. */
  areas: number[] | null;
  /** Services of its scope; null = every service. */
  services: number[] | null;
}

/** Active publishers with at least one stored batch: the latest month they ever sent, and their scope. */
function publisherLatest(sqlite: Database.Database, registry: LocalityRegistry): PublisherLatest[] {
  const publishers = sqlite
    .prepare(
      `SELECT p.id, p.name, max(b.received_at) AS receivedAt, max(b.last_period) AS last FROM publishers p
       JOIN batches b ON b.publisher_id = p.id WHERE p.revoked_at IS NULL AND b.outcome = 'stored' GROUP BY p.id ORDER BY p.id`,
    )
    .all() as Array<{ id: number; name: string; receivedAt: string; last: Month | null }>;
  const scopeLocalities = sqlite.prepare('SELECT locality_id FROM publisher_localities WHERE publisher_id = ?').pluck();
  const scopeServices = sqlite.prepare('SELECT service_id FROM publisher_services WHERE publisher_id = ?').pluck();
  return publishers.map((p) => {
    const units = (scopeLocalities.all(p.id) as number[]).map((l) => registry.get(l));
    const serviceIds = scopeServices.all(p.id) as number[];
    const areas = units.some((u) => u.level === 'country') ? null : [...new Set(units.map((u) => registry.areaOf(u)))];
    return { ...p, areas, services: serviceIds.length === 0 ? null : serviceIds };
  });
}

/** Codes are ASCII: plain comparison, no collation. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const SIGNAL_ORDER = new Map(SIGNALS.map((s, i) => [s, i]));

/** Paper backlog (dossiers still on paper in the flag's scope) first, or severity first. */
export function sortFlags(flags: Flag[], by: 'paper' | 'severity'): Flag[] {
  const tie = (a: Flag, b: Flag) =>
    SIGNAL_ORDER.get(a.signal)! - SIGNAL_ORDER.get(b.signal)! ||
    compare(a.service_code ?? '', b.service_code ?? '') ||
    compare(a.locality_code ?? '', b.locality_code ?? '') ||
    Number(a.metrics.publisher_id ?? 0) - Number(b.metrics.publisher_id ?? 0) ||
    Number(a.metrics.target_id ?? 0) - Number(b.metrics.target_id ?? 0);
  return [...flags].sort((a, b) =>
    by === 'paper' ? b.paper_12m - a.paper_12m || b.severity - a.severity || tie(a, b) : b.severity - a.severity || b.paper_12m - a.paper_12m || tie(a, b),
  );
}
