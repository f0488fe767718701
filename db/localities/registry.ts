import type Database from 'better-sqlite3';
import { type Month, currentMonth, dayBefore, monthEnd, monthStart } from '../months.ts';

export type LocalityLevel = 'country' | 'province' | 'commune';

export interface Locality {
  id: number;
  code: string;
  name: string;
  level: LocalityLevel;
  parentId: number | null;
  validFrom: string;
  validTo: string | null;
  successorId: number | null;
}

/** A code that names no unit in the month says why: unknown, ended (`unit` is the last one), or not yet (`unit` is the first). */
export type Resolution =
  | { ok: true; locality: Locality }
  | { ok: false; message: string; problem: { kind: 'unknown' } | { kind: 'ended' | 'not_yet'; unit: Locality } };

/** An old unit a commune of 2025-07-01 was made from, whole or in part. */
export interface Source {
  localityId: number;
  sourceId: number;
  share: 'whole' | 'part';
}

/** The first month of a commune whose history before the reform is not exact, and why. */
export interface HistoryLimit {
  history_from: Month;
  history_note: string;
}

interface Rename {
  changedOn: string;
  nameBefore: string;
}

/** A unit exists in a month when it covers the whole month. */
export function existsIn(unit: Pick<Locality, 'validFrom' | 'validTo'>, month: Month): boolean {
  return unit.validFrom <= monthStart(month) && (unit.validTo === null || unit.validTo >= monthEnd(month));
}

/**
 * The administrative units in memory (about 3,400), read once per database.
 * Answers "which unit does this code mean in this month" and how units nest and merge.
 */
export class LocalityRegistry {
  readonly country: Locality;
  private readonly byId = new Map<number, Locality>();
  private readonly byCode = new Map<string, Locality[]>();
  private readonly predecessorsOf = new Map<number, Locality[]>();
  private readonly childrenOf = new Map<number, Locality[]>();
  private readonly sourcesOf = new Map<number, Source[]>();
  /** For an old unit split between several new communes: those communes. */
  private readonly splitInto = new Map<number, Locality[]>();
  private readonly renames = new Map<number, Rename[]>();
  /** Batches repeat the same few hundred (code, month) pairs: resolve each once. */
  private readonly resolved = new Map<string, Resolution>();

  constructor(units: Locality[], renames: Array<Rename & { localityId: number }>, sources: Source[] = []) {
    for (const unit of units) {
      if (unit.parentId !== null) {
        const siblings = this.childrenOf.get(unit.parentId) ?? [];
        siblings.push(unit);
        this.childrenOf.set(unit.parentId, siblings);
      }
      this.byId.set(unit.id, unit);
      const same = this.byCode.get(unit.code) ?? [];
      same.push(unit);
      this.byCode.set(unit.code, same);
      if (unit.successorId !== null) {
        const list = this.predecessorsOf.get(unit.successorId) ?? [];
        list.push(unit);
        this.predecessorsOf.set(unit.successorId, list);
      }
    }
    for (const list of this.byCode.values()) list.sort((a, b) => a.validFrom.localeCompare(b.validFrom));
    for (const r of renames) {
      const list = this.renames.get(r.localityId) ?? [];
      list.push(r);
      list.sort((a, b) => a.changedOn.localeCompare(b.changedOn));
      this.renames.set(r.localityId, list);
    }
    for (const source of sources) {
      const list = this.sourcesOf.get(source.localityId) ?? [];
      list.push(source);
      this.sourcesOf.set(source.localityId, list);
      if (source.share === 'part') {
        const into = this.splitInto.get(source.sourceId) ?? [];
        into.push(this.get(source.localityId));
        this.splitInto.set(source.sourceId, into);
      }
    }
    for (const list of this.splitInto.values()) list.sort((a, b) => a.code.localeCompare(b.code));
    const country = this.byCode.get('VN')?.[0];
    if (!country) throw new Error('locality registry has no VN');
    this.country = country;
  }

  static load(sqlite: Database.Database): LocalityRegistry {
    const units = sqlite
      .prepare(
        `SELECT id, code, name, level, parent_id AS parentId, valid_from AS validFrom,
                valid_to AS validTo, successor_id AS successorId FROM localities`,
      )
      .all() as Locality[];
    const renames = sqlite
      .prepare('SELECT locality_id AS localityId, changed_on AS changedOn, name_before AS nameBefore FROM locality_renames')
      .all() as Array<Rename & { localityId: number }>;
    const sources = sqlite.prepare('SELECT locality_id AS localityId, source_id AS sourceId, share FROM locality_sources').all() as Source[];
    return new LocalityRegistry(units, renames, sources);
  }

  get(id: number): Locality {
    const unit = this.byId.get(id);
    if (!unit) throw new Error(`no locality with id ${id}`);
    return unit;
  }

  all(): Locality[] {
    return [...this.byId.values()];
  }

  existsIn(unit: Locality, month: Month): boolean {
    return existsIn(unit, month);
  }

  /** The unit a code means in a month, or a message that says what to send instead. */
  resolve(code: string, month: Month): Resolution {
    const key = `${code}|${month}`;
    let resolution = this.resolved.get(key);
    if (!resolution) {
      resolution = this.resolveUncached(code, month);
      if (this.resolved.size < 1_000_000) this.resolved.set(key, resolution);
    }
    return resolution;
  }

  private resolveUncached(code: string, month: Month): Resolution {
    const units = this.byCode.get(code);
    if (!units) return { ok: false, message: `unknown locality code "${code}"`, problem: { kind: 'unknown' } };
    const unit = units.find((u) => this.existsIn(u, month));
    if (unit) return { ok: true, locality: unit };
    const ended = [...units].reverse().find((u) => u.validTo !== null && u.validTo < monthStart(month));
    if (ended) return { ok: false, message: this.endedMessage(ended), problem: { kind: 'ended', unit: ended } };
    const first = units[0]!;
    return {
      ok: false,
      message: `${first.code} (${first.name}) exists only from ${first.validFrom}; for ${month} report under the units of that month`,
      problem: { kind: 'not_yet', unit: first },
    };
  }

  /** "02 (Tỉnh Hà Giang) ended on 2025-06-30; since 2025-07-01 it is part of 08 (Tỉnh Tuyên Quang)" */
  endedMessage(unit: Locality): string {
    const base = `${unit.code} (${unit.name}) ended on ${unit.validTo}`;
    const named = (u: Locality) => `${u.code} (${u.name})`;
    const split = this.splitInto.get(unit.id);
    if (split) return `${base}; since ${split[0]!.validFrom} it is split between ${listed(split.map(named))}: report each part under its new commune`;
    if (unit.successorId === null) return base;
    const successor = this.get(unit.successorId);
    return `${base}; since ${successor.validFrom} it is part of ${named(successor)}`;
  }

  /**
   * Where a commune's exact history stops: a commune with a split source starts at the reform,
   * since the rows of a split old commune cannot be divided between its parts. null = continuous.
   */
  historyLimit(unit: Locality): HistoryLimit | null {
    const split = (this.sourcesOf.get(unit.id) ?? []).filter((s) => s.share === 'part').map((s) => this.get(s.sourceId));
    if (split.length === 0) return null;
    const names = listed(split.map((u) => `${u.code} (${u.name})`));
    return {
      history_from: unit.validFrom.slice(0, 7),
      history_note: `${unit.name} was formed on ${unit.validFrom} partly from ${names}, which ${split.length === 1 ? 'was' : 'were'} split between several communes; its series starts at ${unit.validFrom.slice(0, 7)}`,
    };
  }

  /** The old units a commune of the reform was made from, with their share. */
  sources(unit: Locality): Array<{ unit: Locality; share: Source['share'] }> {
    return (this.sourcesOf.get(unit.id) ?? []).map((s) => ({ unit: this.get(s.sourceId), share: s.share }));
  }

  /** The new communes an old unit was split between (empty unless it was split). */
  splitBetween(unit: Locality): Locality[] {
    return this.splitInto.get(unit.id) ?? [];
  }

  /**
   * The unit a code means today, or the most recent one that had it: what a reader
   * means by "80" in a query is today's 80.
   */
  current(code: string, today: Month = currentMonth()): Locality | undefined {
    const units = this.byCode.get(code);
    if (!units) return undefined;
    return units.find((u) => this.existsIn(u, today)) ?? units[units.length - 1];
  }

  /** Units that exist in a month. */
  at(month: Month): Locality[] {
    return this.all().filter((u) => this.existsIn(u, month));
  }

  nameAt(unit: Locality, month: Month): string {
    const renames = this.renames.get(unit.id);
    if (!renames) return unit.name;
    const firstDay = monthStart(month);
    const pending = renames.find((r) => r.changedOn > firstDay);
    return pending ? pending.nameBefore : unit.name;
  }

  /** The day before which a unit had its current name, if it was renamed. */
  renamedOn(unit: Locality): { name: string; until: string }[] {
    return (this.renames.get(unit.id) ?? []).map((r) => ({ name: r.nameBefore, until: dayBefore(r.changedOn) }));
  }

  /** Units merged whole into this one (old provinces for a current province, old communes for a commune). */
  predecessors(unit: Locality): Locality[] {
    return this.predecessorsOf.get(unit.id) ?? [];
  }

  /**
   * The area a row counts towards in today's boundaries: its current province, or the
   * country for a country-level row. Rollups are kept per area.
   */
  areaOf(unit: Locality): number {
    if (unit.level === 'country') return unit.id;
    const province = unit.level === 'commune' ? this.get(unit.parentId!) : unit;
    return province.successorId ?? province.id;
  }

  /** The unit, its ancestors and what it merged into: a scope on any of these covers the unit. */
  scopeChain(unit: Locality): number[] {
    const chain: number[] = [];
    let cursor: Locality | undefined = unit;
    while (cursor) {
      chain.push(cursor.id);
      if (cursor.successorId !== null) chain.push(...this.scopeChain(this.get(cursor.successorId)));
      cursor = cursor.parentId === null ? undefined : this.get(cursor.parentId);
    }
    return [...new Set(chain)];
  }

  /**
   * The units whose rows make up a locality's figures in today's boundaries: it, the units merged
   * into it, and their communes. A commune with a split source has no history before the reform.
   */
  memberIds(unit: Locality): number[] {
    const units = this.historyLimit(unit) ? [unit] : [unit, ...this.predecessors(unit)];
    return units.flatMap((u) => [u.id, ...this.children(u).map((c) => c.id)]);
  }

  children(unit: Locality): Locality[] {
    return this.childrenOf.get(unit.id) ?? [];
  }
}

/** "A", "A and B", "A, B and C". */
function listed(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const registries = new WeakMap<Database.Database, LocalityRegistry>();

/** The registry of a database, read on first use: the units change only with a migration. */
export function localityRegistry(sqlite: Database.Database): LocalityRegistry {
  let registry = registries.get(sqlite);
  if (!registry) {
    registry = LocalityRegistry.load(sqlite);
    registries.set(sqlite, registry);
  }
  return registry;
}
