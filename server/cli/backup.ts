import { backupDatabase, restoreDatabase } from '../../db/backup.ts';
import { openDb } from '../../db/open.ts';
import { configFromEnv } from '../config.ts';
import { cliArgs, fail } from './args.ts';

const USAGE = `Usage:
  npm run backup -- FILE     a consistent copy of DB_PATH while the server keeps running
  npm run restore -- FILE    puts FILE back as DB_PATH (stop the server first)`;

const { positionals } = cliArgs(USAGE, {});
const [command, file] = positionals;
if (!file || (command !== 'backup' && command !== 'restore')) fail(USAGE, 2);
const { dbPath } = configFromEnv();

try {
  if (command === 'backup') {
    const db = openDb(dbPath);
    const { pages } = await backupDatabase(db.sqlite, file);
    db.sqlite.close();
    console.log(`backed up ${dbPath} to ${file} (${pages} pages, integrity ok)`);
  } else {
    const { pages } = await restoreDatabase(file, dbPath);
    console.log(`restored ${file} to ${dbPath} (${pages} pages)`);
  }
} catch (err) {
  fail(`${command} failed, nothing was changed: ${(err as Error).message}`);
}
