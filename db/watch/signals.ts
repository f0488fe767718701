import type Database from 'better-sqlite3';
import { RollupCube, type Series } from '../cube.ts';
import { DEFAULT_INDICATOR, indicatorById, offeredOnline } from '../indicators/catalogue.ts';
import { type Locality, type LocalityRegistry, localityRegistry } from '../localities/registry.ts';
import { failingSources as listFailingSources } from '../pull-sources.ts';
import { type Month, addMonths, currentMonth, reportingTimeZone } from '../months.ts';
import type { Service } from '../services.ts';
import { type MonthSums, monthlyByArea } from '../stats.ts';
import { type CommuneFlags, CommuneWindow, type FlagKey } from './communes.ts';
import * as explain from './explain.ts';
import { provinceMeasures } from './measure-sums.ts';
import {
  type Finding,
  type Judging,
  type PeerStats,
  type RuleScope,
  SCOPE_RULES,
  SPAN,
  backlogTop,
  clamp01,
  figures,
  flagOf,
  hasWindowData,
  lateData as lateFinding,
  monthsLate,
  paperBacklog as backlogFinding,
  peerGap,
  peerStats,
  r4,
  serviceNames,
  targetFinding,
} from './rules.ts';
import { indicatorTargetScope } from './target-series.ts';
import { type Flag, type OnlineServiceShare, SIGNALS, type WatchResult } from './types.ts';
import { dayOfMonth, latestCompleteMonth } from './window.ts';

export * from './types.ts';
export { RULES, TARGET_METHOD, suddenDrop } from './rules.ts';

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

type ScopeKind = 'cell' | 'province' | 'service' | 'national';

interface Scope extends RuleScope {
  kind: ScopeKind;
  /** A current province, or null for the whole country. */
  province: Locality | null;
}

function scopeOf(kind: ScopeKind, service: Service | null, province: Locality | null, series: Series, peers: PeerStats | null = null): Scope {
  return { kind, service, province, series, fig: figures(series), peers, names: { service: serviceNames(service), province: province?.name ?? null } };
}

/** Everything the signals read, computed once. */
interface Context extends Judging {
  sqlite: Database.Database;
  now: Date;
  registry: LocalityRegistry;
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
  /** Rows reported by commune, over the same months. */
  communes: CommuneWindow;
  flags: Flag[];
}

function push(ctx: Context, scope: Scope, finding: Finding | null): void {
  if (!finding) return;
  ctx.flags.push(flagOf(finding, { service_code: scope.service?.code ?? null, locality_code: scope.province?.code ?? ctx.registry.country.code, paper_12m: scope.fig.paper12 }));
}

/**
 * The watch list: signals that find, explain and rank problems, computed from the rollups in
 * today's boundaries over the 12 complete months ending at the latest complete month, for the
 * country, provinces and services, and from the rows reported by commune for communes.
 * A few grouped reads and passes over dense arrays: no query per service, province or commune.
 */
export function computeSignals(sqlite: Database.Database, options: WatchOptions = {}): WatchResult {
  const now = options.now ?? new Date();
  const ctx = context(sqlite, now, options.threshold ?? DEFAULT_THRESHOLD, options.dueDay ?? DEFAULT_DUE_DAY, options.cube);
  // A service nationwide has other services as peers for low_usage's text only: no peer_gap.
  for (const scope of everyScope(ctx)) for (const rule of SCOPE_RULES) if (rule !== peerGap || scope.kind !== 'service') push(ctx, scope, rule(scope, ctx));
  paperBacklog(ctx);
  lateData(ctx);
  targets(ctx);
  const communeFlags = ctx.communes.findings(ctx, (a) => ctx.provinceScopes[a]!.fig.paper12);
  return {
    window: ctx.window,
    recent: { from: ctx.recentFrom, to: ctx.window.to },
    threshold: ctx.threshold,
    due_day: ctx.dueDay,
    expected_month: ctx.expected,
    computed_at: now.toISOString(),
    flags: sortFlags(ctx.flags, 'paper'),
    online_service_share: onlineServiceShare(ctx),
    commune_flags: communeFlags,
    commune_data: ctx.communes.data(),
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
  const window = { from: addMonths(to, -11), to };
  // The optional measures of each service × province (online_for_show, payment_lag).
  const measures = provinceMeasures(cube, window);

  const cells: Scope[] = [];
  for (let s = 0; s < services.length; s++) {
    const service = services[s]!;
    const online = offeredOnline(service, to);
    const rates: number[] = [];
    const mine: Scope[] = [];
    for (let a = 0; a < provinces.length; a++) {
      const cell = scopeOf('cell', service, provinces[a]!, cube.cell(s, a, first));
      if (!hasWindowData(cell.fig)) continue;
      cell.measures = measures[s * cube.areas.length + a] ?? null;
      mine.push(cell);
      if (cell.fig.rate12 !== null && online) rates.push(cell.fig.rate12);
    }
    const peers = peerStats(rates);
    for (const c of mine) (c.peers = peers), cells.push(c);
  }

  const provinceScopes: Scope[] = provinces.map((p, a) => scopeOf('province', null, p, totals.byProvince[a]!));
  const provincePeers = peerStats(provinceScopes.flatMap((p) => (p.fig.rate12 === null ? [] : [p.fig.rate12])));
  for (const p of provinceScopes) p.peers = provincePeers;

  const serviceScopes: Scope[] = services.map((service, s) => scopeOf('service', service, null, totals.byService[s]!));
  const servicesPeers = peerStats(serviceScopes.flatMap((x) => (x.fig.rate12 !== null && offeredOnline(x.service!, to) ? [x.fig.rate12] : [])));
  for (const x of serviceScopes) x.peers = servicesPeers;

  return {
    sqlite,
    registry,
    threshold,
    dueDay,
    now,
    window,
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
    national: scopeOf('national', null, null, totals.national),
    communes: CommuneWindow.load(sqlite, { registry, today, first, services, serviceIndex, provinces }),
    flags: [],
  };
}

const everyScope = (ctx: Context) => [...ctx.cells, ...ctx.provinceScopes, ...ctx.serviceScopes, ctx.national];

/** paper_backlog: every service × province ranked by paper dossiers; the top ones are flagged with their rank. */
function paperBacklog(ctx: Context): void {
  const ranked = ctx.cells
    .filter((c) => c.fig.paper12 > 0)
    .sort((a, b) => b.fig.paper12 - a.fig.paper12 || compare(a.service!.code, b.service!.code) || compare(a.province!.code, b.province!.code));
  const flagged = Math.min(backlogTop(ranked.length), ranked.length);
  const maxPaper = ranked[0]?.fig.paper12 ?? 0;
  ranked.slice(0, flagged).forEach((scope, i) => {
    push(ctx, scope, backlogFinding(scope, ctx, { rank: i + 1, ranked: ranked.length, flagged, maxPaper, basePaper: ctx.national.fig.paper12 }));
  });
}

/** late_data: each province that has ever reported, and each active publisher, against the month due by now. */
function lateData(ctx: Context): void {
  const { expected, dueDay } = ctx;
  for (const scope of ctx.provinceScopes) {
    const months = ctx.provinceMonths.get(scope.province!.id)!;
    const last = months[months.length - 1]?.period;
    if (last !== undefined) push(ctx, scope, lateFinding(scope.province!.name, last, ctx));
  }
  const publishers = publisherLatest(ctx.sqlite, ctx.registry);
  for (const p of publishers) {
    if (p.last === null) continue;
    const months = monthsLate(p.last, expected);
    if (months < 1) continue;
    const texts = explain.latePublisher(p.name, p.id, { last: p.last, receivedAt: p.receivedAt, expected, monthsLate: months, dueDay });
    ctx.flags.push({
      signal: 'late_data',
      service_code: null,
      locality_code: null,
      severity: r4(clamp01(months / 12)),
      paper_12m: publisherPaper(ctx, p),
      metrics: { publisher_id: p.id, publisher_name: p.name, last_reported: p.last, last_received_at: p.receivedAt, expected, months_late: months, due_day: dueDay },
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

/**
 * target: the current value of the target's indicator, and a straight line through its last 12
 * monthly values to the due month. online_rate reads the cube (and the commune window); another
 * indicator its own series (target-series.ts). The flag's paper is its scope's either way.
 */
function targets(ctx: Context): void {
  const rows = ctx.sqlite
    .prepare('SELECT id, service_id AS serviceId, locality_id AS localityId, due_month AS due, target_rate AS target, indicator FROM targets ORDER BY id')
    .all() as Array<{ id: number; serviceId: number | null; localityId: number; due: Month; target: number; indicator: string }>;
  const today = currentMonth(ctx.now);
  for (const t of rows) {
    const unit = ctx.registry.get(t.localityId);
    const s = t.serviceId === null ? null : ctx.serviceIndex.get(t.serviceId);
    if (s === undefined) continue;
    const service = s === null ? null : ctx.services[s]!;
    const indicator = t.indicator === DEFAULT_INDICATOR ? null : indicatorById(t.indicator);
    const judged = indicator ? indicatorTargetScope(ctx.sqlite, ctx.registry, indicator, { locality: unit, serviceId: t.serviceId, to: ctx.window.to, today }) : undefined;
    if (unit.level === 'commune') {
      ctx.flags.push(ctx.communes.target(t, unit, s, ctx, judged));
      continue;
    }
    const a = unit.level === 'country' ? ctx.countryArea : ctx.areaIndex.get(unit.id);
    let scope: Scope | null = null;
    if (a === ctx.countryArea) scope = s === null ? ctx.national : ctx.serviceScopes[s]!;
    else if (a !== undefined && s === null) scope = ctx.provinceScopes[a]!;
    else if (a !== undefined && s !== null) scope = scopeOf('cell', service, ctx.provinces[a]!, ctx.cube.cell(s, a, ctx.first));
    const names = { service: serviceNames(service), province: unit.level === 'country' ? null : unit.name };
    ctx.flags.push(flagOf(targetFinding(t, names, judged ?? scope, ctx), { service_code: service?.code ?? null, locality_code: unit.code, paper_12m: scope?.fig.paper12 ?? 0 }));
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
      if (!offeredOnline(scope.service!, ctx.recentFrom) || !scope.fig.reported12) continue;
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

/** The order of the watch list: paper backlog (dossiers still on paper in the flag's scope) first, or severity first. */
export function flagOrder(by: 'paper' | 'severity'): (a: FlagKey, b: FlagKey) => number {
  const tie = (a: FlagKey, b: FlagKey) =>
    SIGNAL_ORDER.get(a.signal)! - SIGNAL_ORDER.get(b.signal)! ||
    compare(a.service_code ?? '', b.service_code ?? '') ||
    compare(a.locality_code ?? '', b.locality_code ?? '') ||
    Number(a.metrics.publisher_id ?? 0) - Number(b.metrics.publisher_id ?? 0) ||
    Number(a.metrics.target_id ?? 0) - Number(b.metrics.target_id ?? 0);
  return by === 'paper'
    ? (a, b) => b.paper_12m - a.paper_12m || b.severity - a.severity || tie(a, b)
    : (a, b) => b.severity - a.severity || b.paper_12m - a.paper_12m || tie(a, b);
}

/** Paper backlog first, or severity first. */
export function sortFlags(flags: Flag[], by: 'paper' | 'severity'): Flag[] {
  return [...flags].sort(flagOrder(by));
}

/**
 * One page of two sorted lists merged in the watch list's order: flags, and commune records
 * (`ids` into `communes`, in the same order); only the commune flags on the page are written.
 */
export function flagPage(flags: Flag[], communes: CommuneFlags, ids: Uint32Array, by: 'paper' | 'severity', offset: number, limit: number): Flag[] {
  const order = flagOrder(by);
  const page: Flag[] = [];
  let i = 0;
  let k = 0;
  for (let n = 0; n < offset + limit && (i < flags.length || k < ids.length); n++) {
    const takeFlag = k >= ids.length || (i < flags.length && order(flags[i]!, communes.key(ids[k]!)) <= 0);
    if (n >= offset) page.push(takeFlag ? flags[i]! : communes.flag(ids[k]!));
    if (takeFlag) i++;
    else k++;
  }
  return page;
}
