import { readFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { isDiskFull } from '../../db/disk-full.ts';
import { importCatalogue } from '../../db/catalogue.ts';
import { type Format, type IngestOutcome, type Writer, UNRESTRICTED, ingestUpload } from '../../db/ingest/ingest.ts';
import { openDb } from '../../db/open.ts';
import { publisherExists, publisherScope } from '../../db/publishers.ts';
import { configFromEnv } from '../config.ts';
import { DISK_FULL } from '../plugins/errors.ts';
import { cliArgs, fail } from './args.ts';
import { progressBar } from './progress.ts';

const USAGE = `Usage:
  npm run ingest -- FILE [--publisher ID] [--dry-run]   observations (.csv, .json or .xlsx), same rules as the API
  npm run ingest -- FILE --services                     a service catalogue (code,name_vi,name_en,agency,online_level,online_since)

With --publisher, the publisher's scope applies and the batch is recorded under it.
With --dry-run, every rule is checked and nothing is stored (Kiểm tra tệp, không lưu gì).
Errors are printed in Vietnamese, then in English.`;

const { positionals, values } = cliArgs(USAGE, {
  publisher: { type: 'string' },
  services: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
});
const file = positionals[0];
if (!file) fail(USAGE, 2);

let body: Buffer;
try {
  body = readFileSync(file);
} catch (err) {
  fail(`cannot read ${file}: ${(err as Error).message}`);
}
const extension = extname(file).toLowerCase();
const format: Format = extension === '.json' ? 'json' : extension === '.xlsx' ? 'xlsx' : 'csv';
const dbPath = configFromEnv().dbPath;
const db = openDb(dbPath);

if (values.services) {
  if (format === 'xlsx') fail('the service catalogue is read from .csv or .json');
  const outcome = importCatalogue(db.sqlite, body, format === 'json' ? 'json' : 'csv');
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
let outcome: IngestOutcome;
try {
  outcome = await ingestUpload(db.sqlite, body, format, writer, { dryRun: values['dry-run'] ?? false, onProgress: (phase, done, total) => bar.update(phase, done, total) });
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
} else if (outcome.status === 200) {
  const b = outcome.body;
  console.log(`Kiểm tra xong, không lưu gì: ${b.rows} dòng (${b.inserted} dòng mới, ${b.revised} dòng sửa đổi, ${b.unchanged} dòng không đổi).`);
  console.log(`dry run, nothing stored: ${b.rows} rows (${b.inserted} new, ${b.revised} revised, ${b.unchanged} unchanged)`);
} else {
  // Vietnamese first, then English: the clerk's language, then the one the code is written in.
  const body = outcome.body;
  console.error(`Chưa lưu gì (${outcome.status}): ${body.message_vi}`);
  console.error(`Nothing was stored (${outcome.status}): ${body.message_en}`);
  if ('errors' in body) {
    for (const e of body.errors.slice(0, 50)) {
      console.error(`  ${e.message_vi ?? e.message}`);
      console.error(`  ${e.message_en ?? e.message}`);
    }
    if (body.error_count > 50) console.error(`  … và ${body.error_count - 50} lỗi khác / and ${body.error_count - 50} more`);
  }
  process.exit(1);
}
