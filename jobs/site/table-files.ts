import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { citation, fileUrl } from '../../web/citation.ts';
import { sidecarPath } from '../../web/data-names.ts';
import type { DataResource, SiteMeta, TableMetadata } from '../../web/model.ts';
import { csvLine } from './csv.ts';
import { DEMO_LABEL, type Field, LICENCE, SOURCE } from './fields.ts';
import { FileSink, linkWithSiblings, safeJoin, writeFile } from './sink.ts';

export type Cell = string | number | boolean | null;

/** One published table: a CSV whose first line is its header, its JSON twin, its metadata, and a spreadsheet for the main tables. */
export interface Table {
  name: string;
  /** Path under /data/, without the extension. */
  path: string;
  title: string;
  title_vi: string;
  description: string;
  fields: Field[];
  primaryKey?: string[];
  rows: () => Iterable<Cell[]>;
  /** Also published as NAME.xlsx (spreadsheets.ts): every table but the raw observations and the per-chart files. */
  spreadsheet?: boolean;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What NAME.metadata.json says of a table, as of the build (or, for a raw part, the batch) that wrote it. */
export function tableMetadata(table: Omit<Table, 'rows'>, meta: SiteMeta, files: TableMetadata['files']): TableMetadata {
  const url = fileUrl(meta.site_url, `/data/${files.csv}`);
  return {
    name: table.name,
    title: table.title,
    title_vi: table.title_vi,
    description: table.description,
    files,
    source: SOURCE,
    licence: LICENCE,
    citation: { vi: citation(table.title_vi, 'vi', meta.built_at, url), en: citation(table.title, 'en', meta.built_at, url) },
    built_at: meta.built_at,
    data_as_of: meta.data_as_of,
    last_batch_id: meta.last_batch_id,
    demo: meta.demo,
    demo_label: meta.demo ? DEMO_LABEL : null,
    fields: table.fields,
    ...(table.primaryKey ? { primaryKey: table.primaryKey } : {}),
  };
}

/** Without .br/.gz siblings: a few KB each, one per chart file (thousands a build), and the server compresses what has none. */
export function writeSidecar(dataDir: string, metadata: TableMetadata): void {
  writeFile(safeJoin(dataDir, ...sidecarPath(metadata.files.csv).split('/')), JSON.stringify(metadata, null, 2) + '\n', { compressed: false });
}

/** A CSV written line by line, its first line the header, hashed as it goes (the datapackage's `hash`). */
export class CsvSink {
  private readonly file: FileSink;
  private readonly hash = createHash('sha256');

  constructor(dataDir: string, path: string, fields: Field[]) {
    this.file = new FileSink(safeJoin(dataDir, ...path.split('/')));
    this.write(fields.map((x) => x.name));
  }

  write(row: ReadonlyArray<Cell>): void {
    const line = csvLine(row);
    this.hash.update(line);
    this.file.write(line);
  }

  /** Closes the file; its bytes and sha256. */
  close(): { bytes: number; hash: string } {
    return { bytes: this.file.close(), hash: `sha256:${this.hash.digest('hex')}` };
  }
}

/** The CSV's datapackage entry. */
export function csvResource(table: Omit<Table, 'rows'>, path: string, written: { bytes: number; hash: string }): DataResource {
  return {
    name: table.name,
    path,
    title: table.title,
    title_vi: table.title_vi,
    description: table.description,
    format: 'csv',
    mediatype: 'text/csv',
    encoding: 'utf-8',
    bytes: written.bytes,
    hash: written.hash,
    dialect: { header: true },
    schema: { fields: table.fields, ...(table.primaryKey ? { primaryKey: table.primaryKey } : {}) },
  };
}

/** Writes a table's CSV, its JSON twin and its metadata; returns their datapackage entries (the spreadsheet's comes later). */
export function writeTable(dataDir: string, table: Table, meta: SiteMeta): DataResource[] {
  const files = { csv: `${table.path}.csv`, json: `${table.path}.json`, ...(table.spreadsheet ? { xlsx: `${table.path}.xlsx` } : {}) };
  const csv = new CsvSink(dataDir, files.csv, table.fields);
  const json = new FileSink(safeJoin(dataDir, ...files.json.split('/')));
  json.write(
    `{"title":${JSON.stringify(table.title)},"source":${JSON.stringify(SOURCE)},"licence":"CC-BY-4.0","built_at":"${meta.built_at}","data_as_of":${JSON.stringify(meta.data_as_of)},"last_batch_id":${meta.last_batch_id},"demo":${meta.demo},"fields":${JSON.stringify(table.fields.map((x) => x.name))},"rows":[`,
  );
  let first = true;
  for (const row of table.rows()) {
    csv.write(row);
    json.write((first ? '' : ',') + JSON.stringify(row));
    first = false;
  }
  json.write(']}\n');
  writeSidecar(dataDir, tableMetadata(table, meta, files));
  return [
    csvResource(table, files.csv, csv.close()),
    {
      name: `${table.name}-json`,
      path: files.json,
      title: `${table.title} (JSON)`,
      description: `${table.description} The same rows as the CSV: "fields" names the columns, "rows" holds one array per row.`,
      format: 'json',
      mediatype: 'application/json',
      encoding: 'utf-8',
      bytes: json.close(),
    },
  ];
}

/** Hard-links a CSV of another build with its compressed siblings and its metadata: nothing is written again. */
export function linkCsv(from: string, to: string): void {
  linkWithSiblings(from, to);
  if (existsSync(sidecarPath(from))) linkWithSiblings(sidecarPath(from), sidecarPath(to));
}
