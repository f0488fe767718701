import { and, desc, gte, inArray, isNull, lt } from 'drizzle-orm';
import type { AdminCaller } from './admins.ts';
import type { LocalityRegistry } from './localities/registry.ts';
import type { Db } from './open.ts';
import { auditLog } from './schema.ts';
import { coversUnit } from './scopes.ts';

/** What admins do, as the audit names it. */
export const AUDIT_ACTIONS = [
  'admin.create',
  'admin.revoke',
  'publisher.create',
  'publisher.revoke',
  'publisher.rotate',
  'targets.set',
  'target.delete',
  'source.set',
  'source.delete',
  'service.set',
  'services.import',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One admin action: who, what, on what, when, from where. Never a token or a secret. */
export interface AuditInput {
  action: AuditAction;
  targetType: 'admin' | 'publisher' | 'target' | 'source' | 'service';
  /** The id, code or name of what was acted on ("*" for a batch of targets or services). */
  targetId: string;
  /** What was set: names, scopes, counts. */
  detail: Record<string, unknown>;
  /** The subject's scope, for who may read the entry: locality codes, and service codes (null = every service). */
  scope: { localityCodes: string[]; serviceCodes: string[] | null };
}

export interface Origin {
  remoteAddr: string | null;
  userAgent: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor_type: 'national' | 'admin';
  actor_id: number | null;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: string;
  detail: Record<string, unknown>;
  scope_localities: string[];
  scope_services: string[] | null;
  remote_addr: string | null;
  user_agent: string | null;
}

/** Records an action; call it inside the action's transaction, so both happen or neither. */
export function recordAudit(db: Db, actor: AdminCaller, entry: AuditInput, origin: Origin, now = new Date()): void {
  db.orm
    .insert(auditLog)
    .values({
      at: now.toISOString(),
      actorAdminId: actor.id,
      actorName: actor.name,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      detail: JSON.stringify(entry.detail),
      scopeLocalities: JSON.stringify(entry.scope.localityCodes),
      scopeServices: entry.scope.serviceCodes === null ? null : JSON.stringify(entry.scope.serviceCodes),
      remoteAddr: origin.remoteAddr,
      userAgent: origin.userAgent?.slice(0, 500) ?? null,
    })
    .run();
}

export interface AuditFilter {
  /** "national" (ADMIN_TOKEN), an admin id. */
  actor?: { national: true } | { adminIds: number[] };
  /** ISO instants: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

/**
 * The entries a caller may read, newest first: every one for a national admin; for a scoped
 * admin, its own actions and those on subjects within its scope.
 */
export function listAudit(db: Db, registry: LocalityRegistry, caller: AdminCaller, filter: AuditFilter): { count: number; entries: AuditEntry[] } {
  const where = [];
  if (filter.actor && 'national' in filter.actor) where.push(isNull(auditLog.actorAdminId));
  if (filter.from) where.push(gte(auditLog.at, filter.from));
  if (filter.to) where.push(lt(auditLog.at, filter.to));
  if (filter.actor && 'adminIds' in filter.actor) where.push(inArray(auditLog.actorAdminId, filter.actor.adminIds));
  const rows = db.orm
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .all();
  // Whether a scoped admin may read an entry depends on the locality tree: decided here, not in SQL.
  const entries = rows.map(toEntry).filter((e) => caller.national || e.actor_id === caller.id || visibleTo(registry, caller, e));
  return { count: entries.length, entries: entries.slice(filter.offset, filter.offset + filter.limit) };
}

/** The entry's subject lies within the caller's scope: every locality covered, every service listed. */
function visibleTo(registry: LocalityRegistry, caller: AdminCaller, e: AuditEntry): boolean {
  const mine = caller.scope.serviceCodes;
  if (mine !== null && (e.scope_services === null || !e.scope_services.every((code) => mine.includes(code)))) return false;
  return e.scope_localities.every((code) => {
    const unit = registry.current(code);
    return unit !== undefined && coversUnit(registry, caller.scope, unit.id);
  });
}

function toEntry(r: typeof auditLog.$inferSelect): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    actor_type: r.actorAdminId === null ? 'national' : 'admin',
    actor_id: r.actorAdminId,
    actor_name: r.actorName,
    action: r.action,
    target_type: r.targetType,
    target_id: r.targetId,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    scope_localities: JSON.parse(r.scopeLocalities) as string[],
    scope_services: r.scopeServices === null ? null : (JSON.parse(r.scopeServices) as string[]),
    remote_addr: r.remoteAddr,
    user_agent: r.userAgent,
  };
}

