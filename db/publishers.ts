import type Database from 'better-sqlite3';
import { and, eq, isNull } from 'drizzle-orm';
import type { Scope } from './ingest/validate.ts';
import { localityRegistry } from './localities/registry.ts';
import type { Db } from './open.ts';
import { publishers } from './schema.ts';
import { type CodedScope, codedScope } from './scopes.ts';
import { cleanName, serviceIdsByCode } from './services.ts';
import { hasExpired, newToken, parseToken, secretMatches } from './tokens.ts';

export interface PublisherInput {
  name: string;
  localities: string[];
  services?: string[];
  /** ISO date-time in UTC, already checked (readExpiry); null or absent = never. */
  expiresAt?: string | null;
}

export interface Publisher {
  id: number;
  name: string;
  scope: Scope;
}

/** A publisher as admins list it (never its token). */
export interface PublisherRecord {
  id: number;
  name: string;
  scope: CodedScope;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** A refusal says why in English (`message`, for the CLI) and in Vietnamese (`message_vi`, for the API). */
export type CreateResult = { ok: true; id: number; token: string } | { ok: false; message: string; message_vi: string };

/**
 * Creates a publisher and its token. The token is shown once: only the hash of its
 * 32-byte secret is kept. Locality codes are read as today's units.
 */
export function createPublisher(sqlite: Database.Database, input: PublisherInput, now = new Date()): CreateResult {
  const registry = localityRegistry(sqlite);
  const localityIds: number[] = [];
  for (const code of input.localities) {
    const unit = registry.current(code);
    if (!unit) return { ok: false, message: `unknown locality code "${code}"`, message_vi: `Không có địa bàn mã "${code}"; danh sách địa bàn ở /api/v1/localities.` };
    localityIds.push(unit.id);
  }
  if (localityIds.length === 0) return { ok: false, message: 'a publisher needs at least one locality', message_vi: 'Đơn vị gửi số liệu cần được giao ít nhất một địa bàn.' };
  const serviceIds: number[] = [];
  const known = serviceIdsByCode(sqlite);
  for (const code of input.services ?? []) {
    const id = known.get(code);
    if (id === undefined) return { ok: false, message: `unknown service code "${code}"`, message_vi: `Không có thủ tục mã "${code}" trong danh mục; danh mục ở /api/v1/services.` };
    serviceIds.push(id);
  }

  const token = newToken('td');
  const id = sqlite.transaction(() => {
    const publisherId = Number(
      sqlite
        .prepare('INSERT INTO publishers (name, token_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
        .run(cleanName(input.name), token.tokenId, token.tokenHash, now.toISOString(), input.expiresAt ?? null).lastInsertRowid,
    );
    const addLocality = sqlite.prepare('INSERT OR IGNORE INTO publisher_localities (publisher_id, locality_id) VALUES (?, ?)');
    for (const l of localityIds) addLocality.run(publisherId, l);
    const addService = sqlite.prepare('INSERT OR IGNORE INTO publisher_services (publisher_id, service_id) VALUES (?, ?)');
    for (const s of serviceIds) addService.run(publisherId, s);
    return publisherId;
  })();
  return { ok: true, id, token: token.token };
}

/** Revokes at once: the next request with the token is refused. False if there is no such publisher. */
export function revokePublisher(sqlite: Database.Database, id: number, now = new Date()): boolean {
  const result = sqlite.prepare('UPDATE publishers SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(now.toISOString(), id);
  return result.changes === 1;
}

/**
 * A new token for an active publisher: the old one stops at once (its id and hash are replaced).
 * null when there is no such publisher or it is revoked. The expiry is kept unless one is given (null = never).
 */
export function rotatePublisherToken(db: Db, id: number, expiresAt?: string | null): string | null {
  const token = newToken('td');
  const changed = db.orm
    .update(publishers)
    .set({ tokenId: token.tokenId, tokenHash: token.tokenHash, ...(expiresAt === undefined ? {} : { expiresAt }) })
    .where(and(eq(publishers.id, id), isNull(publishers.revokedAt)))
    .run().changes;
  return changed === 1 ? token.token : null;
}

export type PublisherAuth = { status: 'ok'; publisher: Publisher } | { status: 'expired'; expiresAt: string } | { status: 'unknown' };

/** The publisher a bearer token belongs to; the secret is compared in constant time before expiry is told. */
export function authenticatePublisher(sqlite: Database.Database, token: string, now = new Date()): PublisherAuth {
  const parsed = parseToken('td', token);
  if (!parsed) return { status: 'unknown' };
  const row = sqlite
    .prepare('SELECT id, name, token_hash AS tokenHash, expires_at AS expiresAt FROM publishers WHERE token_id = ? AND revoked_at IS NULL')
    .get(parsed.tokenId) as { id: number; name: string; tokenHash: string; expiresAt: string | null } | undefined;
  if (!row || !secretMatches(parsed.secret, row.tokenHash)) return { status: 'unknown' };
  if (hasExpired(row.expiresAt, now)) return { status: 'expired', expiresAt: row.expiresAt! };
  return { status: 'ok', publisher: { id: row.id, name: row.name, scope: publisherScope(sqlite, row.id) } };
}

/** The publisher a bearer token belongs to, or null (unknown, revoked or expired). */
export function authenticate(sqlite: Database.Database, token: string, now = new Date()): Publisher | null {
  const auth = authenticatePublisher(sqlite, token, now);
  return auth.status === 'ok' ? auth.publisher : null;
}

export function publisherScope(sqlite: Database.Database, id: number): Scope {
  const localities = sqlite.prepare('SELECT locality_id AS id FROM publisher_localities WHERE publisher_id = ?').all(id) as Array<{ id: number }>;
  const services = sqlite.prepare('SELECT service_id AS id FROM publisher_services WHERE publisher_id = ?').all(id) as Array<{ id: number }>;
  return {
    localityIds: new Set(localities.map((l) => l.id)),
    serviceIds: services.length > 0 ? new Set(services.map((s) => s.id)) : null,
  };
}

/** Active: not revoked and not expired (a pull under an expired publisher is refused too). */
export function publisherExists(sqlite: Database.Database, id: number, now = new Date()): boolean {
  const row = sqlite.prepare('SELECT expires_at AS expiresAt FROM publishers WHERE id = ? AND revoked_at IS NULL').get(id) as { expiresAt: string | null } | undefined;
  return row !== undefined && !hasExpired(row.expiresAt, now);
}

/** Every publisher, revoked ones too, oldest first, with its scope in codes. */
export function listPublishers(db: Db): PublisherRecord[] {
  const registry = localityRegistry(db.sqlite);
  const serviceCodes = new Map([...serviceIdsByCode(db.sqlite)].map(([code, id]) => [id, code]));
  return db.orm
    .select()
    .from(publishers)
    .orderBy(publishers.id)
    .all()
    .map((row) => ({
      id: row.id,
      name: row.name,
      scope: codedScope(registry, serviceCodes, publisherScope(db.sqlite, row.id)),
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      revokedAt: row.revokedAt,
    }));
}

/** One publisher with its scope in codes, or null. */
export function getPublisher(db: Db, id: number): PublisherRecord | null {
  const row = db.orm.select().from(publishers).where(eq(publishers.id, id)).get();
  if (!row) return null;
  const serviceCodes = new Map([...serviceIdsByCode(db.sqlite)].map(([code, id]) => [id, code]));
  return {
    id: row.id,
    name: row.name,
    scope: codedScope(localityRegistry(db.sqlite), serviceCodes, publisherScope(db.sqlite, row.id)),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
  };
}

