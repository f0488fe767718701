import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helper.ts';
import { DEMO, build, engine, fixtureSite, loadDataset, parseCsv } from '../jobs/site/fixture.ts';
import { type StaticServer, serveFolder } from './static-server.ts';

/**
 * The open data read by the clients journalists and analysts already use, with their default
 * settings, over real HTTP: Python's csv module, pandas, R and LibreOffice, each as a child
 * process; and the Frictionless rules for datapackage.json. Each client recomputes the national
 * series (and one province's) from the raw observations and must find the published figures.
 */

// Debian's pandas belongs to Debian's python3; the `python3` first on the PATH may lack it.
const PYTHON = '/usr/bin/python3';
const RSCRIPT = onPath('Rscript');
const SOFFICE = onPath('soffice');
const HAS_PYTHON = existsSync(PYTHON);
const HAS_PANDAS = HAS_PYTHON && spawnSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0;

function onPath(name: string): string | null {
  for (const dir of ['/usr/bin', ...(process.env.PATH ?? '').split(delimiter)]) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** The province the per-area check reads: Hồ Chí Minh City, into which 74 (Bình Dương) was merged. */
const AREA = '79';
const RATIO = 'ratio (0–1)';

interface Field {
  name: string;
  type: string;
  unit?: string;
}
interface Resource {
  name: string;
  path: string | string[];
  format: string;
  bytes?: number;
  hash?: string;
  schema?: { fields: Field[] };
}
interface Package {
  $schema: string;
  demo: boolean;
  resources: Resource[];
}
/** One month of a series as a client reports it. */
interface Month {
  period: string;
  online_count: number;
  total_count: number;
  rate: number | null;
}

const run = promisify(execFile);
/** A client's run: its stdout, or an error with its stderr once it exits non-zero or outlives `timeout`. */
async function client(file: string, args: string[], timeout = 90_000): Promise<string> {
  const { stdout } = await run(file, args, { timeout, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } });
  return stdout;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

let fx: ReturnType<typeof fixtureSite>;
let server: StaticServer;
let pkg: Package;
/** http://127.0.0.1:PORT/data/ */
let data: string;
const dirs: Array<{ remove: () => void }> = [];

async function text(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  return res.text();
}

/** A published CSV as a TypeScript reader parses it: the header, and rows as objects. */
async function published(path: string): Promise<{ header: string[]; rows: Array<Record<string, string>> }> {
  const { header, rows } = parseCsv(await text(data + path));
  return { header, rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!]))) };
}

const csvResources = () => pkg.resources.filter((r): r is Resource & { path: string } => r.format === 'csv' && typeof r.path === 'string');
const fieldNames = (r: Resource) => r.schema!.fields.map((f) => f.name);
const parts = () => pkg.resources.filter((r) => r.name.startsWith('observations-'));
const areaParts = () => parts().filter((r) => r.name.endsWith(`-${AREA}`));

/** The published series as the clients must find it: national, and AREA's rows of the province table. */
async function publishedSeries(): Promise<{ national: Month[]; area: Month[] }> {
  const toMonth = (r: Record<string, string>): Month => ({
    period: r.period!,
    online_count: Number(r.online_count),
    total_count: Number(r.total_count),
    rate: r.rate === '' ? null : Number(r.rate),
  });
  const national = (await published('adoption-national-monthly.csv')).rows.map(toMonth);
  const area = (await published('adoption-province-monthly.csv')).rows.filter((r) => r.locality_code === AREA).map(toMonth);
  return { national, area };
}

beforeAll(async () => {
  // A demo build, as the issue asks: the demo writer's rows, labelled as such.
  fx = fixtureSite((db) => void loadDataset(db.sqlite, DEMO));
  await build(fx.db.sqlite, fx.site);
  server = await serveFolder(fx.site);
  data = `${server.base}data/`;
  pkg = JSON.parse(await text(`${data}datapackage.json`)) as Package;
}, 240_000);

afterAll(async () => {
  await server?.close();
  fx?.close();
  for (const dir of dirs) dir.remove();
});

describe('the published series, before any client reads it', () => {
  it("is the engine's, and the raw observations of the build are split into parts named observations-YYYY-AREA", async () => {
    const { national, area } = await publishedSeries();
    const reference = (locality: string): Month[] =>
      engine(fx.db.sqlite, locality, 'month')
        .filter((b) => b.total_count > 0)
        .map((b) => ({ period: b.period, online_count: b.online_count, total_count: b.total_count, rate: b.rate }));
    expect(pkg.demo).toBe(true);
    expect(national.length).toBe(82); // 2020-01 … 2026-10
    expect(national).toEqual(reference('VN'));
    expect(area.length).toBe(82);
    expect(area).toEqual(reference(AREA));
    expect(parts().length).toBeGreaterThan(1);
    for (const part of parts()) expect(part.name).toMatch(/^observations-\d{4}-\w+$/);
    expect(areaParts().length).toBe(7); // 2020 … 2026
  });
});

describe("Python's csv module", () => {
  const script = `
import csv, io, json, sys, urllib.request
out = {}
for url in sys.argv[1:]:
    with urllib.request.urlopen(url) as res:
        reader = csv.DictReader(io.TextIOWrapper(res, encoding='utf-8', newline=''))
        rows = list(reader)
    out[url] = {
        'fieldnames': reader.fieldnames,
        'keys': sorted({tuple(r.keys()) for r in rows}),
        'rows': len(rows),
        'short': sum(1 for r in rows if None in r.values()),
        'first': rows[0] if rows else None,
    }
print(json.dumps(out))
`;

  it.skipIf(!HAS_PYTHON)('csv.DictReader with default arguments: the keys are the schema fields of every CSV, and every row is read', async () => {
    const resources = csvResources();
    expect(resources.map((r) => r.name)).toContain('adoption-national-monthly');
    const out = JSON.parse(await client(PYTHON, ['-c', script, ...resources.map((r) => data + r.path)])) as Record<
      string,
      { fieldnames: string[]; keys: string[][]; rows: number; short: number; first: Record<string, string> | null }
    >;
    for (const r of resources) {
      const got = out[data + r.path]!;
      const csv = await published(r.path);
      // The header is the schema; one set of keys for every row, no extra (None) key and no missing value.
      expect(got.fieldnames, r.name).toEqual(fieldNames(r));
      expect(got.keys, r.name).toEqual(csv.rows.length > 0 ? [fieldNames(r)] : []);
      expect(got.short, r.name).toBe(0);
      expect(got.rows, r.name).toBe(csv.rows.length);
      expect(got.first, r.name).toEqual(csv.rows[0] ?? null);
    }
    const national = out[`${data}adoption-national-monthly.csv`]!;
    expect(national.rows).toBe(82);
    expect(national.first).toMatchObject({ period: '2020-01' });
  }, 120_000);
});

describe('pandas', () => {
  const script = `
import json, math, sys
from urllib.request import urlopen
import pandas as pd

data, area = sys.argv[1], sys.argv[2]
pkg = json.load(urlopen(data + 'datapackage.json'))
tables = [r for r in pkg['resources'] if r['format'] == 'csv' and isinstance(r['path'], str)]
columns = {r['name']: list(pd.read_csv(data + r['path']).columns) for r in tables}

def number(x):
    return None if pd.isna(x) else float(x)

def months(frame):
    return [{'period': r.period, 'online_count': int(r.online_count), 'total_count': int(r.total_count), 'rate': number(r.rate)}
            for r in frame.itertuples()]

def recomputed(resources):
    raw = pd.concat([pd.read_csv(data + r['path']) for r in resources])
    sums = raw.groupby('period')[['online_count', 'total_count']].sum().sort_index()
    return [{'period': p, 'online_count': int(o), 'total_count': int(t), 'rate': round(int(o) / int(t), 4) if t else None}
            for p, o, t in sums.itertuples()]

observations = [r for r in pkg['resources'] if r['name'].startswith('observations-')]
# A code keeps its leading zero ('01') only when read as text.
provinces = pd.read_csv(data + 'adoption-province-monthly.csv', dtype={'locality_code': str})
print(json.dumps({
    'columns': columns,
    'published': {
        'national': months(pd.read_csv(data + 'adoption-national-monthly.csv')),
        'area': months(provinces[provinces.locality_code == area]),
    },
    'recomputed': {
        'national': recomputed(observations),
        'area': recomputed([r for r in observations if r['name'].rsplit('-', 1)[1] == area]),
    },
}))
`;

  it.skipIf(!HAS_PANDAS)('read_csv(url) with default arguments: the columns are the schema; the series recomputed from the raw parts equal the published ones', async () => {
    const out = JSON.parse(await client(PYTHON, ['-c', script, data, AREA])) as {
      columns: Record<string, string[]>;
      published: { national: Month[]; area: Month[] };
      recomputed: { national: Month[]; area: Month[] };
    };
    const resources = csvResources();
    expect(Object.keys(out.columns).sort()).toEqual(resources.map((r) => r.name).sort());
    for (const r of resources) expect(out.columns[r.name], r.name).toEqual(fieldNames(r));

    const expected = await publishedSeries();
    // pandas reads the published files as TypeScript does…
    expect(out.published).toEqual(expected);
    // …and finds them again from the raw observations, month by month.
    for (const scope of ['national', 'area'] as const) {
      const recomputed = out.recomputed[scope];
      expect(recomputed.map((m) => m.period), scope).toEqual(expected[scope].map((m) => m.period));
      recomputed.forEach((m, i) => {
        const p = expected[scope][i]!;
        expect([m.online_count, m.total_count], `${scope} ${m.period}`).toEqual([p.online_count, p.total_count]);
        expect(m.rate, `${scope} ${m.period}`).toBe(p.rate);
      });
    }
  }, 120_000);
});

describe('R', () => {
  // Prints tab-separated lines: the names read.csv gives each table, then each series month by
  // month (published, and recomputed from the raw parts given as AREA=URL arguments).
  const script = `
args <- commandArgs(trailingOnly = TRUE)
data <- args[1]; area <- args[2]
parts <- do.call(rbind, strsplit(args[-(1:2)], "=", fixed = TRUE))
count <- function(x) sprintf("%.0f", x)
emit <- function(kind, scope, period, online, total, rate) {
  if (length(period) > 0) cat(paste(kind, scope, period, count(online), count(total), ifelse(is.na(rate), "NA", as.character(rate)), sep = "\\t"), sep = "\\n")
}
recompute <- function(urls) {
  raw <- do.call(rbind, lapply(urls, function(u) read.csv(u)[, c("period", "online_count", "total_count")]))
  raw$online_count <- as.numeric(raw$online_count); raw$total_count <- as.numeric(raw$total_count)
  sums <- aggregate(cbind(online_count, total_count) ~ period, data = raw, FUN = sum)
  sums <- sums[order(sums$period), ]
  sums$rate <- ifelse(sums$total_count > 0, round(sums$online_count / sums$total_count, 4), NA)
  sums
}
national <- read.csv(paste0(data, "adoption-national-monthly.csv"))
provinces <- read.csv(paste0(data, "adoption-province-monthly.csv"))
cat("names", "adoption-national-monthly", names(national), sep = "\\t"); cat("\\n")
cat("names", "adoption-province-monthly", names(provinces), sep = "\\t"); cat("\\n")
# read.csv reads the codes as numbers ('01' becomes 1): compare as numbers.
mine <- provinces[provinces$locality_code == as.integer(area), ]
emit("published", "national", national$period, national$online_count, national$total_count, national$rate)
emit("published", "area", mine$period, mine$online_count, mine$total_count, mine$rate)
n <- recompute(parts[, 2])
emit("recomputed", "national", n$period, n$online_count, n$total_count, n$rate)
a <- recompute(parts[parts[, 1] == area, 2])
emit("recomputed", "area", a$period, a$online_count, a$total_count, a$rate)
`;

  it.skipIf(!RSCRIPT)('read.csv with default arguments: the names are the schema; the series recomputed from the raw parts equal the published ones', async () => {
    const partArgs = parts().map((r) => `${r.name.slice(r.name.lastIndexOf('-') + 1)}=${data}${r.path as string}`);
    const lines = (await client(RSCRIPT!, ['-e', script, data, AREA, ...partArgs])).trim().split('\n').map((l) => l.split('\t'));
    for (const name of ['adoption-national-monthly', 'adoption-province-monthly']) {
      const names = lines.find((l) => l[0] === 'names' && l[1] === name)?.slice(2);
      expect(names, name).toEqual(fieldNames(pkg.resources.find((r) => r.name === name)!));
    }
    const series = (kind: string, scope: string): Month[] =>
      lines
        .filter((l) => l[0] === kind && l[1] === scope)
        .map(([, , period, online, total, rate]) => ({ period: period!, online_count: Number(online), total_count: Number(total), rate: rate === 'NA' ? null : Number(rate) }));
    const expected = await publishedSeries();
    for (const scope of ['national', 'area'] as const) {
      expect(series('published', scope), scope).toEqual(expected[scope]);
      expect(series('recomputed', scope), scope).toEqual(expected[scope]);
    }
  }, 120_000);
});

describe('LibreOffice', () => {
  // UTF-8 (76), comma, double quotes, from line 1, en-US (1033), text quoted, cell values rather
  // than as shown (no thousands separators; a percentage keeps every decimal), no formulas.
  const FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,true,true,false,false,false';

  it.skipIf(!SOFFICE)("converts every .xlsx to CSV: the header, the numbers and the Vietnamese names come back equal to the CSV's", async () => {
    const dir = tempDir('thuocdo-soffice-');
    dirs.push(dir);
    const [input, output] = [join(dir.path, 'in'), join(dir.path, 'out')];
    mkdirSync(input);
    const books = pkg.resources.filter((r) => r.format === 'xlsx');
    expect(books.length).toBeGreaterThanOrEqual(7);
    const files: string[] = [];
    for (const book of books) {
      const path = book.path as string;
      const res = await fetch(data + path);
      expect(res.status, path).toBe(200);
      files.push(join(input, basename(path)));
      writeFileSync(files.at(-1)!, Buffer.from(await res.arrayBuffer()));
    }
    // One invocation for every file, with a profile of its own so that parallel runs never meet.
    await client(SOFFICE!, [`-env:UserInstallation=file://${join(dir.path, 'profile')}`, '--headless', '--convert-to', FILTER, '--outdir', output, ...files], 100_000);
    const converted = (book: Resource) => basename(book.path as string).replace(/\.xlsx$/, '.csv');
    expect(readdirSync(output).sort()).toEqual(books.map(converted).sort());

    const names = new Set<string>();
    for (const book of books) {
      const csvPath = (book.path as string).replace(/\.xlsx$/, '.csv');
      const table = pkg.resources.find((r) => r.format === 'csv' && r.path === csvPath)!;
      const fields = table.schema!.fields;
      const csv = parseCsv(await text(data + csvPath));
      const sheet = parseCsv(readFileSync(join(output, converted(book)), 'utf8'));
      expect(sheet.header, csvPath).toEqual(csv.header);
      expect(sheet.rows.length, csvPath).toBe(csv.rows.length);
      sheet.rows.forEach((row, i) => {
        fields.forEach((field, j) => {
          const [got, want] = [row[j] ?? '', csv.rows[i]![j]!];
          const where = `${csvPath} row ${i + 2} ${field.name}: ${JSON.stringify(got)} for ${JSON.stringify(want)}`;
          if (want === '') expect(got, where).toBe('');
          else if (field.type === 'integer' || field.type === 'number') {
            if (got.endsWith('%')) {
              expect(field.unit, where).toBe(RATIO);
              expect(round4(Number(got.slice(0, -1)) / 100), where).toBe(Number(want));
            } else expect(Number(got), where).toBe(Number(want));
          } else if (field.type === 'boolean') expect(got.toLowerCase(), where).toBe(want);
          else {
            // Text as text, byte for byte (NFC); the CSV's apostrophe before a formula-like name is the CSV's own guard.
            expect(got, where).toBe(want.replace(/^'(?=[=+\-@\t\r])/, ''));
            expect(got, where).toBe(got.normalize('NFC'));
            if (/name/.test(field.name)) names.add(got);
          }
        });
      });
    }
    // The Vietnamese names were among them: services, provinces.
    for (const name of ['Đăng ký khai sinh', 'Đăng ký kết hôn', 'Thành phố Hồ Chí Minh', 'Thành phố Hà Nội']) expect(names).toContain(name);
  }, 150_000);
});

describe('Frictionless', () => {
  const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../vendor/frictionless/datapackage-2.0.json', import.meta.url)), 'utf8')) as Record<string, unknown>;
  // Strict about the schema itself (an unknown keyword or format is an error), except for the
  // published profile's own annotations: its editor's hints, and two misspelt annotations of
  // upstream's ("item" for "items" under fieldsMatch, "notes") that no validator reads.
  const validator = () => {
    const ajv = new Ajv({ allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false });
    formats.default(ajv);
    ajv.addVocabulary(['propertyOrder', 'context', 'options', 'item', 'notes']);
    ajv.addFormat('textarea', true);
    return ajv.compile(schema);
  };

  it('datapackage.json passes the published Data Package v2 JSON Schema with no error, and so do the snapshots', async () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const validate = validator();
    expect(pkg.$schema).toBe('https://datapackage.org/profiles/2.0/datapackage.json');
    validate(pkg);
    expect(validate.errors ?? []).toEqual([]);
    // The check can fail: a hash that is not hex and a field type the standard lacks.
    const broken = structuredClone(pkg);
    broken.resources[0]!.hash = 'sha256:not-hex';
    broken.resources[0]!.schema!.fields[0]!.type = 'month';
    expect(validate(broken)).toBe(false);

    const { snapshots } = JSON.parse(await text(`${data}archive/index.json`)) as { snapshots: Array<{ path: string }> };
    expect(snapshots.length).toBeGreaterThan(0);
    for (const { path } of snapshots) {
      const snapshot = JSON.parse(await text(`${data}${path}datapackage.json`)) as Package;
      validate(snapshot);
      expect(validate.errors ?? [], path).toEqual([]);
    }
  });

  it("names are unique, every path is served, and every CSV (the snapshots' too) has the bytes and sha256 hash it is listed with", async () => {
    const names = pkg.resources.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const r of pkg.resources) {
      for (const path of typeof r.path === 'string' ? [r.path] : r.path) {
        const res = await fetch(data + path, { method: 'HEAD' });
        expect(res.status, path).toBe(200);
      }
    }
    const tables = csvResources();
    expect(tables.length).toBeGreaterThan(parts().length);
    await expectBytesAndHashes(data, tables);
    // A snapshot's files are those its own datapackage.json describes.
    const { snapshots } = JSON.parse(await text(`${data}archive/index.json`)) as { snapshots: Array<{ path: string }> };
    for (const { path } of snapshots) {
      const snapshot = JSON.parse(await text(`${data}${path}datapackage.json`)) as Package;
      const files = snapshot.resources.filter((r): r is Resource & { path: string } => r.format === 'csv' && typeof r.path === 'string');
      expect(files.map((r) => r.name), path).toContain('adoption-national-monthly');
      await expectBytesAndHashes(data + path, files);
    }
  });

  async function expectBytesAndHashes(base: string, tables: Array<Resource & { path: string }>): Promise<void> {
    for (const r of tables) {
      const res = await fetch(base + r.path);
      expect(res.status, base + r.path).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      expect(r.bytes, base + r.path).toBe(body.length);
      expect(r.hash, base + r.path).toBe(`sha256:${createHash('sha256').update(body).digest('hex')}`);
    }
  }
});
