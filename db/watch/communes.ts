import type Database from 'better-sqlite3';
import { offeredOnline } from '../indicators/catalogue.ts';
import type { Locality, LocalityRegistry } from '../localities/registry.ts';
import { type Month, monthFromIndex, monthIndex } from '../months.ts';
import type { Service } from '../services.ts';
import * as explain from './explain.ts';
import { PairMeasureSums } from './measure-sums.ts';
import {
  type BacklogRank,
  type Finding,
  type Judging,
  LAST,
  type PeerStats,
  type RuleScope,
  SCOPE_RULE,
  SCOPE_RULES,
  SPAN,
  type SeriesView,
  type TargetRow,
  W_FROM,
  backlogTop,
  clamp01,
  figures,
  flagOf,
  hasWindowData,
  lateData,
  paperBacklog,
  peerStats,
  r4,
  serviceNames,
  targetFinding,
} from './rules.ts';
import { type CommuneData, type Flag, SIGNALS, type Signal } from './types.ts';

export interface CommuneInputs {
  registry: LocalityRegistry;
  today: Month;
  /** The first of the SPAN months the signals read. */
  first: Month;
  /** The cube's services and their order. */
  services: Service[];
  serviceIndex: Map<number, number>;
  /** Today's provinces, in the cube's order. */
  provinces: Locality[];
}

/** Growable columns, one slot per (commune, service) pair with rows: SPAN months each. */
const FIRST_CAPACITY = 1024;

/**
 * The rows reported by commune over the SPAN months the signals read, in typed arrays: one slot
 * of SPAN months per (current commune, service) pair that has rows, and one per commune for all
 * services together. Old communes merged whole into a current one count in it (registry.memberIds);
 * rows of split old communes count only in their province.
 *
 * At national scale (3,321 communes × 300 services × 14 months, about 14 M rows) this is
 * 9 bytes per pair-month (two Uint32 counts and a Uint8 "has a row"), about 125 MB, filled by one
 * raw() iteration over the rows, with no object per row.
 */
export class CommuneWindow {
  /** Today's communes; `ci` below is an index into this list. */
  private readonly communes: Locality[];
  private readonly communeIndex = new Map<number, number>();
  /** The province index (cube order) of each commune. */
  private readonly provinceOf: Int32Array;
  private readonly firstIndex: number;
  /** Per commune: its latest month with any row (month index), −1 for none. */
  private readonly lastMonth: Int32Array;
  /** Per commune, all services together: SPAN months each (sums of up to hundreds of services: Float64). */
  private readonly communeOnline: Float64Array;
  private readonly communeTotal: Float64Array;
  private readonly communeHas: Uint8Array;
  /** (commune × services.length + service) → pair slot, −1 = no rows. */
  private readonly pairSlot: Int32Array;
  pairs = 0;
  private pairCommune = new Int32Array(FIRST_CAPACITY);
  private pairService = new Int32Array(FIRST_CAPACITY);
  /** Counts are at most 10⁹ a row (the contract): a Uint32 holds a pair-month's. */
  private online = new Uint32Array(FIRST_CAPACITY * SPAN);
  private total = new Uint32Array(FIRST_CAPACITY * SPAN);
  private has = new Uint8Array(FIRST_CAPACITY * SPAN);
  /** The optional measures of each pair over the window (online_for_show, payment_lag). */
  private measures: PairMeasureSums | null = null;

  private constructor(private readonly inputs: CommuneInputs) {
    const { registry, today, provinces, services } = inputs;
    this.communes = registry
      .at(today)
      .filter((u) => u.level === 'commune')
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const C = this.communes.length;
    const provinceIndex = new Map(provinces.map((p, a) => [p.id, a]));
    this.provinceOf = Int32Array.from(this.communes, (c) => provinceIndex.get(c.parentId ?? -1) ?? -1);
    this.communes.forEach((c, ci) => this.communeIndex.set(c.id, ci));
    this.firstIndex = monthIndex(inputs.first);
    this.lastMonth = new Int32Array(C).fill(-1);
    this.communeOnline = new Float64Array(C * SPAN);
    this.communeTotal = new Float64Array(C * SPAN);
    this.communeHas = new Uint8Array(C * SPAN);
    this.pairSlot = new Int32Array(C * services.length).fill(-1);
  }

  /** Reads the commune rows from the first month read through today. Call it inside the read transaction of the rest. */
  static load(sqlite: Database.Database, inputs: CommuneInputs): CommuneWindow {
    const w = new CommuneWindow(inputs);
    w.fill(sqlite);
    return w;
  }

  private fill(sqlite: Database.Database): void {
    const { registry, services, serviceIndex } = this.inputs;
    // Locality id → commune index, for today's communes and the old communes merged whole into them.
    const members = this.communes.map((c) => registry.memberIds(c));
    const maxLocality = Math.max(0, ...members.flat());
    const communeOf = new Int32Array(maxLocality + 1).fill(-1);
    members.forEach((ids, ci) => ids.forEach((id) => (communeOf[id] = ci)));
    const serviceOf = new Int32Array(Math.max(0, ...serviceIndex.keys()) + 1).fill(-1);
    for (const [id, s] of serviceIndex) serviceOf[id] = s;
    const S = services.length;
    const first = this.firstIndex;

    // Measured: the observations key (locality, service, period) read commune by commune, the month
    // as a number from SQLite (no string per row), arrays of values rather than objects.
    const rows = sqlite
      .prepare(
        `SELECT o.locality_id, o.service_id, CAST(substr(o.period, 1, 4) AS INTEGER) * 12 + CAST(substr(o.period, 6, 2) AS INTEGER) - 1, o.online_count, o.total_count
         FROM localities l CROSS JOIN observations o ON o.locality_id = l.id
         WHERE l.level = 'commune' AND o.period >= ?`,
      )
      .raw(true)
      .iterate(this.inputs.first) as IterableIterator<[number, number, number, number, number]>;
    for (const [locality, serviceId, m, on, tot] of rows) {
      const ci = locality < communeOf.length ? communeOf[locality]! : -1;
      const s = serviceId < serviceOf.length ? serviceOf[serviceId]! : -1;
      if (ci < 0 || s < 0) continue;
      if (m > this.lastMonth[ci]!) this.lastMonth[ci] = m;
      const k = m - first;
      if (k >= SPAN) continue;
      const key = ci * S + s;
      let p = this.pairSlot[key]!;
      if (p < 0) p = this.pairSlot[key] = this.newPair(ci, s);
      const i = p * SPAN + k;
      this.online[i] = this.online[i]! + on;
      this.total[i] = this.total[i]! + tot;
      this.has[i] = 1;
      const j = ci * SPAN + k;
      this.communeOnline[j] = this.communeOnline[j]! + on;
      this.communeTotal[j] = this.communeTotal[j]! + tot;
      this.communeHas[j] = 1;
    }
    // The measures in a grouped read of their own: reading their three columns in the loop above cost
    // a quarter more of its time even when no row has them (1.5 M rows: +350 ms of CPU; this: +130 ms
    // without measures, +550 ms with them on every row).
    const window = { from: monthFromIndex(first + W_FROM), to: monthFromIndex(first + LAST) };
    this.measures = PairMeasureSums.read(sqlite, window, (locality, serviceId) => {
      const ci = locality < communeOf.length ? communeOf[locality]! : -1;
      const s = serviceId < serviceOf.length ? serviceOf[serviceId]! : -1;
      return ci < 0 || s < 0 ? -1 : this.pairSlot[ci * S + s]!;
    });
  }

  private newPair(ci: number, s: number): number {
    if (this.pairs === this.pairCommune.length) {
      const grow = <T extends Int32Array | Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.pairCommune = grow(this.pairCommune, (n) => new Int32Array(n));
      this.pairService = grow(this.pairService, (n) => new Int32Array(n));
      this.online = grow(this.online, (n) => new Uint32Array(n));
      this.total = grow(this.total, (n) => new Uint32Array(n));
      this.has = grow(this.has, (n) => new Uint8Array(n));
    }
    this.pairCommune[this.pairs] = ci;
    this.pairService[this.pairs] = s;
    return this.pairs++;
  }

  get serviceCount(): number {
    return this.inputs.services.length;
  }

  /** A province's index in the cube's order; −2 = not a current province. */
  provinceIndexOfCode(code: string): number {
    const a = this.inputs.provinces.findIndex((p) => p.code === code);
    return a < 0 ? -2 : a;
  }

  /** A service's index; −2 = unknown. */
  serviceIndexOfCode(code: string): number {
    const s = this.inputs.services.findIndex((x) => x.code === code);
    return s < 0 ? -2 : s;
  }

  private pairSeries(p: number): SeriesView {
    return { online: this.online, total: this.total, has: this.has, at: p * SPAN };
  }

  private communeSeries(ci: number): SeriesView {
    return { online: this.communeOnline, total: this.communeTotal, has: this.communeHas, at: ci * SPAN };
  }

  /** The commune's province (its parent: today's communes sit under today's provinces). */
  private provinceOfUnit(commune: Locality): Locality {
    return this.inputs.registry.get(commune.parentId!);
  }

  private names(ci: number, service: Service | null): explain.ScopeNames {
    const commune = this.communes[ci]!;
    return { service: serviceNames(service), province: this.provinceOfUnit(commune).name, commune: commune.name };
  }

  flag(finding: Finding | null, commune: Locality, service: Service | null, paper: number): Flag | null {
    if (!finding) return null;
    return flagOf(finding, { service_code: service?.code ?? null, locality_code: commune.code, province_code: this.provinceOfUnit(commune).code, paper_12m: paper });
  }

  /** The scope of a pair, for the rules. */
  pairScope(p: number, peers: PeerStats | null): RuleScope {
    const ci = this.pairCommune[p]!;
    const service = this.inputs.services[this.pairService[p]!]!;
    const series = this.pairSeries(p);
    return { service, names: this.names(ci, service), series, fig: figures(series), peers, measures: this.measures?.of(p) ?? null };
  }

  /** The scope of a commune, all services together. */
  communeScope(ci: number, peers: PeerStats | null): RuleScope {
    const series = this.communeSeries(ci);
    return { service: null, names: this.names(ci, null), series, fig: figures(series), peers };
  }

  /**
   * Every rule on every service × commune and commune with data: peers are the communes of the
   * same province (for one service, those where it is online), paper backlog is ranked within
   * each province. `provincePaper(a)` is province a's paper dossiers over the window.
   * The findings are kept as numbers (rule, scope, severity, paper); a flag's metrics and texts
   * are written when it is read (CommuneFlags.flag).
   */
  findings(j: Judging, provincePaper: (a: number) => number): CommuneFlags {
    const { services } = this.inputs;
    const S = services.length;
    const P = this.pairs;
    const A = this.inputs.provinces.length;
    const found = new CommuneFlags(this, j);

    // Pass 1: each pair's 12-month rate (NaN = none, or the service not yet online) and paper.
    const rate = new Float64Array(P);
    const paper = new Float64Array(P);
    const judged = new Uint8Array(P);
    const online = services.map((s) => offeredOnline(s, j.window.to));
    for (let p = 0; p < P; p++) {
      const fig = figures(this.pairSeries(p));
      judged[p] = hasWindowData(fig) && this.provinceOf[this.pairCommune[p]!]! >= 0 ? 1 : 0;
      rate[p] = fig.rate12 !== null && online[this.pairService[p]!] ? fig.rate12 : Number.NaN;
      paper[p] = fig.paper12;
    }

    // Pairs in (province, service) order by a counting sort: each group's rates give its peers.
    const groupKey = (p: number) => this.provinceOf[this.pairCommune[p]!]! * S + this.pairService[p]!;
    const order = groupOrder(P, A * S, groupKey, judged);
    const scratch = new Float64Array(this.communes.length);
    for (let g = 0; g < order.length; ) {
      const key = groupKey(order[g]!);
      let n = 0;
      let end = g;
      for (; end < order.length && groupKey(order[end]!) === key; end++) if (!Number.isNaN(rate[order[end]!]!)) scratch[n++] = rate[order[end]!]!;
      found.pairPeers.set(key, peerStats(scratch.subarray(0, n)));
      g = end;
    }

    // Pass 2: the rules on each pair.
    for (let p = 0; p < P; p++) {
      if (!judged[p]) continue;
      const scope = this.pairScope(p, found.peersOfPair(p));
      for (const rule of SCOPE_RULES) found.add(rule(scope, j), PAIR, p, scope.fig.paper12);
    }

    // Communes, all services: peers are the communes of the province with a rate.
    const provinceRates = Array.from({ length: A }, () => [] as number[]);
    const communes: number[] = [];
    this.communes.forEach((_, ci) => {
      if (this.provinceOf[ci]! < 0) return;
      const fig = figures(this.communeSeries(ci));
      if (!hasWindowData(fig)) return;
      communes.push(ci);
      if (fig.rate12 !== null) provinceRates[this.provinceOf[ci]!]!.push(fig.rate12);
    });
    found.provincePeers = provinceRates.map((rates) => peerStats(rates));
    for (const ci of communes) {
      const scope = this.communeScope(ci, found.peersOfCommune(ci));
      for (const rule of SCOPE_RULES) found.add(rule(scope, j), COMMUNE, ci, scope.fig.paper12);
      found.add(this.late(ci, scope, j), COMMUNE, ci, scope.fig.paper12);
    }

    // paper_backlog: the service × commune pairs of each province ranked by paper dossiers.
    const inProvince = Array.from({ length: A }, () => [] as number[]);
    for (const p of order) if (paper[p]! > 0) inProvince[this.provinceOf[this.pairCommune[p]!]!]!.push(p);
    inProvince.forEach((ranked, a) => {
      if (ranked.length === 0) return;
      const flagged = Math.min(backlogTop(ranked.length), ranked.length);
      // The cut-off by a numeric sort of the papers, then only the pairs above it sorted in full.
      const papers = Float64Array.from(ranked, (p) => paper[p]!).sort();
      const cutoff = papers[papers.length - flagged]!;
      const top = ranked
        .filter((p) => paper[p]! >= cutoff)
        .sort((x, y) => paper[y]! - paper[x]! || this.pairService[x]! - this.pairService[y]! || this.pairCommune[x]! - this.pairCommune[y]!)
        .slice(0, flagged);
      const rank = { ranked: ranked.length, flagged, maxPaper: paper[top[0]!]!, basePaper: provincePaper(a) };
      found.backlog.set(a, rank);
      top.forEach((p, i) => found.add(paperBacklog(this.pairScope(p, null), j, { ...rank, rank: i + 1 }), PAIR, p, paper[p]!, i + 1));
    });
    found.sort();
    return found;
  }

  /** late_data of a commune: it reported in the window, and nothing since a month before the one due. */
  late(ci: number, scope: RuleScope, j: Judging): Finding | null {
    const last = this.lastMonth[ci]!;
    return scope.fig.reported12 && last >= 0 ? lateData(explain.place(scope.names)!, monthFromIndex(last), j) : null;
  }

  /** What a flag about a pair or a commune names. */
  about(kind: number, ref: number): { service: Service | null; commune: Locality; ci: number } {
    const ci = kind === PAIR ? this.pairCommune[ref]! : ref;
    return { service: kind === PAIR ? this.inputs.services[this.pairService[ref]!]! : null, commune: this.communes[ci]!, ci };
  }

  /** Service index (-1 = all services) and commune index of a pair or a commune: their codes' order. */
  order(kind: number, ref: number): [number, number] {
    return kind === PAIR ? [this.pairService[ref]!, this.pairCommune[ref]!] : [-1, ref];
  }

  provinceIndexOf(ci: number): number {
    return this.provinceOf[ci]!;
  }

  communeIndexOf(code: string): number | undefined {
    const unit = this.communes.find((c) => c.code === code);
    return unit && this.communeIndex.get(unit.id);
  }

  pairCommuneOf(p: number): number {
    return this.pairCommune[p]!;
  }

  /**
   * A target set for a commune (one service, s = its cube index, or all services), judged on its
   * online counts or, for another indicator, on `judged` (that indicator's series).
   */
  target(t: TargetRow, unit: Locality, s: number | null, j: Judging, judged?: Pick<RuleScope, 'fig' | 'series'>): Flag {
    const ci = this.communeIndex.get(unit.id);
    const service = s === null ? null : this.inputs.services[s]!;
    let scope: Pick<RuleScope, 'fig' | 'series'> | null = null;
    if (ci !== undefined) {
      const p = s === null ? -1 : this.pairSlot[ci * this.inputs.services.length + s]!;
      const series = s === null ? this.communeSeries(ci) : p >= 0 ? this.pairSeries(p) : null;
      scope = series && { series, fig: figures(series) };
    }
    const names = { service: serviceNames(service), province: this.provinceOfUnit(unit).name, commune: unit.name };
    return this.flag(targetFinding(t, names, judged ?? scope, j), unit, service, scope?.fig.paper12 ?? 0)!;
  }

  /** Who reported by commune: the provinces and communes with any row since the first month read. */
  data(): CommuneData {
    const provinces = new Set<string>();
    const communes: string[] = [];
    this.communes.forEach((c, ci) => {
      if (this.lastMonth[ci]! < 0) return;
      communes.push(c.code);
      provinces.add(this.provinceOfUnit(c).code);
    });
    return { from: this.inputs.first, provinces: [...provinces].sort(compare), communes };
  }
}

const PAIR = 0;
const COMMUNE = 1;
const SIGNAL_ORDER = new Map(SIGNALS.map((s, i) => [s, i]));

/** The key a flag is sorted on (signals.ts sortFlags), without its metrics and texts. */
export type FlagKey = Pick<Flag, 'signal' | 'service_code' | 'locality_code' | 'severity' | 'paper_12m' | 'metrics'>;

/**
 * The commune flags, as numbers: which rule found what about which pair or commune, its severity
 * and paper. At national scale there are hundreds of thousands (stalled and low_usage alone); a
 * Flag with its metrics and texts is written only for the ones read, by running its rule again.
 */
export class CommuneFlags {
  count = 0;
  private signals: number[] = [];
  private kinds: number[] = [];
  private refs: number[] = [];
  private severities: number[] = [];
  private papers: number[] = [];
  private ranks: number[] = [];
  /** Record indices, most paper first / most severe first (the order of sortFlags). */
  byPaper = new Uint32Array(0);
  bySeverity = new Uint32Array(0);
  readonly pairPeers = new Map<number, PeerStats | null>();
  provincePeers: Array<PeerStats | null> = [];
  readonly backlog = new Map<number, Omit<BacklogRank, 'rank'>>();

  constructor(
    private readonly window: CommuneWindow,
    private readonly judging: Judging,
  ) {}

  peersOfPair(p: number): PeerStats | null {
    const S = this.window.serviceCount;
    const [s, ci] = this.window.order(PAIR, p);
    return this.pairPeers.get(this.window.provinceIndexOf(ci) * S + s) ?? null;
  }

  peersOfCommune(ci: number): PeerStats | null {
    return this.provincePeers[this.window.provinceIndexOf(ci)] ?? null;
  }

  add(f: Finding | null, kind: number, ref: number, paper: number, rank = 0): void {
    if (!f) return;
    this.signals.push(SIGNAL_ORDER.get(f.signal)!);
    this.kinds.push(kind);
    this.refs.push(ref);
    this.severities.push(r4(clamp01(f.severity)));
    this.papers.push(paper);
    this.ranks.push(rank);
    this.count++;
  }

  /** Both orders of sortFlags: paper (or severity) first, then the other, signal, service code, commune code. */
  sort(): void {
    const n = this.count;
    const service = new Int32Array(n);
    const commune = new Int32Array(n);
    for (let i = 0; i < n; i++) [service[i], commune[i]] = this.window.order(this.kinds[i]!, this.refs[i]!);
    const tie = (a: number, b: number) => this.signals[a]! - this.signals[b]! || service[a]! - service[b]! || commune[a]! - commune[b]!;
    const ids = () => Uint32Array.from({ length: n }, (_, i) => i);
    const P = this.papers;
    const V = this.severities;
    this.byPaper = ids().sort((a, b) => P[b]! - P[a]! || V[b]! - V[a]! || tie(a, b));
    this.bySeverity = ids().sort((a, b) => V[b]! - V[a]! || P[b]! - P[a]! || tie(a, b));
  }

  /** The records matching a filter, in the given order. */
  select(filter: { signal?: Signal; service?: string; commune?: string; province?: string }, by: 'paper' | 'severity'): Uint32Array {
    const order = by === 'paper' ? this.byPaper : this.bySeverity;
    const signal = filter.signal === undefined ? -1 : SIGNAL_ORDER.get(filter.signal)!;
    const commune = filter.commune === undefined ? -1 : (this.window.communeIndexOf(filter.commune) ?? -2);
    const province = filter.province === undefined ? -1 : this.window.provinceIndexOfCode(filter.province);
    const service = filter.service === undefined ? -1 : this.window.serviceIndexOfCode(filter.service);
    if (commune === -2 || province === -2 || service === -2) return new Uint32Array(0);
    return order.filter((i) => {
      if (signal >= 0 && this.signals[i] !== signal) return false;
      const [s, ci] = this.window.order(this.kinds[i]!, this.refs[i]!);
      return (service < 0 || s === service) && (commune < 0 || ci === commune) && (province < 0 || this.window.provinceIndexOf(ci) === province);
    });
  }

  /** What a record sorts on. */
  key(i: number): FlagKey {
    const { service, commune } = this.window.about(this.kinds[i]!, this.refs[i]!);
    return { signal: SIGNALS[this.signals[i]!]!, service_code: service?.code ?? null, locality_code: commune.code, severity: this.severities[i]!, paper_12m: this.papers[i]!, metrics: {} };
  }

  /** The flag of a record, with its metrics and texts: its rule run again on its scope. */
  flag(i: number): Flag {
    const kind = this.kinds[i]!;
    const ref = this.refs[i]!;
    const signal = SIGNALS[this.signals[i]!]!;
    const { service, commune, ci } = this.window.about(kind, ref);
    const j = this.judging;
    let finding: Finding | null;
    if (kind === PAIR) {
      const scope = this.window.pairScope(ref, signal === 'paper_backlog' ? null : this.peersOfPair(ref));
      finding =
        signal === 'paper_backlog'
          ? paperBacklog(scope, j, { ...this.backlog.get(this.window.provinceIndexOf(ci))!, rank: this.ranks[i]! })
          : SCOPE_RULE[signal as keyof typeof SCOPE_RULE](scope, j);
    } else {
      const scope = this.window.communeScope(ref, this.peersOfCommune(ref));
      finding = signal === 'late_data' ? this.window.late(ref, scope, j) : SCOPE_RULE[signal as keyof typeof SCOPE_RULE](scope, j);
    }
    return this.window.flag(finding, commune, service, this.papers[i]!)!;
  }

  /** Every flag, written out (tests and small databases). */
  all(): Flag[] {
    return Array.from(this.byPaper, (i) => this.flag(i));
  }
}

/** Codes are ASCII: plain comparison, no collation. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The items 0..n−1 with keep[i] = 1, in order of key(i) (0..keys−1), by a counting sort. */
function groupOrder(n: number, keys: number, key: (i: number) => number, keep: Uint8Array): Uint32Array {
  const starts = new Uint32Array(keys + 1);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    const k = key(i) + 1;
    starts[k] = starts[k]! + 1;
    kept++;
  }
  for (let k = 0; k < keys; k++) starts[k + 1] = starts[k + 1]! + starts[k]!;
  const order = new Uint32Array(kept);
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    const k = key(i);
    order[starts[k]!] = i;
    starts[k] = starts[k]! + 1;
  }
  return order;
}
