import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { type Locality, type LocalityRegistry, localityRegistry } from '../../db/localities/registry.ts';
import { type AreaYear, areaYears, iterateObservations } from '../../db/raw-observations.ts';
import type { DataPackage, DataResource, SiteMeta } from '../../web/model.ts';
import { END_TO_END, FEE, type Field, ONLINE, PAID_ONLINE, PERIOD, TOTAL, field } from './fields.ts';
import { CsvSink, type Table, csvResource, linkCsv, tableMetadata, writeSidecar } from './table-files.ts';

/**
 * The raw observations, one CSV per area in today's boundaries (a current province, or VN for
 * country rows) and year: a batch rewrites only the parts it changed, and each part says the
 * last batch it holds. Written inside the build's read transaction, so that they are of the
 * same state as every figure beside them.
 */
export const RAW_FIELDS: Field[] = [
  PERIOD,
  field('service_code', 'string', 'service code'),
  field('locality_code', 'string', 'administrative code, in the month of the row'),
  field('locality_name', 'string', 'the unit the code meant in that month'),
  ONLINE,
  TOTAL,
  END_TO_END,
  FEE,
  PAID_ONLINE,
  field('batch_id', 'integer', 'the batch that sent the current counts'),
];

export const RAW_PREFIX = 'observations';
const partName = (year: string, code: string) => `${RAW_PREFIX}-${year}-${code}`;
const partPath = (year: string, code: string) => `${RAW_PREFIX}/${year}/${code}.csv`;

interface Part extends AreaYear {
  code: string;
  name: string;
}

export interface RawDataResult {
  resources: DataResource[];
  /** Parts written by this build, and linked unchanged from the live build. */
  written: number;
  linked: number;
  ms: number;
}

/** Writes (or links from `previous`, the live build's data) every part of the raw observations into `dataDir`. */
export function writeRawData(sqlite: Database.Database, dataDir: string, meta: SiteMeta, previous: { dir: string; pkg: DataPackage } | null): RawDataResult {
  const started = performance.now();
  const registry = localityRegistry(sqlite);
  const parts: Part[] = areaYears(sqlite).map((p) => {
    const area = registry.get(p.areaId);
    return { ...p, code: area.code, name: area.name };
  });
  const kept = new Map((previous && previous.pkg.demo === meta.demo ? previous.pkg.resources : []).map((r) => [r.name, r]));
  const resources = new Map<string, DataResource>();
  const toWrite = new Map<number, Part[]>();
  for (const part of parts) {
    const old = kept.get(partName(part.year, part.code));
    const file = old && typeof old.path === 'string' ? join(previous!.dir, old.path) : null;
    if (old?.last_batch_id !== undefined && old.last_batch_id >= part.changedIn && sameColumns(old) && file && existsSync(file)) {
      // Its compressed siblings and its metadata too: nothing is written again.
      linkCsv(file, join(dataDir, old.path as string));
      resources.set(old.name, old);
    } else toWrite.set(part.areaId, [...(toWrite.get(part.areaId) ?? []), part]);
  }
  for (const [areaId, list] of toWrite) {
    for (const r of writeArea(sqlite, registry, dataDir, meta, registry.get(areaId), list)) resources.set(r.name, r);
  }
  const written = [...toWrite.values()].reduce((n, list) => n + list.length, 0);
  return {
    resources: parts.map((p) => resources.get(partName(p.year, p.code))!),
    written,
    linked: parts.length - written,
    ms: Math.round(performance.now() - started),
  };
}

/** Whether a live part has today's columns: a part written before a column was added is written again. */
function sameColumns(resource: DataResource): boolean {
  return resource.schema?.fields.map((f) => f.name).join() === RAW_FIELDS.map((f) => f.name).join();
}

/** One pass over an area's rows in the years to write, each row into its year's file. */
function writeArea(sqlite: Database.Database, registry: LocalityRegistry, dataDir: string, meta: SiteMeta, area: Locality, parts: Part[]): DataResource[] {
  const members = area.level === 'country' ? [area.id] : registry.memberIds(area);
  const sinks = new Map(parts.map((p) => [p.year, new CsvSink(dataDir, partPath(p.year, p.code), RAW_FIELDS)]));
  const years = [...sinks.keys()].sort();
  for (const row of iterateObservations(sqlite, members, `${years[0]}-01`, `${years[years.length - 1]}-12`)) sinks.get(row[0].slice(0, 4))?.write(row);
  return parts.map((p) => {
    const table = partTable(p);
    // changed_in is never below the batch of any row it sums (migration 0006 filled the old ones).
    writeSidecar(dataDir, tableMetadata(table, { ...meta, last_batch_id: p.changedIn }, { csv: table.path }));
    return { ...csvResource(table, table.path, sinks.get(p.year)!.close()), last_batch_id: p.changedIn };
  });
}

/** A part as a table: the CSV, its metadata and its datapackage entry say the same. */
function partTable(part: Part): Omit<Table, 'rows'> {
  return {
    name: partName(part.year, part.code),
    path: partPath(part.year, part.code),
    title: `Observations as reported: ${part.name} (${part.code}), ${part.year}`,
    title_vi: `Số liệu gốc như đơn vị đã gửi: ${part.name} (${part.code}), năm ${part.year}`,
    description: `Every current observation of ${part.code} in ${part.year}, as its publisher reported it: one row per service, locality and month. Locality codes are read in the month of the row (codes were reused on 2025-07-01).`,
    fields: RAW_FIELDS,
    primaryKey: ['period', 'service_code', 'locality_code'],
  };
}
