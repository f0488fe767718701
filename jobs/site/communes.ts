import type Database from 'better-sqlite3';
import { toBuckets } from '../../db/adoption.ts';
import { type CoverageSource, type UnitsByMonth, addUnit } from '../../db/coverage.ts';
import { type Locality, type LocalityRegistry, existsIn, localityRegistry } from '../../db/localities/registry.ts';
import { type Month, currentMonth } from '../../db/months.ts';
import type { Service } from '../../db/services.ts';
import type { MonthSums, Sums } from '../../db/stats.ts';
import { collator } from '../../web/i18n.ts';
import { type CommuneData, type CommuneSummary, MEASURE_KEYS, type MeasureKey, type OldCommune, type Point, type SeriesMeasures, type ServiceSummary, type SiteMeta } from '../../web/model.ts';
import { CHART_MEASURES, type MeasureMonths, addSums, seriesMeasures, sortedMonths } from './measures.ts';
import { type ScorecardCache, catalogueKey, localityScorecard, scoredYear } from './scorecards.ts';
import { type Windows, serviceSummaryOf, windowOf } from './windows.ts';

/** One commune's sums per service over both windows: [service index, online, total, online before, total before] × n. */
interface ServiceWindows {
  /** The newest batch that changed any of the commune's rows (its own or its old communes'). */
  changedIn: number;
  cells: Float64Array;
}

/**
 * What the commune pages are made of, kept by a long-lived builder between builds: a batch
 * re-reads only the communes it changed (rollup_unit.changed_in), so a one-commune upload does
 * not read the rows of 3,321 communes again.
 */
export interface CommuneCache {
  windowsKey: string;
  seenBatch: number;
  services: Map<number, ServiceWindows>;
}

export const emptyCommuneCache = (): CommuneCache => ({ windowsKey: '', seenBatch: -1, services: new Map() });

/** A unit's monthly sums and who reported, from rollup_unit: the communes of today and the old ones. */
interface UnitMonths {
  months: Map<number, MonthSums[]>;
  /** The optional measures, in the months a row of the unit reported them. */
  measures: Map<number, MeasureMonths>;
  changedIn: Map<number, number>;
}

/** The measures' columns of rollup_unit: numerator, denominator and rows of each. */
const MEASURE_COLUMNS = MEASURE_KEYS.map((key) => {
  const m = CHART_MEASURES[key].measure;
  return `u.${m.rollup.numerator}, u.${m.rollup.denominator}, u.${m.unitRows}`;
}).join(', ');

function unitMonths(sqlite: Database.Database): UnitMonths {
  const months = new Map<number, MonthSums[]>();
  const measures = new Map<number, MeasureMonths>();
  const changedIn = new Map<number, number>();
  const rows = sqlite
    .prepare(
      `SELECT u.locality_id, u.period, u.online_count, u.total_count, u.changed_in, ${MEASURE_COLUMNS} FROM localities l
       CROSS JOIN rollup_unit u ON u.locality_id = l.id WHERE l.level = 'commune' AND u.rows > 0 ORDER BY u.locality_id, u.period`,
    )
    .raw(true)
    .iterate() as IterableIterator<number[]>;
  for (const row of rows) {
    const [id, , online, total, changed] = row as [number, unknown, number, number, number];
    const period = row[1] as unknown as Month;
    const list = months.get(id);
    if (list) list.push({ period, online, total });
    else months.set(id, [{ period, online, total }]);
    if (changed > (changedIn.get(id) ?? 0)) changedIn.set(id, changed);
    MEASURE_KEYS.forEach((key, i) => {
      if (row[7 + 3 * i]! <= 0) return;
      let unit = measures.get(id);
      if (!unit) measures.set(id, (unit = {}));
      (unit[key] ??= []).push({ period, online: row[5 + 3 * i]!, total: row[6 + 3 * i]! });
    });
  }
  return { months, measures, changedIn };
}

/** The communes whose rows a batch after `seen` changed, in today's communes (an old commune's change is its successor's). */
function changedSince(sqlite: Database.Database, registry: LocalityRegistry, seen: number): Set<number> {
  const ids = sqlite.prepare('SELECT DISTINCT locality_id FROM rollup_unit WHERE changed_in > ?').pluck().all(seen) as number[];
  const out = new Set<number>();
  for (const id of ids) {
    const unit = registry.get(id);
    if (unit.level !== 'commune') continue;
    out.add(unit.validTo === null ? unit.id : (unit.successorId ?? unit.id));
  }
  return out;
}

/** Re-reads each changed commune's sums per service over both windows; keeps the rest. */
function refreshServiceWindows(sqlite: Database.Database, registry: LocalityRegistry, communes: Locality[], serviceIndex: Map<number, number>, w: Windows, cache: CommuneCache, changedIn: (c: Locality) => number): void {
  const key = `${w.prevFrom}|${w.to}|${serviceIndex.size}`;
  const latest = (sqlite.prepare('SELECT coalesce(max(id), 0) FROM batches').pluck().get() as number) ?? 0;
  let stale: Set<number> | null;
  if (cache.windowsKey !== key || cache.seenBatch < 0) {
    cache.services.clear();
    stale = null;
  } else stale = changedSince(sqlite, registry, cache.seenBatch);
  const read = sqlite.prepare(
    `SELECT service_id, sum(CASE WHEN period >= ? THEN online_count ELSE 0 END), sum(CASE WHEN period >= ? THEN total_count ELSE 0 END),
            sum(CASE WHEN period < ? THEN online_count ELSE 0 END), sum(CASE WHEN period < ? THEN total_count ELSE 0 END)
     FROM observations WHERE locality_id = ? AND period BETWEEN ? AND ? GROUP BY service_id`,
  );
  for (const commune of communes) {
    if (stale && !stale.has(commune.id) && cache.services.has(commune.id)) continue;
    const members = registry.memberIds(commune);
    const cells: number[] = [];
    for (const id of members) {
      for (const [serviceId, on, tot, onBefore, totBefore] of read.raw(true).iterate(w.from, w.from, w.from, w.from, id, w.prevFrom, w.to) as IterableIterator<number[]>) {
        const s = serviceIndex.get(serviceId!);
        if (s !== undefined) cells.push(s, on!, tot!, onBefore!, totBefore!);
      }
    }
    cache.services.set(commune.id, { changedIn: changedIn(commune), cells: Float64Array.from(cells) });
  }
  cache.windowsKey = key;
  cache.seenBatch = latest;
}

/** Adds up the cells of a commune that has old communes in it: one row per service. */
function servicesOf(cells: Float64Array, services: Service[]): ServiceSummary[] {
  const sums = new Map<number, [Sums, Sums]>();
  for (let i = 0; i < cells.length; i += 5) {
    const s = cells[i]!;
    const entry = sums.get(s) ?? [
      { online: 0, total: 0 },
      { online: 0, total: 0 },
    ];
    entry[0].online += cells[i + 1]!;
    entry[0].total += cells[i + 2]!;
    entry[1].online += cells[i + 3]!;
    entry[1].total += cells[i + 4]!;
    sums.set(s, entry);
  }
  return [...sums.entries()].filter(([, [now]]) => now.total > 0).map(([s, [now, before]]) => serviceSummaryOf(services[s]!, now, before));
}

export interface CommuneInputs {
  /** Today's communes by province code, in Vietnamese order. */
  byProvince: Map<string, CommuneData[]>;
  /** The old communes of each old province, with what they became. */
  old: Array<{ province: { code: string; name: string }; communes: OldCommune[] }>;
}

/**
 * A locality's own times: the newest batch that changed it and when it arrived, its last month.
 * A locality no batch touched keeps the same page, byte for byte (keyed-files.ts).
 */
export function ownMeta(meta: SiteMeta, unit: Pick<Locality, 'validFrom'>, changed: number, receivedAt: string | undefined, dataAsOf: Month | null): SiteMeta {
  return { ...meta, built_at: changed > 0 ? (receivedAt ?? meta.built_at) : `${unit.validFrom}T00:00:00.000Z`, data_as_of: dataAsOf, last_batch_id: changed };
}

/**
 * Every commune's figures for the site: its trend (continuous through its old communes where
 * the sources are whole), its services over the 12-month window, its own "updated" time (the
 * newest batch that changed it), so that an unchanged commune's page is the same bytes as before.
 */
export function readCommunes(sqlite: Database.Database, now: Date, meta: SiteMeta, w: Windows, services: Service[], cache: CommuneCache, scorecards: ScorecardCache): CommuneInputs {
  const registry = localityRegistry(sqlite);
  const today = currentMonth(now);
  const communes = registry.at(today).filter((u) => u.level === 'commune');
  const { months, measures, changedIn } = unitMonths(sqlite);
  const catalogue = catalogueKey(services);
  const changedOf = (c: Locality) => Math.max(0, ...registry.memberIds(c).map((id) => changedIn.get(id) ?? 0));
  const serviceIndex = new Map(services.map((s, i) => [s.id, i]));
  refreshServiceWindows(sqlite, registry, communes, serviceIndex, w, cache, changedOf);
  const receivedAt = sqlite.prepare('SELECT received_at FROM batches WHERE id = ?').pluck();

  const byProvince = new Map<string, CommuneData[]>();
  for (const commune of communes) {
    const members = registry.memberIds(commune);
    const units: UnitsByMonth = new Map();
    const sums = new Map<Month, Sums>();
    for (const id of members) {
      for (const m of months.get(id) ?? []) {
        addUnit(units, m.period, id);
        const s = sums.get(m.period) ?? { online: 0, total: 0 };
        s.online += m.online;
        s.total += m.total;
        sums.set(m.period, s);
      }
    }
    const monthly = [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([period, s]) => ({ period, ...s }));
    const exists = (id: number, month: Month) => existsIn(registry.get(id), month);
    const coverage = { units, exists, today };
    const measured = communeMeasures(members, measures, exists, today);
    const changed = changedOf(commune);
    const province = registry.get(commune.parentId!);
    const year = scoredYear(monthly[monthly.length - 1]?.period);
    const data: CommuneData = {
      meta: ownMeta(meta, commune, changed, receivedAt.get(changed) as string | undefined, monthly[monthly.length - 1]?.period ?? null),
      commune: {
        ...summaryOf(commune, monthly, w),
        province: { code: province.code, name: province.name },
        history: registry.historyLimit(commune),
        sources: registry.sources(commune).map((s) => ({ code: s.unit.code, name: s.unit.name, share: s.share })),
      },
      series: { monthly: toBuckets(monthly, 'month', coverage).map(toPoint), yearly: toBuckets(monthly, 'year', coverage).map(toPoint), units: 'units', ...(measured ? { measures: measured } : {}) },
      services: servicesOf(cache.services.get(commune.id)?.cells ?? new Float64Array(), services).sort((a, b) => (a.rate_12m ?? 2) - (b.rate_12m ?? 2)),
      flags: [],
      scorecard: year ? localityScorecard(sqlite, registry, scorecards, { locality: commune, year, agency: null, today, changedIn: changed, services: catalogue }) : null,
    };
    const list = byProvince.get(province.code);
    if (list) list.push(data);
    else byProvince.set(province.code, [data]);
  }
  for (const list of byProvince.values()) list.sort((a, b) => collator.compare(a.commune.name, b.commune.name));
  return { byProvince, old: oldCommunes(registry) };
}

/** A commune's measures: its units' (itself and the old communes that went whole into it) added up, each unit counted where it reported. */
function communeMeasures(members: number[], measures: Map<number, MeasureMonths>, exists: CoverageSource['exists'], today: Month): SeriesMeasures | undefined {
  if (!members.some((id) => measures.has(id))) return undefined;
  const months: MeasureMonths = {};
  const units: Partial<Record<MeasureKey, UnitsByMonth>> = {};
  for (const key of MEASURE_KEYS) {
    const sums = new Map<Month, { online: number; total: number }>();
    for (const id of members) {
      const list = measures.get(id)?.[key];
      if (!list) continue;
      addSums(sums, list);
      for (const m of list) addUnit((units[key] ??= new Map()), m.period, id);
    }
    if (sums.size > 0) months[key] = sortedMonths(sums);
  }
  return seriesMeasures(months, (key) => ({ units: units[key] ?? new Map(), exists, today }));
}

const toPoint = ({ period, online_count, total_count, rate, coverage, complete, first_month, last_month, months }: Point): Point => ({
  period,
  online_count,
  total_count,
  rate,
  coverage,
  complete,
  ...(first_month === undefined || period.length === 7 ? {} : { first_month, last_month, months }),
});

function summaryOf(commune: Locality, monthly: MonthSums[], w: Windows): CommuneSummary {
  const window = (from: Month, to: Month) => {
    const s = { online: 0, total: 0 };
    let reported = 0;
    for (const m of monthly) if (m.period >= from && m.period <= to) (s.online += m.online), (s.total += m.total), reported++;
    return { s, reported };
  };
  const now = window(w.from, w.to);
  return {
    code: commune.code,
    name: commune.name,
    ...windowOf(now.s, window(w.prevFrom, w.prevTo).s),
    last_reported: monthly[monthly.length - 1]?.period ?? null,
    months_reported: now.reported,
  };
}

/** Each old province's communes (and island districts) until 2025-06-30, with the communes they went into. */
function oldCommunes(registry: LocalityRegistry): CommuneInputs['old'] {
  const provinces = registry.at('2025-06').filter((u) => u.level === 'province');
  return provinces
    .sort((a, b) => collator.compare(a.name, b.name))
    .map((p) => ({
      province: { code: p.code, name: p.name },
      communes: registry
        .children(p)
        .map((c) => {
          const into = c.successorId === null ? registry.splitBetween(c) : [registry.get(c.successorId)];
          return { code: c.code, name: c.name, split: c.successorId === null, into: into.map((n) => ({ code: n.code, name: n.name })) };
        })
        .sort((a, b) => collator.compare(a.name, b.name)),
    }));
}
