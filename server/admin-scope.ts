import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminCaller } from '../db/admins.ts';
import { type AuditInput, recordAudit } from '../db/audit.ts';
import type { Scope } from '../db/ingest/validate.ts';
import { localityRegistry } from '../db/localities/registry.ts';
import type { Db } from '../db/open.ts';
import { scopeText, scopeWithin } from '../db/scopes.ts';
import { type Texts, sendTranslatedError } from './plugins/errors.ts';

/**
 * What the admin routes share about the caller's scope: the refusals that name it (vi, en),
 * whether a scope lies within it, and the audit entry of each action, with where it came from.
 */

/** The admin a request was authenticated as (requireAdmin ran before the handler). */
export function callerOf(request: FastifyRequest): AdminCaller {
  if (!request.admin) throw new Error('admin route without requireAdmin');
  return request.admin;
}

export function callerScopeText(db: Db, caller: AdminCaller): Texts {
  return scopeText(localityRegistry(db.sqlite), caller.scope);
}

/** 403: `what` ("publisher 12 [01 (Thành phố Hà Nội), every service]") is outside the caller's scope, which is named. */
export function refuseOutside(db: Db, request: FastifyRequest, reply: FastifyReply, what: Texts): FastifyReply {
  const mine = callerScopeText(db, callerOf(request));
  return sendTranslatedError(request, reply, 403, 'outside_scope', {
    vi: `Yêu cầu bị từ chối: ${what.vi} nằm ngoài phạm vi quản trị của bạn [${mine.vi}]. Việc này thuộc thẩm quyền của quản trị viên có phạm vi bao trùm.`,
    en: `refused: ${what.en} is outside your admin scope [${mine.en}]; an admin whose scope covers it must do this`,
  });
}

/** 403 unless the caller is national; `action` says what only a national admin may do. */
export function refuseUnlessNational(db: Db, request: FastifyRequest, reply: FastifyReply, action: Texts): FastifyReply | null {
  const caller = callerOf(request);
  if (caller.national) return null;
  const mine = callerScopeText(db, caller);
  return sendTranslatedError(request, reply, 403, 'national_only', {
    vi: `Chỉ quản trị viên cấp quốc gia mới được ${action.vi}; phạm vi quản trị của bạn là [${mine.vi}].`,
    en: `only a national admin may ${action.en}; your admin scope is [${mine.en}]`,
  });
}

/** Whether a scope (a publisher's, an admin's) lies within the caller's. */
export function withinCaller(db: Db, request: FastifyRequest, scope: Scope): boolean {
  return scopeWithin(localityRegistry(db.sqlite), scope, callerOf(request).scope);
}

/** Records an admin action with who did it and from where (IP and user agent; never the token). */
export function audit(db: Db, request: FastifyRequest, entry: AuditInput): void {
  const agent = request.headers['user-agent'];
  recordAudit(db, callerOf(request), entry, { remoteAddr: request.ip ?? null, userAgent: typeof agent === 'string' ? agent : null });
}

/** A scope in words for messages: "01 (Thành phố Hà Nội), every service". */
export function scopeWords(db: Db, scope: { localityCodes: string[]; serviceCodes: string[] | null }): Texts {
  return scopeText(localityRegistry(db.sqlite), scope);
}
