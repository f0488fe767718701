import { closeSync, existsSync, linkSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Zip, ZipDeflate } from 'fflate';
import type { CommuneData, DataArchive, DataPackage, DataResource, Point, SiteMeta } from '../../web/model.ts';
import { sidecarPath } from '../../web/data-names.ts';
import { ZIP_NAME } from '../../web/templates/pages/data.ts';
import { type Field, LICENCE, ONLINE, PERIOD, SOURCE, TOTAL, UNITS, field as f } from './fields.ts';
import { flagsTable, onlineServiceShareTable } from './flags.ts';
import { MEASURE_CHART_FIELDS, measureCellsByMonth, nationalIndicatorsTable, scorecardsTable } from './indicator-tables.ts';
import type { SiteFigures, SiteModel } from './model.ts';
import { inFolder, writeFile } from './sink.ts';
import { type Cell, type Table, writeTable } from './table-files.ts';

export type { Cell, Table };

const RATE = f('rate', 'number', 'online_count / total_count, 4 decimals; empty when total_count is 0', UNITS.ratio);
const COVERAGE_FIELDS = [
  f('reporting_units', 'integer', 'units (provinces, or the unit itself) with rows in the month', UNITS.units),
  f('expected_units', 'integer', 'units with rows in the month or in any of the 12 before', UNITS.units),
  f('complete', 'boolean', 'every expected unit reported and the month has ended; false = a partial figure'),
];
const SERIES_FIELDS = [PERIOD, ONLINE, TOTAL, RATE, ...COVERAGE_FIELDS];
const coverageCells = (p: Point): Cell[] => [p.coverage.reporting, p.coverage.expected, p.complete];
const pointCells = (p: Point): Cell[] => [p.period, p.online_count, p.total_count, p.rate, ...coverageCells(p)];

function tables(model: SiteModel): Table[] {
  return [
    {
      name: 'adoption-national-monthly',
      path: 'adoption-national-monthly',
      title: 'National adoption rate, monthly',
      title_vi: 'Tỷ lệ hồ sơ trực tuyến cả nước, theo tháng',
      spreadsheet: true,
      description: 'All services, the whole country, by month.',
      fields: SERIES_FIELDS,
      primaryKey: ['period'],
      rows: () => model.nationalMonthly.map(pointCells),
    },
    {
      name: 'adoption-province-monthly',
      path: 'adoption-province-monthly',
      title: 'Adoption rate by province, monthly, in current boundaries',
      title_vi: 'Tỷ lệ hồ sơ trực tuyến theo tỉnh, thành phố, theo tháng, theo địa giới hiện nay',
      spreadsheet: true,
      description: 'All services, each of the 34 current provinces by month; before 2025-07 the old provinces merged into each are added up.',
      fields: [PERIOD, f('locality_code', 'string', 'current province code'), f('locality_name', 'string', 'current province name'), ONLINE, TOTAL, RATE, ...COVERAGE_FIELDS],
      primaryKey: ['period', 'locality_code'],
      rows: function* () {
        for (const { province, monthly } of model.provinceMonthly) for (const p of monthly) yield [p.period, province.code, province.name, p.online_count, p.total_count, p.rate, ...coverageCells(p)];
      },
    },
    flagsTable(model.watch),
    onlineServiceShareTable(model.watch),
    scorecardsTable(model),
    nationalIndicatorsTable(model),
  ];
}

const SERVICE_CHART_FIELDS = [f('service_code', 'string', 'service code'), ...SERIES_FIELDS, ...MEASURE_CHART_FIELDS];
const LOCALITY_CHART_FIELDS = [f('locality_code', 'string', 'current province code'), ...SERIES_FIELDS, ...MEASURE_CHART_FIELDS];

/** The tables about services, written with their pages (page-thread.ts). */
function serviceTables(figures: SiteFigures): Table[] {
  return [
    {
      name: 'adoption-service-monthly',
      path: 'adoption-service-monthly',
      title: 'Adoption rate by service, monthly, nationwide',
      title_vi: 'Tỷ lệ hồ sơ trực tuyến theo dịch vụ, theo tháng, cả nước',
      spreadsheet: true,
      description: 'Each service, the whole country, by month.',
      fields: [PERIOD, f('service_code', 'string', 'service code'), f('service_name', 'string', 'service name (Vietnamese)'), ONLINE, TOTAL, RATE, ...COVERAGE_FIELDS],
      primaryKey: ['period', 'service_code'],
      rows: function* () {
        for (const { service, monthly } of figures.serviceMonthly) for (const p of monthly) yield [p.period, service.code, service.name_vi, p.online_count, p.total_count, p.rate, ...coverageCells(p)];
      },
    },
    {
      name: 'services',
      path: 'services',
      title: 'Services, with their last 12 months',
      title_vi: 'Danh mục dịch vụ và số liệu 12 tháng gần nhất',
      spreadsheet: true,
      description: `The service registry, with totals and the online rate over the 12 complete months to ${figures.meta.latest_complete_month ?? '-'} and the change from the 12 before, in percentage points.`,
      fields: [f('code', 'string', 'service code'), f('name_vi', 'string', 'name in Vietnamese'), f('name_en', 'string', 'name in English'), f('agency', 'string', 'responsible agency'), f('online_level', 'string', 'full or partial'), f('online_since', 'yearmonth', 'first month offered online'), f('rate_12m', 'number', 'online rate, last 12 months', UNITS.ratio), f('change_pp', 'number', 'change from the previous 12 months, percentage points', UNITS.points), f('total_12m', 'integer', 'all dossiers, last 12 months', UNITS.dossiers), f('paper_12m', 'integer', 'dossiers not submitted online, last 12 months', UNITS.dossiers)],
      primaryKey: ['code'],
      rows: () => figures.services.services.map((s) => [s.code, s.name_vi, s.name_en, s.agency, s.online_level, s.online_since, s.rate_12m, s.change_pp, s.total_12m, s.paper_12m]),
    },
  ];
}

/** Every commune of today with figures, by month: the communes' part of the province table. */
function communeMonthly(model: SiteModel): Table {
  return {
    name: 'adoption-commune-monthly',
    path: 'adoption-commune-monthly',
    title: 'Adoption rate by commune, monthly, in current boundaries',
    title_vi: 'Tỷ lệ hồ sơ trực tuyến theo xã, phường, đặc khu, theo tháng, theo địa giới hiện nay',
    spreadsheet: true,
    description: 'All services, each commune of today that has figures of its own, by month; before 2025-07 the old communes that went whole into it are added up (a commune with a split source starts at 2025-07).',
    fields: [PERIOD, f('locality_code', 'string', 'commune code (of today)'), f('locality_name', 'string', 'commune name'), f('province_code', 'string', 'province code (of today)'), ONLINE, TOTAL, RATE, ...COVERAGE_FIELDS],
    primaryKey: ['period', 'locality_code'],
    rows: function* () {
      for (const list of model.communes.byProvince.values()) {
        for (const c of list) for (const p of c.series.monthly) yield [p.period, c.commune.code, c.commune.name, c.commune.province.code, p.online_count, p.total_count, p.rate, ...coverageCells(p)];
      }
    },
  };
}

/** The tables that also come as spreadsheets (spreadsheets.ts): all but the raw observations and the per-chart files. */
export function spreadsheetTables(model: SiteModel): Table[] {
  return [...tables(model), ...serviceTables(model), communeMonthly(model)].filter((t) => t.spreadsheet);
}

/** Per-chart files: the numbers behind each service chart, one small file each. */
function serviceChartTables(figures: SiteFigures): Table[] {
  return figures.serviceMonthly.map((s) => ({
    name: `service-${s.service.code}`,
    path: `services/${s.service.code}`,
    title: `National adoption rate of ${s.service.name_en ?? s.service.name_vi} (${s.service.code}), monthly`,
    title_vi: `Tỷ lệ hồ sơ trực tuyến của dịch vụ ${s.service.name_vi} (${s.service.code}), cả nước, theo tháng`,
    description: '',
    fields: SERVICE_CHART_FIELDS,
    rows: () => {
      const measures = measureCellsByMonth(s.measures);
      return s.monthly.map((p) => [s.service.code, ...pointCells(p), ...measures(p.period)]);
    },
  }));
}

/** The same for each province's chart. */
function localityChartTables(figures: SiteFigures): Table[] {
  return figures.provinceMonthly.map((l) => ({
    name: `locality-${l.province.code}`,
    path: `localities/${l.province.code}`,
    title: `Adoption rate in ${l.province.name} (${l.province.code}), monthly, all services`,
    title_vi: `Tỷ lệ hồ sơ trực tuyến tại ${l.province.name} (${l.province.code}), mọi dịch vụ, theo tháng`,
    description: '',
    fields: LOCALITY_CHART_FIELDS,
    rows: () => {
      const measures = measureCellsByMonth(l.measures);
      return l.monthly.map((p) => [l.province.code, ...pointCells(p), ...measures(p.period)]);
    },
  }));
}

/** A commune's chart file, its own times in its notes (an unchanged commune keeps the same bytes); returns its path under /data/. */
export function writeCommuneChart(dir: string, c: CommuneData): string {
  const table: Table = {
    name: `locality-${c.commune.code}`,
    path: `localities/${c.commune.code}`,
    title: `Adoption rate in ${c.commune.name}, ${c.commune.province.name} (${c.commune.code}), monthly, all services`,
    title_vi: `Tỷ lệ hồ sơ trực tuyến tại ${c.commune.name}, ${c.commune.province.name} (${c.commune.code}), mọi dịch vụ, theo tháng`,
    description: '',
    fields: COMMUNE_CHART_FIELDS,
    rows: () => {
      const measures = measureCellsByMonth(c.series.measures);
      return c.series.monthly.map((p) => [c.commune.code, ...pointCells(p), ...measures(p.period)]);
    },
  };
  return writeTable(dir, table, c.meta)[0]!.path as string;
}

const COMMUNE_CHART_FIELDS = [f('locality_code', 'string', 'commune code (of today)'), ...SERIES_FIELDS, ...MEASURE_CHART_FIELDS];

/** The services' tables and chart files, written beside their pages on the build's second thread (page-thread.ts). */
export function writeServiceData(siteDir: string, figures: SiteFigures): DataResource[] {
  const dir = join(siteDir, 'data');
  for (const table of serviceChartTables(figures)) writeTable(dir, table, figures.meta);
  return serviceTables(figures).flatMap((table) => writeTable(dir, table, figures.meta));
}

/** The datapackage entry of a group of per-chart files that together form one table. */
function chartGroup(name: string, title: string, fields: Field[], paths: string[]): DataResource {
  return {
    name,
    path: paths,
    title,
    description: 'One CSV per chart (and a JSON twin beside each), with the numbers the chart draws. Together they form one table.',
    format: 'csv',
    mediatype: 'text/csv',
    encoding: 'utf-8',
    dialect: { header: true },
    schema: { fields },
  };
}

const README = (meta: SiteMeta) => `Thước đo — open data
=====================

Share of public-service dossiers submitted online, by service, locality and month.
Built ${meta.built_at}; data to ${meta.data_as_of ?? '-'}; as of batch ${meta.last_batch_id}: every file here holds the stored batches up to it.${meta.demo ? '\n\nDữ liệu minh họa — Demo data: these figures are simulated, not official statistics.' : ''}

Files: see datapackage.json (Frictionless Data Package v2) for every file and field.
CSV: UTF-8, comma-separated, RFC 4180; the first line is the header. Each NAME.csv has NAME.metadata.json beside it: title, description, source, licence, citation (vi, en), built_at, data_as_of, last_batch_id, the demo label, and every field with its type and unit.
Raw observations: observations/YEAR/AREA.csv, one file per year and current province (VN: rows for the whole country).
rate = online_count / total_count, summed before dividing (never an average of rates).

Licence: CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).
Cite as: Thước đo (${meta.built_at.slice(0, 4)}). Share of dossiers submitted online, by service and locality. Built ${meta.built_at}. CC BY 4.0.
`;

/** Streams files into a zip without holding any of them whole in memory. */
function writeZip(dir: string, zipPath: string, entries: Array<{ name: string; path?: string; text?: string }>): number {
  const out = openSync(zipPath, 'w');
  let bytes = 0;
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    bytes += writeSync(out, chunk);
  });
  const buffer = Buffer.alloc(1 << 20);
  for (const entry of entries) {
    // Level 1: several times faster than the default on hundreds of MB, and CSV still shrinks ~5×.
    const file = new ZipDeflate(entry.name, { level: 1 });
    zip.add(file);
    if (entry.text !== undefined) {
      file.push(new TextEncoder().encode(entry.text), true);
      continue;
    }
    const fd = openSync(join(dir, entry.path!), 'r');
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      file.push(buffer.subarray(0, n).slice(), false);
    }
    file.push(new Uint8Array(0), true);
    closeSync(fd);
  }
  zip.end();
  closeSync(out);
  return bytes;
}

export interface OpenDataOptions {
  /** The communes' chart files (written or linked with their pages). */
  communeCharts: string[];
  /** The raw observations, already written in the build's read transaction (raw-data.ts). */
  raw: DataResource[];
  /** The live build's folder and package: a quick build links its zip instead of writing it. */
  zipFrom: { dir: string; pkg: DataPackage } | null;
}

/** The live build's zip, hard-linked into the new build, with what it stands at; null when there is none to link. */
function reuseZip(previous: { dir: string; pkg: DataPackage }, dir: string): DataArchive | null {
  const from = join(previous.dir, ZIP_NAME);
  if (!previous.pkg.archive || !existsSync(from)) return null;
  inFolder(join(dir, ZIP_NAME), () => linkSync(from, join(dir, ZIP_NAME)));
  return previous.pkg.archive;
}

/** The live build's datapackage.json, read for what a new build may link from it. */
export function previousData(liveDir: string | null): { dir: string; pkg: DataPackage } | null {
  if (!liveDir) return null;
  const dir = join(liveDir, 'data');
  const path = join(dir, 'datapackage.json');
  return existsSync(path) ? { dir, pkg: JSON.parse(readFileSync(path, 'utf8')) as DataPackage } : null;
}

/**
 * Writes /data/: every table as CSV and JSON but the services' (writeServiceData) and the raw
 * observations (raw-data.ts). `archive.linked`: the zip came from the live build; otherwise it is
 * still to be written (writeOpenDataZip), once the datapackage.json is (writeDataPackage).
 */
export function writeOpenData(siteDir: string, model: SiteModel, options: OpenDataOptions): { resources: DataResource[]; archive: DataArchive & { linked: boolean } } {
  const dir = join(siteDir, 'data');
  const linked = options.zipFrom ? reuseZip(options.zipFrom, dir) : null;
  const resources: DataResource[] = [...options.raw];
  for (const table of tables(model)) resources.push(...writeTable(dir, table, model.meta));
  resources.push(chartGroup('locality-charts', 'Per-province chart files', LOCALITY_CHART_FIELDS, localityChartTables(model).map((t) => writeTable(dir, t, model.meta)[0]!.path as string)));
  resources.push(...writeTable(dir, communeMonthly(model), model.meta));
  if (options.communeCharts.length > 0) resources.push(chartGroup('commune-charts', 'Per-commune chart files', COMMUNE_CHART_FIELDS, options.communeCharts));
  const archive = linked ?? { path: ZIP_NAME, last_batch_id: model.meta.last_batch_id, built_at: model.meta.built_at };
  return { resources, archive: { ...archive, linked: linked !== null } };
}

/** Writes /data/datapackage.json: this thread's resources, the services' and their chart files. */
export function writeDataPackage(siteDir: string, figures: SiteFigures, resources: DataResource[], serviceResources: DataResource[], archive: DataArchive): DataPackage {
  const pkg: DataPackage = {
    $schema: 'https://datapackage.org/profiles/2.0/datapackage.json',
    name: 'thuoc-do',
    title: 'Thước đo — use of online public services in Vietnam',
    description: 'Monthly counts of dossiers submitted online and of all dossiers, per public service and locality, and the adoption rates computed from them.',
    version: figures.meta.built_at.slice(0, 10),
    created: figures.meta.built_at,
    last_batch_id: figures.meta.last_batch_id,
    demo: figures.meta.demo,
    archive,
    licenses: [LICENCE],
    sources: [{ title: SOURCE }, { title: 'Administrative units: dvhcvn/20250701 (MIT)' }],
    contributors: [{ title: 'Thước đo', roles: ['publisher'] }],
    resources: [
      ...resources,
      ...serviceResources,
      chartGroup('service-charts', 'Per-service chart files', SERVICE_CHART_FIELDS, serviceChartTables(figures).map((t) => `${t.path}.csv`)),
    ],
  };
  writeFile(join(siteDir, 'data', 'datapackage.json'), packageText(pkg));
  return pkg;
}

const packageText = (pkg: DataPackage) => JSON.stringify(pkg, null, 2) + '\n';

/** The zip of every CSV, the datapackage.json and a README: after every file it lists is written. */
export function writeOpenDataZip(siteDir: string, pkg: DataPackage, meta: SiteMeta): void {
  const dir = join(siteDir, 'data');
  const csvPaths = pkg.resources.filter((r) => r.format === 'csv').flatMap((r) => r.path);
  writeZip(dir, join(dir, ZIP_NAME), [
    ...csvPaths.flatMap((p) => [p, sidecarPath(p)]).map((p) => ({ name: p, path: p })),
    { name: 'datapackage.json', text: packageText(pkg) },
    { name: 'README.txt', text: README(meta) },
  ]);
}
