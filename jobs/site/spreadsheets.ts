import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { DataResource, SiteMeta, TableMetadata } from '../../web/model.ts';
import { UNITS } from './fields.ts';
import { inFolder, linkWithSiblings, safeJoin, writeFile } from './sink.ts';
import { type Table, XLSX_TYPE, tableMetadata } from './table-files.ts';

/**
 * The main tables as spreadsheets, for readers who open them in Excel or LibreOffice: typed cells
 * (numbers as numbers, rates as percentages, months as text YYYY-MM), a frozen header, and a
 * second sheet with the metadata. Written with exceljs's streaming writer, so no table is held
 * whole as a workbook.
 */
export async function writeSpreadsheet(path: string, table: Table, metadata: TableMetadata): Promise<void> {
  const workbook = inFolder(path, () => new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false }));
  workbook.creator = 'Thước đo';
  workbook.title = metadata.title_vi;
  workbook.subject = metadata.title;
  workbook.created = new Date(metadata.built_at);
  workbook.modified = new Date(metadata.built_at);
  const data = workbook.addWorksheet('data', { views: [{ state: 'frozen', ySplit: 1 }] });
  data.columns = table.fields.map((field) => ({
    header: field.name,
    key: field.name,
    width: Math.max(12, field.name.length + 2),
    style: field.unit === UNITS.ratio ? { numFmt: '0.00%' } : field.type === 'integer' ? { numFmt: '#,##0' } : {},
  }));
  data.getRow(1).font = { bold: true };
  data.getRow(1).commit();
  for (const row of table.rows()) data.addRow(row.map((cell) => cell ?? null)).commit();
  data.commit();
  const about = workbook.addWorksheet('metadata');
  about.columns = [{ width: 22 }, { width: 100 }, { width: 16 }, { width: 60 }];
  for (const line of metadataRows(metadata)) about.addRow(line).commit();
  about.commit();
  await workbook.commit();
}

/** The metadata sheet: the sidecar's facts, then one row per field. */
function metadataRows(m: TableMetadata): Array<Array<string | number>> {
  return [
    ['title', m.title_vi],
    ['title (en)', m.title],
    ['description', m.description],
    ['source', m.source],
    ['licence', `${m.licence.name}: ${m.licence.title} (${m.licence.path})`],
    ['citation', m.citation.vi],
    ['citation (en)', m.citation.en],
    ['built_at', m.built_at],
    ['data_as_of', m.data_as_of ?? ''],
    ['last_batch_id', m.last_batch_id],
    ...(m.demo_label ? [['demo', m.demo_label]] : []),
    [],
    ['field', 'description', 'type', 'unit'],
    ...m.fields.map((f) => [f.name, f.description, f.type, f.unit ?? '']),
  ];
}

/** Which CSV each spreadsheet was made from (its sha256): a build links a spreadsheet whose CSV is unchanged. */
export const SPREADSHEET_MANIFEST = 'spreadsheets.json';

function readSheetManifest(dataDir: string): Record<string, string> {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, SPREADSHEET_MANIFEST), 'utf8')) as { spreadsheets?: Record<string, string> };
    return parsed.spreadsheets ?? {};
  } catch {
    return {};
  }
}

export interface SpreadsheetPlan {
  /** Their datapackage entries: the same whether a file was written or linked. */
  resources: DataResource[];
  /** Tables whose spreadsheet a quick build linked from the live build while its CSV changed (with the CSV's hash now), to write after publishing. */
  stale: Array<{ table: Table; hash: string }>;
  /** Spreadsheet path (under /data/) → the CSV hash it holds. */
  manifest: Record<string, string>;
  /** What it cost the build: spreadsheets written and linked, and the time spent. */
  written: number;
  linked: number;
  ms: number;
}

const resourceOf = (table: Table): DataResource => ({
  name: `${table.name}-xlsx`,
  path: `${table.path}.xlsx`,
  title: `${table.title} (spreadsheet)`,
  description: `${table.description} The same rows as the CSV, with typed cells (rates as percentages, months as text YYYY-MM), a frozen header, and a second sheet with the metadata (the build and batch it was written at).`,
  format: 'xlsx',
  mediatype: XLSX_TYPE,
});

const sheetPath = (dataDir: string, table: Table) => safeJoin(dataDir, ...`${table.path}.xlsx`.split('/'));

/**
 * Every spreadsheet of a build. One whose CSV is unchanged since the live build is hard-linked
 * from it. A changed one is written, except in a quick build: writing the large tables takes
 * seconds, so a quick build links the live one (its metadata sheet says the batch it holds) and
 * names it in `stale`, for writeStaleSpreadsheets once the build is live.
 */
export async function writeSpreadsheets(dataDir: string, tables: Table[], csvResources: DataResource[], meta: SiteMeta, previousDir: string | null, quick: boolean): Promise<SpreadsheetPlan> {
  const hashes = new Map(csvResources.map((r) => [r.name, r.hash ?? '']));
  const before = previousDir ? readSheetManifest(previousDir) : {};
  const started = performance.now();
  const plan: SpreadsheetPlan = { resources: [], stale: [], manifest: {}, written: 0, linked: 0, ms: 0 };
  for (const table of tables) {
    const path = `${table.path}.xlsx`;
    const hash = hashes.get(table.name) ?? '';
    const old = previousDir ? join(previousDir, path) : null;
    const linkable = old !== null && before[path] !== undefined && existsSync(old);
    plan.resources.push(resourceOf(table));
    if (linkable && (before[path] === hash || quick)) {
      linkWithSiblings(old, sheetPath(dataDir, table));
      plan.manifest[path] = before[path]!;
      if (before[path] !== hash) plan.stale.push({ table, hash });
      plan.linked++;
      continue;
    }
    await writeOne(dataDir, table, meta);
    plan.manifest[path] = hash;
    plan.written++;
  }
  writeSheetManifest(dataDir, plan.manifest);
  plan.ms = Math.round(performance.now() - started);
  return plan;
}

/** Writes the spreadsheets a quick build left stale, and the manifest, into `dataDir` (a build about to go live); false if `interrupted` first. */
export async function writeStaleSpreadsheets(dataDir: string, plan: Pick<SpreadsheetPlan, 'stale' | 'manifest'>, meta: SiteMeta, interrupted: () => boolean): Promise<boolean> {
  const manifest = { ...plan.manifest };
  for (const { table, hash } of plan.stale) {
    if (interrupted()) return false;
    await writeOne(dataDir, table, meta);
    manifest[`${table.path}.xlsx`] = hash;
  }
  writeSheetManifest(dataDir, manifest);
  return true;
}

/** The files writeStaleSpreadsheets writes, relative to the build: a build linked from the live one must skip them. */
export const staleSpreadsheetFiles = (plan: Pick<SpreadsheetPlan, 'stale'>) => [`data/${SPREADSHEET_MANIFEST}`, ...plan.stale.map(({ table }) => `data/${table.path}.xlsx`)];

function writeOne(dataDir: string, table: Table, meta: SiteMeta): Promise<void> {
  return writeSpreadsheet(sheetPath(dataDir, table), table, tableMetadata(table, meta, { csv: `${table.path}.csv`, json: `${table.path}.json`, xlsx: `${table.path}.xlsx` }));
}

function writeSheetManifest(dataDir: string, manifest: Record<string, string>): void {
  writeFile(join(dataDir, SPREADSHEET_MANIFEST), JSON.stringify({ spreadsheets: manifest }, null, 2) + '\n', { compressed: false });
}
