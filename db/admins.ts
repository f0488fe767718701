import { and, eq, isNull } from 'drizzle-orm';
import type { Scope } from './ingest/validate.ts';
import { localityRegistry } from './localities/registry.ts';
import type { Db } from './open.ts';
import { adminLocalities, adminServices, admins, services } from './schema.ts';
import { type CodedScope, codedScope, isNational } from './scopes.ts';
import { cleanName } from './services.ts';
import { hasExpired, newToken, parseToken, secretMatches } from './tokens.ts';

/** A scoped admin as the admin endpoints show it (never its token). */
export interface Admin {
  id: number;
  name: string;
  scope: CodedScope;
  /** Every locality (VN) and every service: it acts as ADMIN_TOKEN does. */
  national: boolean;
  createdAt: string;
  createdBy: number | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** Whoever called an admin endpoint: ADMIN_TOKEN (id null) or an admin of the table. */
export interface AdminCaller {
  id: number | null;
  name: string;
  national: boolean;
  scope: CodedScope;
}

export const NATIONAL_NAME = 'ADMIN_TOKEN';

/** ADMIN_TOKEN: every locality, every service. */
export function nationalCaller(db: Db): AdminCaller {
  const country = localityRegistry(db.sqlite).country;
  return { id: null, name: NATIONAL_NAME, national: true, scope: { localityIds: new Set([country.id]), serviceIds: null, localityCodes: [country.code], serviceCodes: null } };
}

export function serviceCodesById(db: Db): Map<number, string> {
  return new Map(db.orm.select({ id: services.id, code: services.code }).from(services).all().map((s) => [s.id, s.code]));
}

/** Creates an admin with a resolved scope; the token is returned once, only its hash kept. */
export function createAdmin(db: Db, input: { name: string; scope: CodedScope; expiresAt: string | null; createdBy: number | null }, now = new Date()): { id: number; token: string } {
  const token = newToken('tda');
  const id = db.sqlite.transaction(() => {
    const row = db.orm
      .insert(admins)
      .values({ name: cleanName(input.name), tokenId: token.tokenId, tokenHash: token.tokenHash, createdAt: now.toISOString(), createdBy: input.createdBy, expiresAt: input.expiresAt })
      .returning({ id: admins.id })
      .get();
    for (const localityId of input.scope.localityIds) db.orm.insert(adminLocalities).values({ adminId: row.id, localityId }).onConflictDoNothing().run();
    for (const serviceId of input.scope.serviceIds ?? []) db.orm.insert(adminServices).values({ adminId: row.id, serviceId }).onConflictDoNothing().run();
    return row.id;
  })();
  return { id, token: token.token };
}

function adminScope(db: Db, id: number, serviceCodes = serviceCodesById(db)): CodedScope {
  const localities = db.orm.select({ id: adminLocalities.localityId }).from(adminLocalities).where(eq(adminLocalities.adminId, id)).all();
  const serviceRows = db.orm.select({ id: adminServices.serviceId }).from(adminServices).where(eq(adminServices.adminId, id)).all();
  const scope: Scope = { localityIds: new Set(localities.map((l) => l.id)), serviceIds: serviceRows.length > 0 ? new Set(serviceRows.map((s) => s.id)) : null };
  return codedScope(localityRegistry(db.sqlite), serviceCodes, scope);
}

type AdminRow = typeof admins.$inferSelect;

function fromRow(db: Db, row: AdminRow, serviceCodes?: Map<number, string>): Admin {
  const scope = adminScope(db, row.id, serviceCodes);
  return {
    id: row.id,
    name: row.name,
    scope,
    national: isNational(localityRegistry(db.sqlite), scope),
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
  };
}

/** Every admin, revoked ones too (with revoked_at), oldest first. */
export function listAdmins(db: Db): Admin[] {
  const serviceCodes = serviceCodesById(db);
  return db.orm.select().from(admins).orderBy(admins.id).all().map((row) => fromRow(db, row, serviceCodes));
}

export function getAdmin(db: Db, id: number): Admin | null {
  const row = db.orm.select().from(admins).where(eq(admins.id, id)).get();
  return row ? fromRow(db, row) : null;
}

/** Revokes at once: the next request with its token is refused. False if there is no such admin. */
export function revokeAdmin(db: Db, id: number, now = new Date()): boolean {
  const found = db.orm.select({ revokedAt: admins.revokedAt }).from(admins).where(eq(admins.id, id)).get();
  if (!found) return false;
  if (found.revokedAt === null) db.orm.update(admins).set({ revokedAt: now.toISOString() }).where(eq(admins.id, id)).run();
  return true;
}

export type AdminAuth = { status: 'ok'; caller: AdminCaller } | { status: 'expired'; expiresAt: string } | { status: 'unknown' };

/** The admin a "tda_" token belongs to: the secret is compared in constant time before expiry is told. */
export function authenticateAdmin(db: Db, token: string, now = new Date()): AdminAuth {
  const parsed = parseToken('tda', token);
  if (!parsed) return { status: 'unknown' };
  const row = db.orm.select().from(admins).where(and(eq(admins.tokenId, parsed.tokenId), isNull(admins.revokedAt))).get();
  if (!row || !secretMatches(parsed.secret, row.tokenHash)) return { status: 'unknown' };
  if (hasExpired(row.expiresAt, now)) return { status: 'expired', expiresAt: row.expiresAt! };
  const admin = fromRow(db, row);
  return { status: 'ok', caller: { id: admin.id, name: admin.name, national: admin.national, scope: admin.scope } };
}

/** Names of admins by id (for the audit filter by name). */
export function adminIdsNamed(db: Db, name: string): number[] {
  return db.orm.select({ id: admins.id }).from(admins).where(eq(admins.name, name)).all().map((r) => r.id);
}

