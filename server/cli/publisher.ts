import { openDb } from '../../db/open.ts';
import { createPublisher, revokePublisher } from '../../db/publishers.ts';
import { configFromEnv } from '../config.ts';
import { cliArgs, fail } from './args.ts';

const USAGE = `Usage:
  npm run publisher -- create --name NAME --localities 01,79 [--services CODE,CODE]
  npm run publisher -- revoke ID

The token is printed once; only its hash is stored. Locality codes are today's units
(a province covers its communes and the old provinces merged into it).`;

const split = (list: string | undefined) => (list ?? '').split(',').map((s) => s.trim()).filter(Boolean);

const { positionals, values } = cliArgs(USAGE, {
  name: { type: 'string' },
  localities: { type: 'string' },
  services: { type: 'string' },
});
const db = openDb(configFromEnv().dbPath);

switch (positionals[0]) {
  case 'create': {
    if (!values.name || !values.localities) fail(`create needs --name and --localities\n\n${USAGE}`, 2);
    const result = createPublisher(db.sqlite, {
      name: values.name as string,
      localities: split(values.localities as string),
      services: values.services ? split(values.services as string) : undefined,
    });
    if (!result.ok) fail(result.message);
    console.log(`publisher ${result.id} created. Its token, shown only this once:\n\n  ${result.token}\n`);
    break;
  }
  case 'revoke': {
    const id = Number(positionals[1]);
    if (!Number.isInteger(id) || id < 1) fail(`revoke needs a publisher id\n\n${USAGE}`, 2);
    if (!revokePublisher(db.sqlite, id)) fail(`no publisher ${id}`);
    console.log(`publisher ${id} revoked: its token no longer works`);
    break;
  }
  default:
    fail(USAGE, 2);
}
db.sqlite.close();
