import { recordAudit } from '../../db/audit.ts';
import { createPublisher, getPublisher, revokePublisher } from '../../db/publishers.ts';
import { readExpiry } from '../../db/tokens.ts';
import { fail } from './args.ts';
import { accountCli, codeList } from './account-cli.ts';

const USAGE = `Usage:
  npm run publisher -- create --name NAME --localities 01,79 [--services CODE,CODE] [--expires-at 2027-12-31T17:00:00Z]
  npm run publisher -- revoke ID

The token is printed once; only its hash is stored. Locality codes are today's units
(a province covers its communes and the old provinces merged into it).`;

const { positionals, values, db, consoleActor, origin } = accountCli(USAGE, 'npm run publisher');


switch (positionals[0]) {
  case 'create': {
    if (!values.name || !values.localities) fail(`create needs --name and --localities\n\n${USAGE}`, 2);
    const expiry = readExpiry(values['expires-at'] as string | undefined, new Date());
    if (!expiry.ok) fail(expiry.en);
    const result = db.sqlite.transaction(() => {
      const created = createPublisher(db.sqlite, {
        name: values.name as string,
        localities: codeList(values.localities as string),
        services: values.services ? codeList(values.services as string) : undefined,
        expiresAt: expiry.expiresAt,
      });
      if (created.ok) {
        const { scope } = getPublisher(db, created.id)!;
        const detail = { name: values.name, localities: scope.localityCodes, services: scope.serviceCodes, expires_at: expiry.expiresAt };
        recordAudit(db, consoleActor, { action: 'publisher.create', targetType: 'publisher', targetId: String(created.id), detail, scope }, origin);
      }
      return created;
    })();
    if (!result.ok) fail(result.message);
    console.log(`publisher ${result.id} created. Its token, shown only this once:\n\n  ${result.token}\n`);
    break;
  }
  case 'revoke': {
    const id = Number(positionals[1]);
    if (!Number.isInteger(id) || id < 1) fail(`revoke needs a publisher id\n\n${USAGE}`, 2);
    const publisher = getPublisher(db, id);
    if (!publisher) fail(`no publisher ${id}`);
    db.sqlite.transaction(() => {
      revokePublisher(db.sqlite, id);
      if (publisher.revokedAt === null) {
        recordAudit(db, consoleActor, { action: 'publisher.revoke', targetType: 'publisher', targetId: String(id), detail: { name: publisher.name }, scope: publisher.scope }, origin);
      }
    })();
    console.log(`publisher ${id} revoked: its token no longer works`);
    break;
  }
  default:
    fail(USAGE, 2);
}
db.sqlite.close();
