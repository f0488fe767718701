import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { type Month, addMonths, monthIndex, monthRange } from '../months.ts';
import type { ServiceInput } from '../services.ts';
import { type MeasureDraft, addMeasures } from './measures.ts';
import { Random } from './random.ts';
import { DEMO_PROFILES, DEMO_SERVICES, type ServiceProfile } from './services.ts';

export interface DemoRow {
  period: string;
  service_code: string;
  locality_code: string;
  online_count: number;
  total_count: number;
  /** The optional measures: null = not reported (never a stand-in for zero). */
  end_to_end_count: number | null;
  fee_count: number | null;
  paid_online_count: number | null;
}

export interface DemoDataset {
  services: ServiceInput[];
  /** Every row as it stands once the demo is loaded. */
  rows: DemoRow[];
  /** Rows of this province's communes from `from` were first sent as province sums, then swapped by a withdrawal batch. */
  moved: { province: string; from: Month; communes: ReadonlySet<string> };
}

const SEED = 20250701;
/**
 * A second stream for what came later (the services not offered online, the optional measures), so
 * that the online and total counts keep the draws they always had.
 */
const MEASURE_SEED = 20250601;
const FIRST_DEMO_MONTH: Month = '2020-01';
/** From this month rows use the 34 new province codes (Nghị quyết 202/2025/QH15). */
const REORGANISATION_MONTH: Month = '2025-07';

/** New provinces that have not sent their latest months yet, and how many months are missing. */
const LATE: ReadonlyArray<readonly [code: string, missingMonths: number]> = [
  ['12', 2],
  ['52', 1],
  ['96', 1],
];
export const DEMO_LATE_PROVINCES: string[] = LATE.map(([code]) => code);

/**
 * Hà Nội and Đà Nẵng report these services per commune after the reorganisation, instead of one
 * province row; Đà Nẵng moves over with a withdrawal batch. Their old communes report them from
 * OLD_COMMUNES_FROM, so that a commune made of whole old ones shows a continuous history.
 */
const COMMUNE_PROVINCES = ['01', '48'];
export const DEMO_MOVED_PROVINCE = '48';
const COMMUNE_SERVICES: ReadonlySet<string> = new Set(['1.001193', '2.001159', '1.004884']);
const OLD_COMMUNES_FROM: Month = '2024-01';
/** A commune that stopped reporting (Phường Hoàn Kiếm): its last two months are missing. */
export const DEMO_LATE_COMMUNE = '00070';
const LATE_COMMUNE_MONTHS = 2;

/** Approximate population of the 63 old provinces, in thousands: volume follows people. */
const POPULATION_K: Readonly<Record<string, number>> = {
  '01': 8400, '02': 890, '04': 540, '06': 320, '08': 800, '10': 760, '11': 640, '12': 480, '14': 1290,
  '15': 840, '17': 880, '19': 1330, '20': 800, '22': 1360, '24': 1900, '25': 1500, '26': 1200, '27': 1500,
  '30': 1950, '31': 2100, '33': 1280, '34': 1870, '35': 880, '36': 1780, '37': 1000, '38': 3700, '40': 3400,
  '42': 1300, '44': 910, '45': 650, '46': 1150, '48': 1220, '49': 1500, '51': 1250, '52': 1500, '54': 880,
  '56': 1250, '58': 600, '60': 1250, '62': 580, '64': 1590, '66': 1900, '67': 680, '68': 1320, '70': 1020,
  '72': 1180, '74': 2700, '75': 3300, '77': 1180, '79': 9400, '80': 1730, '82': 1780, '83': 1300, '84': 1010,
  '86': 1030, '87': 1600, '89': 1900, '91': 1750, '92': 1250, '93': 730, '94': 1200, '95': 920, '96': 1200,
};

/** Digital leaders and mountainous laggards; every other old province draws its readiness at random. */
const READINESS: Readonly<Record<string, number>> = {
  '01': 1.7, '79': 1.6, '48': 2.0, '22': 1.9, '74': 1.3, '31': 1.3,
  '02': 0.35, '04': 0.4, '06': 0.45, '08': 0.5, '10': 0.5, '11': 0.35, '12': 0.3, '14': 0.4, '15': 0.55,
  '17': 0.6, '20': 0.55, '62': 0.45,
};

/** National appetite for online filing at anchor months; the calibration below fixes the exact level. */
const ADOPTION_ANCHORS: ReadonlyArray<readonly [Month, number]> = [
  ['2020-01', 0.004], ['2020-12', 0.03], ['2021-06', 0.08], ['2021-12', 0.13], ['2022-07', 0.185],
  ['2022-12', 0.24], ['2023-12', 0.38], ['2024-12', 0.54], ['2025-12', 0.69], ['2026-12', 0.86],
];

/** Mild seasonality: Tết empties offices in February, year-end fills them. */
const SEASON = [1.05, 0.82, 1.02, 0.98, 1, 1, 1, 0.98, 0.97, 1, 1.02, 1.08];
/** COVID-19 lockdowns cut paper and online filing alike. */
const LOCKDOWN: Readonly<Record<Month, number>> = { '2020-04': 0.75, '2021-08': 0.8, '2021-09': 0.8 };

/** No cell's online share can pass this: someone always comes to the counter. */
const RATE_CAP = 0.96;

/** National yearly online shares to hit; the first three are the published figures and must round exactly. */
const WINDOWS: ReadonlyArray<{ from: Month; to: Month; target: number }> = [
  { from: '2020-01', to: '2020-12', target: 0.0178 },
  { from: '2021-01', to: '2021-12', target: 0.0951 },
  { from: '2022-01', to: '2022-07', target: 0.178 },
  { from: '2022-08', to: '2022-12', target: 0.232 },
  { from: '2023-01', to: '2023-12', target: 0.3 },
  { from: '2024-01', to: '2024-12', target: 0.4 },
  { from: '2025-01', to: '2025-12', target: 0.48 },
  // Open-ended: a later lastMonth still calibrates, at the last known level.
  { from: '2026-01', to: '9999-12', target: 0.55 },
];
/** Close enough that a target with four decimals rounds to itself. */
const TOLERANCE = 0.00002;
const MAX_ITERATIONS = 100;

/** A place that reports: an old or new province, or a Hà Nội commune. */
interface Unit {
  code: string;
  /** The province it reports in: itself, or a commune's province (old or new, as the unit). */
  province: string;
  population: number;
  readiness: number;
  /** Per service, in DEMO_SERVICES order: local demand and local online push relative to the average. */
  volumeEffect: number[];
  rateEffect: number[];
  active: boolean[];
  /** Per service: local effect on the share of online dossiers handled end to end, and on paying online. */
  e2eEffect: number[];
  payEffect: number[];
  /** Per service not offered online (in the order of the offline services): local demand, and whether it is issued here. */
  offlineVolume: number[];
  offlineActive: boolean[];
}

interface Units {
  old: Unit[];
  new: Unit[];
  /** By province code (old provinces before the reform, new ones after): the communes that report. */
  oldCommunes: Map<string, Unit[]>;
  newCommunes: Map<string, Unit[]>;
}

export interface PreparedService {
  code: string;
  volume: number;
  uptake: number;
  /** Month index from which it is online; Infinity for a service not offered online. */
  onlineIndex: number;
  profile: ServiceProfile;
  /** How far this service goes end to end, around 1 (drawn once). */
  e2e: number;
}

/** Rows plus, per row, the unrounded online count and a fixed rounding offset for recalibration. */
interface Draft extends MeasureDraft {
  rows: DemoRow[];
  rawOnline: number[];
  roundingOffset: number[];
}

type CsvRow = Record<string, string>;

function readReference(file: string): CsvRow[] {
  const text = readFileSync(new URL(`../reference/${file}`, import.meta.url));
  return parse(text, { columns: true, bom: true, trim: true }) as CsvRow[];
}

/** Services offered online (in their old order, which the draws follow), and those that are not. */
function prepareServices(extra: Random): { online: PreparedService[]; offline: PreparedService[] } {
  const all = DEMO_SERVICES.map((s) => {
    const profile = DEMO_PROFILES.get(s.code);
    if (!profile) throw new Error(`demo service ${s.code} lacks a profile`);
    const offered = profile.online_level !== 'none';
    if (offered !== Boolean(s.online_since)) throw new Error(`demo service ${s.code}: online_since is for services offered online, and only for them`);
    return { code: s.code, volume: profile.volume, uptake: profile.uptake, onlineIndex: offered ? monthIndex(s.online_since!) : Infinity, profile, e2e: extra.logNormal(0.25) };
  });
  return { online: all.filter((s) => s.profile.online_level !== 'none'), offline: all.filter((s) => s.profile.online_level === 'none') };
}

/** Share of a province's provincially run services that are online for show, and how little goes end to end there. */
const FOR_SHOW_SHARE = 0.05;
const FOR_SHOW_EFFECT = 0.08;
/** Share of a province's fee-bearing, provincially run services whose fees are still paid at the counter, and how few online. */
const PAYMENT_LAG_SHARE = 0.06;
const PAYMENT_LAG_EFFECT = 0.12;

/** Local effects on the optional measures: ministries' national systems vary little between provinces, provinces' own a lot. */
function measureEffects(extra: Random, services: PreparedService[]): Pick<Unit, 'e2eEffect' | 'payEffect'> {
  const e2eEffect: number[] = [];
  const payEffect: number[] = [];
  for (const s of services) {
    const ministry = s.profile.ministry;
    let e2e = extra.logNormal(ministry ? 0.12 : 0.4);
    let pay = extra.logNormal(ministry ? 0.15 : 0.35);
    if (!ministry && extra.next() < FOR_SHOW_SHARE) e2e *= FOR_SHOW_EFFECT;
    // A counter that still takes the fees also holds back the end-to-end dossiers, which need the payment online.
    if (!ministry && s.profile.fee > 0 && extra.next() < PAYMENT_LAG_SHARE) {
      pay *= PAYMENT_LAG_EFFECT;
      e2e *= PAYMENT_LAG_EFFECT;
    }
    e2eEffect.push(e2e);
    payEffect.push(pay);
  }
  return { e2eEffect, payEffect };
}

function oldProvince(rng: Random, extra: Random, code: string, services: PreparedService[], offline: PreparedService[]): Unit {
  const population = POPULATION_K[code];
  if (population === undefined) throw new Error(`no demo population for old province ${code}`);
  // Drawn even when overridden, so that editing READINESS does not reshuffle every other draw.
  const drawn = rng.logNormal(0.25);
  return {
    code,
    province: code,
    population,
    readiness: READINESS[code] ?? drawn,
    volumeEffect: services.map(() => rng.logNormal(0.2)),
    rateEffect: services.map(() => rng.logNormal(0.3)),
    // Small licences are simply not issued everywhere.
    active: services.map((s) => s.volume >= 1 || rng.next() > 0.1),
    ...measureEffects(extra, services),
    offlineVolume: offline.map(() => extra.logNormal(0.2)),
    offlineActive: offline.map((s) => s.volume >= 1 || extra.next() > 0.1),
  };
}

/** Population-weighted mean, so that a merged province continues the sum of its parts. */
function weighted(parts: Unit[], value: (u: Unit) => number): number {
  const people = parts.reduce((sum, u) => sum + u.population, 0);
  return parts.reduce((sum, u) => sum + value(u) * u.population, 0) / people;
}

/** A unit made of others, weighted by their people: a merged province, or a new commune from its sources. */
function mergedUnit(code: string, parts: Unit[], serviceCount: number, province = code): Unit {
  const indexes = [...Array(serviceCount).keys()];
  const offline = [...Array(parts[0]!.offlineVolume.length).keys()];
  return {
    code,
    province,
    population: parts.reduce((sum, u) => sum + u.population, 0),
    readiness: weighted(parts, (u) => u.readiness),
    volumeEffect: indexes.map((i) => weighted(parts, (u) => u.volumeEffect[i]!)),
    rateEffect: indexes.map((i) => weighted(parts, (u) => u.rateEffect[i]!)),
    active: indexes.map((i) => parts.some((u) => u.active[i])),
    e2eEffect: indexes.map((i) => weighted(parts, (u) => u.e2eEffect[i]!)),
    payEffect: indexes.map((i) => weighted(parts, (u) => u.payEffect[i]!)),
    offlineVolume: offline.map((i) => weighted(parts, (u) => u.offlineVolume[i]!)),
    offlineActive: offline.map((i) => parts.some((u) => u.offlineActive[i])),
  };
}

/** Communes split their province's people unevenly and vary around its habits, enough to tell leaders from laggards. */
function communes(rng: Random, codes: string[], parent: Unit): Unit[] {
  const weights = codes.map(() => rng.logNormal(0.5));
  const sum = weights.reduce((a, b) => a + b, 0);
  return codes.map((code, i) => ({
    code,
    province: parent.code,
    population: (parent.population * weights[i]!) / sum,
    readiness: parent.readiness * rng.logNormal(0.3),
    volumeEffect: parent.volumeEffect.map((v) => v * rng.logNormal(0.15)),
    rateEffect: parent.rateEffect.map((v) => v * rng.logNormal(0.15)),
    active: parent.active,
    // Communes work on their province's systems.
    e2eEffect: parent.e2eEffect,
    payEffect: parent.payEffect,
    offlineVolume: parent.offlineVolume,
    offlineActive: parent.offlineActive,
  }));
}

/**
 * The communes of the commune provinces before and after the reform: old communes drawn from
 * their old province, each new commune made of its sources (a split old commune's people shared
 * equally between its parts), so that history continues where the sources are whole.
 */
function communeUnits(rng: Random, old: Map<string, Unit>, serviceCount: number): Pick<Units, 'oldCommunes' | 'newCommunes'> {
  const mergedFrom = new Map(readReference('vn-provinces-2025.csv').map((r) => [r.code!, (r.merged_from ?? '').split(';')]));
  const oldProvinces = new Set(COMMUNE_PROVINCES.flatMap((code) => mergedFrom.get(code) ?? []));
  const oldCommunes = new Map<string, Unit[]>();
  const oldByCode = new Map<string, Unit>();
  const oldRows = readReference('vn-communes-before-2025-07.csv');
  for (const province of oldProvinces) {
    const units = communes(rng, oldRows.filter((r) => r.province_code === province).map((r) => r.code!), old.get(province)!);
    oldCommunes.set(province, units);
    for (const u of units) oldByCode.set(u.code, u);
  }
  const sources = readReference('vn-communes-2025-sources.csv');
  const parts = new Map<string, number>();
  for (const s of sources) parts.set(s.source_code!, (parts.get(s.source_code!) ?? 0) + 1);
  const newCommunes = new Map<string, Unit[]>();
  for (const province of COMMUNE_PROVINCES) {
    const codes = new Set(readReference('vn-communes-2025.csv').filter((r) => r.province_code === province).map((r) => r.code!));
    const units = [...codes].map((code) => {
      const from = sources
        .filter((s) => s.code === code && oldByCode.has(s.source_code!))
        .map((s) => {
          const unit = oldByCode.get(s.source_code!)!;
          return { ...unit, population: unit.population / parts.get(s.source_code!)! };
        });
      if (from.length === 0) throw new Error(`demo commune ${code} has no source among the old communes`);
      return mergedUnit(code, from, serviceCount, province);
    });
    newCommunes.set(province, units);
  }
  return { oldCommunes, newCommunes };
}

function buildUnits(rng: Random, extra: Random, services: PreparedService[], offline: PreparedService[]): Units {
  const oldRows = readReference('vn-provinces-before-2025-07.csv');
  const old = oldRows.map((r) => oldProvince(rng, extra, r.code!, services, offline));
  const byCode = new Map(old.map((u) => [u.code, u]));
  const newUnits = readReference('vn-provinces-2025.csv').map((r) => {
    const parts = (r.merged_from ?? '').split(';').map((c) => {
      const unit = byCode.get(c.trim());
      if (!unit) throw new Error(`new province ${r.code} merges unknown old province "${c}"`);
      return unit;
    });
    return mergedUnit(r.code!, parts, services.length);
  });
  return { old, new: newUnits, ...communeUnits(rng, byCode, services.length) };
}

/** Linear between anchors, flat outside them. */
function adoption(month: Month): number {
  const i = monthIndex(month);
  const first = ADOPTION_ANCHORS[0]!;
  if (i <= monthIndex(first[0])) return first[1];
  for (let k = 1; k < ADOPTION_ANCHORS.length; k++) {
    const [toMonth, toValue] = ADOPTION_ANCHORS[k]!;
    const [fromMonth, fromValue] = ADOPTION_ANCHORS[k - 1]!;
    const [a, b] = [monthIndex(fromMonth), monthIndex(toMonth)];
    if (i <= b) return fromValue + ((toValue - fromValue) * (i - a)) / (b - a);
  }
  return ADOPTION_ANCHORS[ADOPTION_ANCHORS.length - 1]![1];
}

/** Demand grows about 3% a year, dips in lockdowns and breathes with the seasons. */
function demand(month: Month): number {
  const years = (monthIndex(month) - monthIndex(FIRST_DEMO_MONTH)) / 12;
  return 1.03 ** years * SEASON[Number(month.slice(5, 7)) - 1]! * (LOCKDOWN[month] ?? 1);
}

/** A new online service takes about half a year to win its users. */
function ramp(monthsOnline: number): number {
  return monthsOnline < 0 ? 0 : 1 - Math.exp(-(monthsOnline + 1) / 6);
}

/** Provinces with no rows this month because they have not reported yet (new codes only). */
function lateIn(month: Month, lastMonth: Month): Set<string> {
  if (month < REORGANISATION_MONTH) return new Set();
  return new Set(LATE.filter(([, missing]) => month > addMonths(lastMonth, -missing)).map(([code]) => code));
}

/** What every cell of one month shares, computed once per month rather than per cell. */
interface MonthContext {
  month: Month;
  index: number;
  adoption: number;
  demand: number;
}

function pushRow(draft: Draft, at: MonthContext, service: PreparedService, s: number, unit: Unit, total: number, rawOnline: number, offset: number): void {
  draft.rows.push({ period: at.month, service_code: service.code, locality_code: unit.code, online_count: 0, total_count: total, end_to_end_count: null, fee_count: null, paid_online_count: null });
  draft.rawOnline.push(rawOnline);
  draft.roundingOffset.push(offset);
  draft.serviceIndex.push(s);
  draft.unit.push(unit);
}

/** Draws one cell; a cell with no dossiers is not reported at all. */
function addCell(draft: Draft, rng: Random, at: MonthContext, s: number, service: PreparedService, unit: Unit): void {
  const expected = (service.volume * unit.population * unit.volumeEffect[s]! * at.demand) / 100;
  const total = Math.floor(expected * rng.logNormal(0.08) + rng.next());
  if (total === 0) return;
  const monthsOnline = at.index - service.onlineIndex;
  // Before online_since there is only paper: raw 0 stays 0 through any rescaling.
  const push = monthsOnline < 0 ? 0 : at.adoption * service.uptake * unit.readiness * unit.rateEffect[s]! * ramp(monthsOnline) * rng.logNormal(0.1);
  const rate = RATE_CAP * (1 - Math.exp(-push / RATE_CAP));
  pushRow(draft, at, service, s, unit, total, total * rate, rng.next());
}

/** A service not offered online: dossiers at the counter only, drawn from the second stream. */
function addOfflineCell(draft: Draft, extra: Random, at: MonthContext, o: number, service: PreparedService, unit: Unit): void {
  const expected = (service.volume * unit.population * unit.offlineVolume[o]! * at.demand) / 100;
  const total = Math.floor(expected * extra.logNormal(0.08) + extra.next());
  if (total > 0) pushRow(draft, at, service, -1 - o, unit, total, 0, 0);
}

function draw(rng: Random, extra: Random, services: PreparedService[], offline: PreparedService[], units: Units, lastMonth: Month): Draft {
  const draft: Draft = { rows: [], rawOnline: [], roundingOffset: [], serviceIndex: [], unit: [], services, offline };
  for (const month of monthRange(FIRST_DEMO_MONTH, lastMonth)) {
    const at: MonthContext = { month, index: monthIndex(month), adoption: adoption(month), demand: demand(month) };
    const reorganised = month >= REORGANISATION_MONTH;
    const provinces = reorganised ? units.new : units.old;
    const late = lateIn(month, lastMonth);
    if (month > addMonths(lastMonth, -LATE_COMMUNE_MONTHS)) late.add(DEMO_LATE_COMMUNE);
    const communesOf = reorganised ? units.newCommunes : units.oldCommunes;
    services.forEach((service, s) => {
      for (const province of provinces) {
        if (!province.active[s] || late.has(province.code)) continue;
        // Never both: commune rows replace the province row, or the province would count twice.
        const byCommune = month >= OLD_COMMUNES_FROM && COMMUNE_SERVICES.has(service.code) ? communesOf.get(province.code) : undefined;
        for (const unit of byCommune ?? [province]) if (!late.has(unit.code)) addCell(draft, rng, at, s, service, unit);
      }
    });
    offline.forEach((service, o) => {
      for (const province of provinces) if (province.offlineActive[o] && !late.has(province.code)) addOfflineCell(draft, extra, at, o, service, province);
    });
  }
  return draft;
}

function onlineAt(draft: Draft, i: number, factor: number): number {
  return Math.min(draft.rows[i]!.total_count, Math.floor(draft.rawOnline[i]! * factor + draft.roundingOffset[i]!));
}

/** Scales one window's online counts until its national share hits the target. */
function calibrateWindow(draft: Draft, indexes: number[], target: number, label: string): void {
  const total = indexes.reduce((sum, i) => sum + draft.rows[i]!.total_count, 0);
  let factor = 1;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const online = indexes.reduce((sum, i) => sum + onlineAt(draft, i, factor), 0);
    const share = online / total;
    if (Math.abs(share - target) < TOLERANCE) {
      for (const i of indexes) draft.rows[i]!.online_count = onlineAt(draft, i, factor);
      return;
    }
    if (online === 0) break;
    factor *= target / share;
  }
  throw new Error(`demo calibration of ${label} did not converge`);
}

function calibrate(draft: Draft): void {
  const windowOf = new Map<Month, number>();
  const indexes = WINDOWS.map(() => [] as number[]);
  draft.rows.forEach((row, i) => {
    let w = windowOf.get(row.period);
    if (w === undefined) {
      w = WINDOWS.findIndex((window) => row.period >= window.from && row.period <= window.to);
      windowOf.set(row.period, w);
    }
    indexes[w]?.push(i);
  });
  WINDOWS.forEach((window, w) => {
    if (indexes[w]!.length > 0) calibrateWindow(draft, indexes[w]!, window.target, `${window.from}..${window.to}`);
  });
}

/** A realistic, reproducible dataset from 2020-01 to `lastMonth`: same month in, same bytes out. */
export function generateDemo(lastMonth: Month): DemoDataset {
  const rng = new Random(SEED);
  const extra = new Random(MEASURE_SEED);
  const { online: services, offline } = prepareServices(extra);
  const units = buildUnits(rng, extra, services, offline);
  const draft = draw(rng, extra, services, offline, units, lastMonth);
  calibrate(draft);
  addMeasures(draft, extra);
  const moved = new Set(units.newCommunes.get(DEMO_MOVED_PROVINCE)!.map((u) => u.code));
  return { services: DEMO_SERVICES.map((s) => ({ ...s })), rows: draft.rows, moved: { province: DEMO_MOVED_PROVINCE, from: REORGANISATION_MONTH, communes: moved } };
}
