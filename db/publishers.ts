import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Scope } from './ingest/validate.ts';
import { localityRegistry } from './localities/registry.ts';
import { cleanName, serviceIdsByCode } from './services.ts';

export interface PublisherInput {
  name: string;
  localities: string[];
  services?: string[];
}

export interface Publisher {
  id: number;
  name: string;
  scope: Scope;
}

export type CreateResult = { ok: true; id: number; token: string } | { ok: false; message: string };

const TOKEN_PATTERN = /^td_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/;

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/**
 * Creates a publisher and its token. The token is shown once: only the hash of its
 * 32-byte secret is kept. Locality codes are read as today's units.
 */
export function createPublisher(sqlite: Database.Database, input: PublisherInput, now = new Date()): CreateResult {
  const registry = localityRegistry(sqlite);
  const localityIds: number[] = [];
  for (const code of input.localities) {
    const unit = registry.current(code);
    if (!unit) return { ok: false, message: `unknown locality code "${code}"` };
    localityIds.push(unit.id);
  }
  if (localityIds.length === 0) return { ok: false, message: 'a publisher needs at least one locality' };
  const serviceIds: number[] = [];
  const known = serviceIdsByCode(sqlite);
  for (const code of input.services ?? []) {
    const id = known.get(code);
    if (id === undefined) return { ok: false, message: `unknown service code "${code}"` };
    serviceIds.push(id);
  }

  const tokenId = randomBytes(9).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  const id = sqlite.transaction(() => {
    const publisherId = Number(
      sqlite
        .prepare('INSERT INTO publishers (name, token_id, token_hash, created_at) VALUES (?, ?, ?, ?)')
        .run(cleanName(input.name), tokenId, hashSecret(secret).toString('hex'), now.toISOString()).lastInsertRowid,
    );
    const addLocality = sqlite.prepare('INSERT OR IGNORE INTO publisher_localities (publisher_id, locality_id) VALUES (?, ?)');
    for (const l of localityIds) addLocality.run(publisherId, l);
    const addService = sqlite.prepare('INSERT OR IGNORE INTO publisher_services (publisher_id, service_id) VALUES (?, ?)');
    for (const s of serviceIds) addService.run(publisherId, s);
    return publisherId;
  })();
  return { ok: true, id, token: `td_${tokenId}_${secret}` };
}

/** Revokes at once: the next request with the token is refused. False if there is no such publisher. */
export function revokePublisher(sqlite: Database.Database, id: number, now = new Date()): boolean {
  const result = sqlite.prepare('UPDATE publishers SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(now.toISOString(), id);
  return result.changes === 1;
}

/** The publisher a bearer token belongs to, or null; the secret is compared in constant time. */
export function authenticate(sqlite: Database.Database, token: string): Publisher | null {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  const row = sqlite
    .prepare('SELECT id, name, token_hash AS tokenHash FROM publishers WHERE token_id = ? AND revoked_at IS NULL')
    .get(match[1]) as { id: number; name: string; tokenHash: string } | undefined;
  if (!row || !timingSafeEqual(hashSecret(match[2]!), Buffer.from(row.tokenHash, 'hex'))) return null;
  return { id: row.id, name: row.name, scope: publisherScope(sqlite, row.id) };
}

export function publisherScope(sqlite: Database.Database, id: number): Scope {
  const localities = sqlite.prepare('SELECT locality_id AS id FROM publisher_localities WHERE publisher_id = ?').all(id) as Array<{ id: number }>;
  const services = sqlite.prepare('SELECT service_id AS id FROM publisher_services WHERE publisher_id = ?').all(id) as Array<{ id: number }>;
  return {
    localityIds: new Set(localities.map((l) => l.id)),
    serviceIds: services.length > 0 ? new Set(services.map((s) => s.id)) : null,
  };
}

export function publisherExists(sqlite: Database.Database, id: number): boolean {
  return sqlite.prepare('SELECT 1 FROM publishers WHERE id = ? AND revoked_at IS NULL').get(id) !== undefined;
}
