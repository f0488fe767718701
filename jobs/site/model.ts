import type Database from 'better-sqlite3';
import { type Bucket, rateOf, toBuckets } from '../../db/adoption.ts';
import { type CoverageSource, type UnitsByMonth, addUnit, areasAlwaysExist } from '../../db/coverage.ts';
import { type Locality, existsIn, localityRegistry } from '../../db/localities/registry.ts';
import { hasDemoRows, lastStoredBatch } from '../../db/meta.ts';
import { type Month, addMonths, currentMonth } from '../../db/months.ts';
import { type Service, listServices } from '../../db/services.ts';
import { type MonthSums, type Sums, monthlyByArea } from '../../db/stats.ts';
import { RollupCube } from '../../db/cube.ts';
import { collator } from '../../web/i18n.ts';
import { indicatorById } from '../../db/indicators/catalogue.ts';
import type {
  AgenciesData,
  EndToEndHeadline,
  HomeData,
  IndicatorsInfo,
  LocalitiesData,
  LocalityData,
  MeasureKey,
  MeasureSeries,
  Point,
  ProvinceSummary,
  Series,
  SeriesMeasures,
  ServiceData,
  ServiceSummary,
  ServicesData,
  SiteMeta,
  WatchData,
  Window12,
} from '../../web/model.ts';
import type { CommuneInputs } from './communes.ts';
import { CHART_MEASURES, type MeasureInputs, type MeasureMonths, nationalMeasureMonths, readMeasures, seriesMeasures, serviceMeasures } from './measures.ts';
import { type IndicatorMonth, nationalIndicatorSeries } from './national-indicators.ts';
import { type SiteScorecards, indicatorsInfo } from './scorecards.ts';
import { communeFlags, localityWatches } from './watch-model.ts';
import { buildWindows, serviceSummaryOf, windowOf } from './windows.ts';
import { TILE_POSITIONS } from '../../web/tilemap.ts';
import { latestCompleteMonth } from '../../db/watch/window.ts';

/** Services under this 12-month rate are "online but little used". */
export const LITTLE_USED_THRESHOLD = 0.1;
const MOVERS = 5;
const LITTLE_USED_SHOWN = 10;

/** The site's figures from the counts alone: every page but the watch list's parts. */
export interface SiteFigures {
  meta: SiteMeta;
  home: HomeData;
  services: ServicesData;
  service: ServiceData[];
  localities: LocalitiesData;
  locality: Array<Omit<LocalityData, 'watch' | 'communes' | 'scorecard'>>;
  /** Monthly series behind the open-data files. */
  nationalMonthly: Point[];
  /** Every indicator of the catalogue, nationwide, by month. */
  nationalIndicators: IndicatorMonth[];
  provinceMonthly: Array<{ province: ProvinceSummary; monthly: Point[]; measures?: SeriesMeasures }>;
  serviceMonthly: Array<{ service: ServiceSummary; monthly: Point[]; measures?: SeriesMeasures }>;
}

/** Everything the site publishes. */
export interface SiteModel extends SiteFigures {
  locality: LocalityData[];
  /** The watch list (db/watch), computed once per build. */
  watch: WatchData;
  /** Every commune of today and the old ones (jobs/site/communes.ts). */
  communes: CommuneInputs;
  /** The 766 online-services scorecards of the country, the provinces and the ministries (the communes' are with them). */
  scorecards: SiteScorecards;
  /** /agencies/: the country's and the ministries' scorecards. */
  agencies: AgenciesData;
  /** The catalogue of indicators, for the methodology page. */
  indicators: IndicatorsInfo;
}

/** The figures with the watch list, the communes and the scorecards, and each province's part of them. */
export function siteModel(figures: SiteFigures, watch: WatchData, communes: CommuneInputs, scorecards: SiteScorecards, provinceMetas: Map<string, SiteMeta>): SiteModel {
  const ofLocality = localityWatches(watch);
  const communesOf = (code: string) => communes.byProvince.get(code) ?? [];
  for (const list of communes.byProvince.values()) for (const c of list) c.flags = communeFlags(watch, c.commune.code);
  return {
    ...figures,
    watch,
    communes,
    localities: {
      ...figures.localities,
      communes: figures.locality.map((l) => ({ code: l.province.code, name: l.province.name, communes: communesOf(l.province.code).map((c) => ({ code: c.commune.code, name: c.commune.name })) })),
      old_provinces: communes.old.map((o) => o.province),
    },
    locality: figures.locality.map((l) => ({
      ...l,
      // Its own times (province-times.ts): an unchanged province's page stays the same bytes.
      meta: provinceMetas.get(l.province.code) ?? l.meta,
      watch: ofLocality(l.province.code),
      communes: communesOf(l.province.code).map((c) => c.commune),
      scorecard: scorecards.provinces.get(l.province.code) ?? null,
    })),
    scorecards,
    agencies: { meta: figures.meta, country: scorecards.country, agencies: scorecards.agencies },
    indicators: indicatorsInfo(),
  };
}

const toPoint = ({ period, online_count, total_count, rate, coverage, complete }: Bucket): Point => ({ period, online_count, total_count, rate, coverage, complete });

function series(months: MonthSums[], coverage: CoverageSource, units: Series['units'], measures?: SeriesMeasures): Series {
  return { monthly: toBuckets(months, 'month', coverage).map(toPoint), yearly: toBuckets(months, 'year', coverage), units, ...(measures ? { measures } : {}) };
}

function addInto(target: Map<Month, Sums>, months: MonthSums[]) {
  for (const m of months) {
    const s = target.get(m.period) ?? { online: 0, total: 0 };
    s.online += m.online;
    s.total += m.total;
    target.set(m.period, s);
  }
}

function sumWindow(months: MonthSums[], from: Month, to: Month): Sums {
  const s = { online: 0, total: 0 };
  for (const m of months) if (m.period >= from && m.period <= to) (s.online += m.online), (s.total += m.total);
  return s;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A province of today with the old provinces it took in (for the 2025 merger note). */
export interface SiteProvince extends Locality {
  mergedFrom: Array<{ code: string; name: string }>;
}

/**
 * What the model is derived from, read from the database in one snapshot: small enough to post
 * to a worker thread; the counts themselves are in the cube, whose arrays are shared.
 */
export interface SiteInputs {
  now: Date;
  meta: SiteMeta;
  /** Current provinces in Vietnamese collation order. */
  provinces: SiteProvince[];
  /** Monthly sums over all services per area id. */
  byArea: Map<number, MonthSums[]>;
  /** Per area, the localities that reported each month (rollup_unit), for the provinces' coverage. */
  unitsByArea: Map<number, UnitsByMonth>;
  /** When each of those localities existed. */
  unitSpans: Map<number, Pick<Locality, 'validFrom' | 'validTo'>>;
  /** In the catalogue's order. */
  services: Service[];
  /** The optional measures (end-to-end, paid online), where reported. */
  measures: MeasureInputs;
}

/**
 * Reads what the figures are derived from; a warm cube is brought up to date rather than read
 * again. Run it in the read transaction that also computes the watch list (one snapshot).
 */
export function readSiteInputs(sqlite: Database.Database, now: Date, siteUrl: string | null, warmCube: RollupCube | null): { inputs: SiteInputs; cube: RollupCube } {
  const today = currentMonth(now);
  const cube = warmCube ? warmCube.refreshed(sqlite, today) : RollupCube.load(sqlite, today);
  const registry = localityRegistry(sqlite);
  const provinces = registry
    .at(today)
    .filter((u) => u.level === 'province')
    .sort((a, b) => collator.compare(a.name, b.name))
    .map((p) => ({ ...p, mergedFrom: registry.predecessors(p).map((o) => ({ code: o.code, name: o.name })) }));
  const byArea = monthlyByArea(sqlite);
  const nationalMonths = nationalOf(byArea);
  const { unitsByArea, unitSpans } = reportingUnitsByArea(sqlite);
  const meta: SiteMeta = {
    built_at: now.toISOString(),
    data_as_of: nationalMonths[nationalMonths.length - 1]?.period ?? null,
    latest_complete_month: latestCompleteMonth(byArea, today),
    demo: hasDemoRows(sqlite),
    last_batch_id: lastStoredBatch(sqlite),
    site_url: siteUrl,
  };
  return { inputs: { now, meta, provinces, byArea, unitsByArea, unitSpans, services: listServices(sqlite), measures: readMeasures(sqlite, registry) }, cube };
}

/** Which localities reported each month, grouped by their area (a few rows per locality and month). */
function reportingUnitsByArea(sqlite: Database.Database): Pick<SiteInputs, 'unitsByArea' | 'unitSpans'> {
  const registry = localityRegistry(sqlite);
  const unitsByArea = new Map<number, UnitsByMonth>();
  const unitSpans = new Map<number, Pick<Locality, 'validFrom' | 'validTo'>>();
  const pairs = sqlite.prepare('SELECT locality_id, period FROM rollup_unit WHERE rows > 0').raw(true).all() as Array<[number, Month]>;
  for (const [id, period] of pairs) {
    const unit = registry.get(id);
    const area = registry.areaOf(unit);
    let units = unitsByArea.get(area);
    if (!units) unitsByArea.set(area, (units = new Map()));
    addUnit(units, period, id);
    unitSpans.set(id, { validFrom: unit.validFrom, validTo: unit.validTo });
  }
  return { unitsByArea, unitSpans };
}

/** The national series' coverage: its units are the areas that reported. */
function nationalCoverage(byArea: Map<number, MonthSums[]>, today: Month): CoverageSource {
  const units: UnitsByMonth = new Map();
  for (const [id, months] of byArea) for (const m of months) addUnit(units, m.period, id);
  return { units, exists: areasAlwaysExist, today };
}

const provinceMonthsOf = (provinces: Locality[], byArea: Map<number, MonthSums[]>) => new Map(provinces.map((p) => [p.id, byArea.get(p.id) ?? []]));

/** National monthly sums: every area's, added up. */
function nationalOf(byArea: Map<number, MonthSums[]>): MonthSums[] {
  const nationalMap = new Map<Month, Sums>();
  for (const months of byArea.values()) addInto(nationalMap, months);
  return [...nationalMap.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([period, s]) => ({ period, ...s }));
}

/** The site's figures from the inputs and the cube: no database, so a worker thread can derive them too. */
export function deriveFigures(inputs: SiteInputs, cube: RollupCube): SiteFigures {
  const { meta, provinces, byArea, services, unitsByArea, unitSpans } = inputs;
  const today = currentMonth(inputs.now);
  const provinceMonths = provinceMonthsOf(provinces, byArea);
  const national = nationalCoverage(byArea, today);
  const provinceCoverage = (p: Locality): CoverageSource => ({
    units: unitsByArea.get(p.id) ?? new Map(),
    exists: (id, month) => existsIn(unitSpans.get(id)!, month),
    today,
  });
  const serviceCoverage = (units: UnitsByMonth | undefined): CoverageSource => ({ units: units ?? new Map(), exists: areasAlwaysExist, today });
  const nationalMonths = nationalOf(byArea);
  const dataAsOf = meta.data_as_of;
  const complete = meta.latest_complete_month;
  const { from, to, prevFrom, prevTo } = buildWindows(meta, inputs.now);

  const provinceSummary = (p: Locality, months: MonthSums[]): ProvinceSummary => ({
    code: p.code,
    name: p.name,
    ...windowOf(sumWindow(months, from, to), sumWindow(months, prevFrom, prevTo)),
    last_reported: months[months.length - 1]?.period ?? null,
  });
  const provinceSummaries = provinces.map((p) => provinceSummary(p, provinceMonths.get(p.id)!));

  // Per service and area, over both windows: national service figures and the service × province tables.
  const current = cube.windowSums(from, to);
  const previous = cube.windowSums(prevFrom, prevTo);
  const cell = (serviceId: number, areaId: number) => `${serviceId}:${areaId}`;
  const previousCells = new Map(previous.map((r) => [cell(r.serviceId, r.areaId), r]));
  const nationalCurrent = new Map<number, Sums>();
  const nationalPrevious = new Map<number, Sums>();
  const add = (map: Map<number, Sums>, id: number, s: Sums) => {
    const t = map.get(id) ?? { online: 0, total: 0 };
    t.online += s.online;
    t.total += s.total;
    map.set(id, t);
  };
  for (const r of current) add(nationalCurrent, r.serviceId, r);
  for (const r of previous) add(nationalPrevious, r.serviceId, r);
  const zero = { online: 0, total: 0 };

  const serviceSummaries = services.map((s) => serviceSummaryOf(s, nationalCurrent.get(s.id) ?? zero, nationalPrevious.get(s.id) ?? zero));
  const byService = cube.monthlyByService();
  const provinceById = new Map(provinces.map((p) => [p.id, p]));
  const serviceById = new Map(services.map((s) => [s.id, s]));
  const byRateAscending = <T extends Window12>(rows: T[]) => [...rows].sort((a, b) => (a.rate_12m ?? 2) - (b.rate_12m ?? 2));

  const serviceCells = new Map<number, ProvinceSummary[]>();
  const localityCells = new Map<number, ServiceSummary[]>();
  for (const r of current) {
    const province = provinceById.get(r.areaId);
    const service = serviceById.get(r.serviceId);
    if (!province || !service) continue;
    const before = previousCells.get(cell(r.serviceId, r.areaId)) ?? zero;
    const w = windowOf(r, before);
    const months = provinceMonths.get(province.id)!;
    pushTo(serviceCells, service.id, { code: province.code, name: province.name, ...w, last_reported: months[months.length - 1]?.period ?? null });
    pushTo(localityCells, province.id, serviceSummaryOf(service, r, before));
  }

  // The optional measures, each with its own coverage: who reported that measure.
  const measured = (months: MeasureMonths | undefined, units: (key: MeasureKey) => UnitsByMonth | undefined, exists: CoverageSource['exists']) =>
    seriesMeasures(months, (key) => ({ units: units(key) ?? new Map(), exists, today }));
  const nationalMeasured = nationalMeasureMonths(inputs.measures.byArea);
  const serviceSeries = services.map((s) => {
    const found = byService.get(s.id);
    const m = found && serviceMeasures(found);
    return series(found?.months ?? [], serviceCoverage(found?.units), 'provinces', measured(m?.months, (key) => m?.units[key], areasAlwaysExist));
  });
  const provinceSeries = provinces.map((p) =>
    series(provinceMonths.get(p.id)!, provinceCoverage(p), 'units', measured(inputs.measures.byArea.get(p.id), (key) => inputs.measures.unitsByArea.get(p.id)?.[key], provinceCoverage(p).exists)),
  );
  const nationalSeries = series(nationalMonths, national, 'provinces', measured(nationalMeasured.months, (key) => nationalMeasured.units[key], areasAlwaysExist));

  const ranked = [...provinceSummaries].sort((a, b) => (b.rate_12m ?? -1) - (a.rate_12m ?? -1));
  const withChange = provinceSummaries.filter((p) => p.change_pp !== null);
  const home: HomeData = {
    meta,
    headline: headline(nationalMonths, provinceMonths, complete, dataAsOf),
    end_to_end: endToEndHeadline(nationalSeries.measures?.end_to_end, complete),
    national: nationalSeries,
    provinces: ranked,
    gains: withChange.filter((p) => p.change_pp! > 0).sort((a, b) => b.change_pp! - a.change_pp!).slice(0, MOVERS),
    falls: withChange.filter((p) => p.change_pp! < 0).sort((a, b) => a.change_pp! - b.change_pp!).slice(0, MOVERS),
    little_used: littleUsed(serviceSummaries, to).slice(0, LITTLE_USED_SHOWN),
    little_used_threshold: LITTLE_USED_THRESHOLD,
  };

  return {
    meta,
    home,
    services: { meta, services: serviceSummaries },
    service: serviceSeries.map((national, i) => ({
      meta,
      service: serviceSummaries[i]!,
      national,
      provinces: byRateAscending(serviceCells.get(services[i]!.id) ?? []),
    })),
    localities: { meta, provinces: provinceSummaries.map((p) => ({ ...p, map: TILE_POSITIONS[p.code] ?? null })) },
    locality: provinces.map((p, i) => ({
      meta,
      province: { ...provinceSummaries[i]!, merged_from: p.mergedFrom },
      series: provinceSeries[i]!,
      services: byRateAscending(localityCells.get(p.id) ?? []),
    })),
    nationalMonthly: home.national.monthly,
    nationalIndicators: nationalIndicatorSeries({ services, sumsOf: (months) => cube.serviceSums(null, months.map((m) => ({ from: m, to: m }))), national: nationalSeries }),
    provinceMonthly: provinces.map((p, i) => ({ province: provinceSummaries[i]!, monthly: provinceSeries[i]!.monthly, measures: provinceSeries[i]!.measures })),
    serviceMonthly: services.map((s, i) => ({ service: serviceSummaries[i]!, monthly: serviceSeries[i]!.monthly, measures: serviceSeries[i]!.measures })),
  };
}

/**
 * The national end-to-end share for the home page: the latest complete month that has it (or the
 * latest month that has it), against the target the catalogue scores full points at.
 */
function endToEndHeadline(series: MeasureSeries | undefined, complete: Month | null): EndToEndHeadline | null {
  if (!series || series.monthly.length === 0) return null;
  const upTo = complete === null ? series.monthly : series.monthly.filter((p) => p.period <= complete);
  const point = upTo[upTo.length - 1] ?? series.monthly[series.monthly.length - 1]!;
  return {
    month: point.period,
    rate: point.rate,
    numerator: point.numerator,
    denominator: point.denominator,
    coverage: point.coverage,
    complete: point.complete,
    target: indicatorById(CHART_MEASURES.end_to_end.indicator)!.full_score_at,
  };
}

/** Offered online by the end of the window, used, yet under the threshold: most paper first. */
export function littleUsed(services: ServiceSummary[], to: Month): ServiceSummary[] {
  return services
    .filter((s) => (s.online_since === null || s.online_since <= to) && s.total_12m > 0 && s.rate_12m !== null && s.rate_12m < LITTLE_USED_THRESHOLD)
    .sort((a, b) => b.paper_12m - a.paper_12m);
}

function headline(national: MonthSums[], byProvince: Map<number, MonthSums[]>, complete: Month | null, dataAsOf: Month | null): HomeData['headline'] {
  const month = national.find((m) => m.period === complete);
  if (!month || !complete) return null;
  const year = complete.slice(0, 4);
  const lastYear = String(Number(year) - 1);
  const ytd = sumWindow(national, `${year}-01`, complete);
  const before = sumWindow(national, `${lastYear}-01`, `${lastYear}${complete.slice(4)}`);
  const ytdRate = rateOf(ytd.online, ytd.total);
  const beforeRate = rateOf(before.online, before.total);
  const reporting = [...byProvince.values()];
  return {
    month: complete,
    rate: rateOf(month.online, month.total),
    online_count: month.online,
    total_count: month.total,
    provinces_reported: reporting.filter((months) => months.some((m) => m.period === dataAsOf)).length,
    provinces_expected: reporting.length,
    ytd: {
      year,
      from: `${year}-01`,
      to: complete,
      rate: ytdRate,
      previous_rate: beforeRate,
      change_pp: ytdRate === null || beforeRate === null ? null : Math.round((ytdRate - beforeRate) * 1000) / 10,
    },
  };
}
