import { createAdmin, getAdmin, listAdmins, revokeAdmin } from '../../db/admins.ts';
import { recordAudit } from '../../db/audit.ts';
import { localityRegistry } from '../../db/localities/registry.ts';
import { resolveScope } from '../../db/scopes.ts';
import { serviceIdsByCode } from '../../db/services.ts';
import { readExpiry } from '../../db/tokens.ts';
import { fail } from './args.ts';
import { accountCli, codeList } from './account-cli.ts';

const USAGE = `Usage:
  npm run admin -- create --name NAME --localities 79 [--services CODE,CODE] [--expires-at 2027-12-31T17:00:00Z]
  npm run admin -- list
  npm run admin -- revoke ID

A scoped admin (a province's IT unit, or a ministry with --localities VN --services ...) manages
the publishers, targets and pull sources within its scope through the API. --localities VN with no
--services makes a national admin. The token is printed once; only its hash is stored.`;

const { positionals, values, db, consoleActor, origin } = accountCli(USAGE, 'npm run admin');


switch (positionals[0]) {
  case 'create': {
    if (!values.name || !values.localities) fail(`create needs --name and --localities\n\n${USAGE}`, 2);
    const resolved = resolveScope(localityRegistry(db.sqlite), serviceIdsByCode(db.sqlite), {
      localities: codeList(values.localities as string),
      services: codeList(values.services as string | undefined),
    });
    if (!resolved.ok) fail(resolved.en);
    const expiry = readExpiry(values['expires-at'] as string | undefined, new Date());
    if (!expiry.ok) fail(expiry.en);
    // The CLI runs on the server with the database's own rights: it acts as ADMIN_TOKEN does (created_by null).
    const { scope } = resolved;
    const created = db.sqlite.transaction(() => {
      const admin = createAdmin(db, { name: values.name as string, scope, expiresAt: expiry.expiresAt, createdBy: null });
      const detail = { name: values.name, localities: scope.localityCodes, services: scope.serviceCodes, expires_at: expiry.expiresAt };
      recordAudit(db, consoleActor, { action: 'admin.create', targetType: 'admin', targetId: String(admin.id), detail, scope }, origin);
      return admin;
    })();
    console.log(`admin ${created.id} created for ${resolved.scope.localityCodes.join(',')}${resolved.scope.serviceCodes ? ` (services ${resolved.scope.serviceCodes.join(',')})` : ''}. Its token, shown only this once:\n\n  ${created.token}\n`);
    break;
  }
  case 'list': {
    for (const a of listAdmins(db)) {
      const state = a.revokedAt ? `revoked ${a.revokedAt}` : a.expiresAt ? `expires ${a.expiresAt}` : 'active';
      console.log(`${a.id}\t${a.name}\t${a.scope.localityCodes.join(',')}\t${a.scope.serviceCodes?.join(',') ?? 'every service'}\t${state}`);
    }
    break;
  }
  case 'revoke': {
    const id = Number(positionals[1]);
    if (!Number.isInteger(id) || id < 1) fail(`revoke needs an admin id\n\n${USAGE}`, 2);
    const admin = getAdmin(db, id);
    if (!admin) fail(`no admin ${id}`);
    db.sqlite.transaction(() => {
      revokeAdmin(db, id);
      if (admin.revokedAt === null) recordAudit(db, consoleActor, { action: 'admin.revoke', targetType: 'admin', targetId: String(id), detail: { name: admin.name }, scope: admin.scope }, origin);
    })();
    console.log(`admin ${id} revoked: its token no longer works`);
    break;
  }
  default:
    fail(USAGE, 2);
}
db.sqlite.close();
