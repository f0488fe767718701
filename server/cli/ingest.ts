import { readFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { isDiskFull } from '../../db/disk-full.ts';
import { importCatalogue } from '../../db/catalogue.ts';
import { type Writer, UNRESTRICTED, ingestBody } from '../../db/ingest/ingest.ts';
import { openDb } from '../../db/open.ts';
import { publisherExists, publisherScope } from '../../db/publishers.ts';
import { configFromEnv } from '../config.ts';
import { DISK_FULL } from '../plugins/errors.ts';
import { cliArgs, fail } from './args.ts';
import { progressBar } from './progress.ts';

const USAGE = `Usage:
  npm run ingest -- FILE [--publisher ID]    observations (.csv or .json), same rules as the API
  npm run ingest -- FILE --services          a service catalogue (code,name_vi,name_en,agency,online_level,online_since)

With --publisher, the publisher's scope applies and the batch is recorded under it.`;

const { positionals, values } = cliArgs(USAGE, {
  publisher: { type: 'string' },
  services: { type: 'boolean' },
});
const file = positionals[0];
if (!file) fail(USAGE, 2);

let body: Buffer;
try {
  body = readFileSync(file);
} catch (err) {
  fail(`cannot read ${file}: ${(err as Error).message}`);
}
const format = extname(file).toLowerCase() === '.json' ? 'json' : 'csv';
const dbPath = configFromEnv().dbPath;
const db = openDb(dbPath);

if (values.services) {
  const outcome = importCatalogue(db.sqlite, body, format);
  console.log(JSON.stringify(outcome.body, null, 2));
  process.exit(outcome.status === 200 ? 0 : 1);
}

let writer: Writer = { source: 'cli', publisherId: null, scope: UNRESTRICTED };
if (values.publisher !== undefined) {
  const id = Number(values.publisher);
  if (!Number.isInteger(id) || !publisherExists(db.sqlite, id)) fail(`no active publisher with id ${values.publisher}`);
  writer = { source: 'cli', publisherId: id, scope: publisherScope(db.sqlite, id) };
}

const bar = progressBar();
const started = Date.now();
let outcome: ReturnType<typeof ingestBody>;
try {
  outcome = ingestBody(db.sqlite, body, format, writer, { onProgress: (phase, done, total) => bar.update(phase, done, total) });
} catch (err) {
  bar.stop();
  // As over HTTP (507): the transaction was rolled back whole, and the same file can go again.
  if (isDiskFull(err, dirname(dbPath))) fail(`${DISK_FULL.vi}\n${DISK_FULL.en}`);
  throw err;
}
bar.stop();
db.sqlite.close();

if (outcome.status === 201) {
  const b = outcome.body;
  const seconds = (Date.now() - started) / 1000;
  console.log(`batch ${b.batch_id} stored: ${b.rows} rows (${b.inserted} new, ${b.revised} revised, ${b.unchanged} unchanged) in ${seconds.toFixed(1)} s`);
} else {
  console.error(`nothing was stored (${outcome.status}): ${outcome.body.message}`);
  if ('errors' in outcome.body) {
    for (const e of outcome.body.errors.slice(0, 50)) console.error(`  row ${e.row}${e.column ? `, ${e.column}` : ''}: ${e.message}`);
    const count = 'error_count' in outcome.body ? outcome.body.error_count : outcome.body.errors.length;
    if (count > 50) console.error(`  … and ${count - 50} more`);
  }
  process.exit(1);
}
