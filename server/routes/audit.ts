import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { adminIdsNamed } from '../../db/admins.ts';
import { AUDIT_ACTIONS, type AuditFilter, listAudit } from '../../db/audit.ts';
import { localityRegistry } from '../../db/localities/registry.ts';
import { callerOf } from '../admin-scope.ts';
import { sendTranslatedError } from '../plugins/errors.ts';
import { DemoFlag, Nullable, adminErrors } from '../schemas.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

const Bound = Type.String({ maxLength: 40, description: 'a day YYYY-MM-DD (UTC) or an ISO date-time with a zone' });

const EntrySchema = Type.Object({
  id: Type.Integer(),
  at: Type.String({ description: 'when, ISO UTC' }),
  actor_type: Type.Union([Type.Literal('national'), Type.Literal('admin')], { description: 'national = ADMIN_TOKEN' }),
  actor_id: Nullable(Type.Integer({ description: 'the admin; null for ADMIN_TOKEN' })),
  actor_name: Type.String(),
  action: Type.String({ enum: [...AUDIT_ACTIONS] }),
  target_type: Type.String({ description: 'admin, publisher, target, source or service' }),
  target_id: Type.String({ description: 'its id, code or name; "*" for a batch of targets or services' }),
  detail: Type.Record(Type.String(), Type.Unknown(), { description: 'what was set: names, scopes, counts (never a token)' }),
  scope_localities: Type.Array(Type.String(), { description: "the subject's localities" }),
  scope_services: Nullable(Type.Array(Type.String(), { description: "the subject's services; null = every service" })),
  remote_addr: Nullable(Type.String({ description: 'the request IP (X-Forwarded-For when TRUST_PROXY)' })),
  user_agent: Nullable(Type.String()),
});

/** A bound as an ISO instant: a day starts at 00:00 UTC (from) or ends at the next day's (to). */
function instant(value: string, end: boolean): string | null {
  if (DATE.test(value)) {
    const day = Date.parse(`${value}T00:00:00Z`);
    if (!Number.isFinite(day) || new Date(day).toISOString().slice(0, 10) !== value) return null;
    return new Date(day + (end ? 86_400_000 : 0)).toISOString();
  }
  const time = INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isFinite(time) ? new Date(time).toISOString() : null;
}

/** GET /api/v1/audit: every admin action, each admin reading its own scope's (the national admin, all). */
const auditRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addHook('onRequest', fastify.requireAdmin);

  fastify.get(
    '/api/v1/audit',
    {
      schema: {
        summary: 'Who did what, on what, when and from where: every admin action within your scope, newest first',
        description:
          'actor: "national" (ADMIN_TOKEN), an admin id, or an admin name. from and to: a day (to includes it) or an ISO date-time (to excludes it). ' +
          'A scoped admin reads its own actions and those on publishers, targets, sources and admins within its scope.',
        tags: ['admin'],
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            from: Type.Optional(Bound),
            to: Type.Optional(Bound),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ count: Type.Integer({ description: 'entries matching, before limit and offset' }), entries: Type.Array(EntrySchema), demo: DemoFlag }), ...adminErrors },
      },
    },
    async (request, reply) => {
      const { actor, from, to, limit = 1000, offset = 0 } = request.query;
      const filter: AuditFilter = { limit, offset };
      for (const [name, value, end] of [['from', from, false], ['to', to, true]] as const) {
        if (value === undefined) continue;
        const at = instant(value, end);
        if (at === null) {
          return sendTranslatedError(request, reply, 400, 'bad_request', {
            vi: `${name} "${value}" không phải ngày (YYYY-MM-DD) hay thời điểm ISO 8601 kèm múi giờ`,
            en: `${name} "${value}" is neither a day (YYYY-MM-DD) nor an ISO date-time with a zone`,
          });
        }
        filter[name] = at;
      }
      if (actor !== undefined) filter.actor = actor === 'national' ? { national: true } : { adminIds: /^\d+$/.test(actor) ? [Number(actor)] : adminIdsNamed(fastify.db, actor) };
      return listAudit(fastify.db, localityRegistry(fastify.db.sqlite), callerOf(request), filter);
    },
  );
};

export default auditRoutes;
