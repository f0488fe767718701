import { nationalCaller } from '../../db/admins.ts';
import { openDb } from '../../db/open.ts';
import { configFromEnv } from '../config.ts';
import { cliArgs } from './args.ts';

/** A comma-separated list of codes: "01, 79" → ["01", "79"]. */
export const codeList = (list: string | undefined) => (list ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/**
 * What `npm run admin` and `npm run publisher` share: the options of an account (name, scope,
 * expiry), the database, and who the console is in the audit (the national admin, named CLI).
 */
export function accountCli(usage: string, command: string) {
  const { positionals, values } = cliArgs(usage, {
    name: { type: 'string' },
    localities: { type: 'string' },
    services: { type: 'string' },
    'expires-at': { type: 'string' },
  });
  const db = openDb(configFromEnv().dbPath);
  return { positionals, values, db, consoleActor: { ...nationalCaller(db), name: 'CLI' }, origin: { remoteAddr: null, userAgent: command } };
}
