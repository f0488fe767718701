import type Database from 'better-sqlite3';
import type { Locality, LocalityRegistry } from '../localities/registry.ts';
import { type Month, monthFromIndex, monthIndex } from '../months.ts';
import type { Service } from '../services.ts';
import * as explain from './explain.ts';
import {
  type Finding,
  type Judging,
  LAST,
  type PeerStats,
  type RuleScope,
  SCOPE_RULES,
  SPAN,
  type SeriesView,
  type TargetRow,
  W_FROM,
  backlogTop,
  figures,
  flagOf,
  hasWindowData,
  isOnlineBy,
  lateData,
  paperBacklog,
  peerStats,
  serviceNames,
  targetFinding,
} from './rules.ts';
import type { CommuneData, Flag } from './types.ts';

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

  private flag(finding: Finding | null, commune: Locality, service: Service | null, paper: number): Flag | null {
    if (!finding) return null;
    return flagOf(finding, { service_code: service?.code ?? null, locality_code: commune.code, province_code: this.provinceOfUnit(commune).code, paper_12m: paper });
  }

  /**
   * Every rule on every service × commune and commune with data: peers are the communes of the
   * same province (for one service, those where it is online), paper backlog is ranked within
   * each province. `provincePaper(a)` is province a's paper dossiers over the window.
   */
  flags(j: Judging, provincePaper: (a: number) => number): Flag[] {
    const out: Flag[] = [];
    const add = (f: Flag | null) => f && out.push(f);
    const { services } = this.inputs;
    const S = services.length;
    const P = this.pairs;
    const A = this.inputs.provinces.length;

    // Pass 1: each pair's 12-month rate (NaN = none, or the service not yet online) and paper.
    const rate = new Float64Array(P);
    const paper = new Float64Array(P);
    const judged = new Uint8Array(P);
    const online = services.map((s) => isOnlineBy(s, j.window.to));
    for (let p = 0; p < P; p++) {
      const fig = figures(this.pairSeries(p));
      judged[p] = hasWindowData(fig) && this.provinceOf[this.pairCommune[p]!]! >= 0 ? 1 : 0;
      rate[p] = fig.rate12 !== null && online[this.pairService[p]!] ? fig.rate12 : Number.NaN;
      paper[p] = fig.paper12;
    }

    // Pairs in (province, service) order by a counting sort: each group's rates give its peers.
    const order = groupOrder(P, A * S, (p) => this.provinceOf[this.pairCommune[p]!]! * S + this.pairService[p]!, judged);
    const peers = new Map<number, PeerStats | null>();
    const scratch = new Float64Array(this.communes.length);
    for (let g = 0; g < order.length; ) {
      const key = this.provinceOf[this.pairCommune[order[g]!]!]! * S + this.pairService[order[g]!]!;
      let n = 0;
      let end = g;
      for (; end < order.length; end++) {
        const p = order[end]!;
        if (this.provinceOf[this.pairCommune[p]!]! * S + this.pairService[p]! !== key) break;
        if (!Number.isNaN(rate[p]!)) scratch[n++] = rate[p]!;
      }
      peers.set(key, peerStats(scratch.subarray(0, n)));
      g = end;
    }

    // Pass 2: the rules on each pair.
    for (let p = 0; p < P; p++) {
      if (!judged[p]) continue;
      const ci = this.pairCommune[p]!;
      const service = services[this.pairService[p]!]!;
      const series = this.pairSeries(p);
      const scope: RuleScope = { service, names: this.names(ci, service), series, fig: figures(series), peers: peers.get(this.provinceOf[ci]! * S + this.pairService[p]!) ?? null };
      for (const rule of SCOPE_RULES) add(this.flag(rule(scope, j), this.communes[ci]!, service, scope.fig.paper12));
    }

    // Communes, all services: peers are the communes of the province with a rate.
    const communeScopes: Array<RuleScope | null> = this.communes.map((_, ci) => {
      if (this.provinceOf[ci]! < 0) return null;
      const series = this.communeSeries(ci);
      const fig = figures(series);
      return hasWindowData(fig) ? { service: null, names: this.names(ci, null), series, fig, peers: null } : null;
    });
    const provinceRates = Array.from({ length: A }, () => [] as number[]);
    communeScopes.forEach((scope, ci) => scope && scope.fig.rate12 !== null && provinceRates[this.provinceOf[ci]!]!.push(scope.fig.rate12));
    const provincePeers = provinceRates.map((rates) => peerStats(rates));
    communeScopes.forEach((scope, ci) => {
      if (!scope) return;
      scope.peers = provincePeers[this.provinceOf[ci]!]!;
      for (const rule of SCOPE_RULES) add(this.flag(rule(scope, j), this.communes[ci]!, null, scope.fig.paper12));
      // late_data: reported in the window, and nothing since a month before the one due.
      const last = this.lastMonth[ci]!;
      if (scope.fig.reported12 && last >= 0) add(this.flag(lateData(explain.place(scope.names)!, monthFromIndex(last), j), this.communes[ci]!, null, scope.fig.paper12));
    });

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
        .sort(
          (x, y) =>
            paper[y]! - paper[x]! ||
            compare(services[this.pairService[x]!]!.code, services[this.pairService[y]!]!.code) ||
            compare(this.communes[this.pairCommune[x]!]!.code, this.communes[this.pairCommune[y]!]!.code),
        )
        .slice(0, flagged);
      const maxPaper = paper[top[0]!]!;
      top.forEach((p, i) => {
        const ci = this.pairCommune[p]!;
        const service = services[this.pairService[p]!]!;
        const series = this.pairSeries(p);
        const scope: RuleScope = { service, names: this.names(ci, service), series, fig: figures(series), peers: null };
        add(this.flag(paperBacklog(scope, j, { rank: i + 1, ranked: ranked.length, flagged, maxPaper, basePaper: provincePaper(a) }), this.communes[ci]!, service, scope.fig.paper12));
      });
    });
    return out;
  }

  /** A target set for a commune (one service, s = its cube index, or all services). */
  target(t: TargetRow, unit: Locality, s: number | null, j: Judging): Flag {
    const ci = this.communeIndex.get(unit.id);
    const service = s === null ? null : this.inputs.services[s]!;
    let scope: Pick<RuleScope, 'fig' | 'series'> | null = null;
    if (ci !== undefined) {
      const p = s === null ? -1 : this.pairSlot[ci * this.inputs.services.length + s]!;
      const series = s === null ? this.communeSeries(ci) : p >= 0 ? this.pairSeries(p) : null;
      scope = series && { series, fig: figures(series) };
    }
    const names = { service: serviceNames(service), province: this.provinceOfUnit(unit).name, commune: unit.name };
    return this.flag(targetFinding(t, names, scope, j), unit, service, scope?.fig.paper12 ?? 0)!;
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
