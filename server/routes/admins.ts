import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { type Admin, createAdmin, getAdmin, listAdmins, revokeAdmin } from '../../db/admins.ts';
import { localityRegistry } from '../../db/localities/registry.ts';
import { resolveScope } from '../../db/scopes.ts';
import { serviceIdsByCode } from '../../db/services.ts';
import { readExpiry } from '../../db/tokens.ts';
import { audit, callerOf, refuseUnlessNational } from '../admin-scope.ts';
import { sendTranslatedError } from '../plugins/errors.ts';
import { Code, DemoFlag, ErrorBody, Nullable, adminErrors } from '../schemas.ts';
import { ExpiresAt } from './publishers.ts';

const AdminBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'who answers for it, e.g. "Sở KH&CN TP. Hồ Chí Minh"' }),
    localities: Type.Array(Code, {
      minItems: 1,
      maxItems: 4000,
      description: "today's codes: a province's IT unit lists its province (it covers the communes and the old provinces merged into it); VN with no services makes a national admin",
    }),
    services: Type.Optional(Type.Array(Code, { maxItems: 10000, description: 'a ministry lists its services; omitted or empty = every service' })),
    expires_at: Type.Optional(Nullable(ExpiresAt)),
  },
  { additionalProperties: false },
);

const AdminSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  localities: Type.Array(Type.String()),
  services: Nullable(Type.Array(Type.String(), { description: 'null = every service' })),
  national: Type.Boolean({ description: 'localities include VN and every service: may do what ADMIN_TOKEN does' }),
  created_at: Type.String(),
  created_by: Nullable(Type.Integer({ description: 'the admin that created it; null = ADMIN_TOKEN or the CLI' })),
  expires_at: Nullable(Type.String()),
  revoked_at: Nullable(Type.String()),
});

const view = (a: Admin) => ({
  id: a.id,
  name: a.name,
  localities: a.scope.localityCodes,
  services: a.scope.serviceCodes,
  national: a.national,
  created_at: a.createdAt,
  created_by: a.createdBy,
  expires_at: a.expiresAt,
  revoked_at: a.revokedAt,
});

const CREATE = { vi: 'tạo quản trị viên', en: 'create admins' };
const REVOKE = { vi: 'thu hồi quản trị viên', en: 'revoke admins' };

/**
 * Scoped admins (phân cấp): the national admin (ADMIN_TOKEN, or an admin of VN with every service)
 * creates, lists and revokes them. A scoped admin sees only itself and creates none.
 */
const adminAccountRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addHook('onRequest', fastify.requireAdmin);
  const db = fastify.db;

  fastify.post(
    '/api/v1/admins',
    {
      schema: {
        summary: 'Create a scoped admin (national admin only); its token is shown once',
        description: 'A province\'s IT unit: {"localities": ["79"]}. A ministry: {"localities": ["VN"], "services": [...]}. Stored hashed; expires_at optional.',
        tags: ['admin'],
        security: [{ bearer: [] }],
        body: AdminBody,
        response: { 201: Type.Object({ id: Type.Integer(), token: Type.String(), demo: DemoFlag }), ...adminErrors },
      },
    },
    async (request, reply) => {
      const refused = refuseUnlessNational(db, request, reply, CREATE);
      if (refused) return refused;
      const { name, localities, services, expires_at } = request.body;
      const resolved = resolveScope(localityRegistry(db.sqlite), serviceIdsByCode(db.sqlite), { localities, services });
      if (!resolved.ok) return sendTranslatedError(request, reply, 400, 'bad_request', resolved);
      const expiry = readExpiry(expires_at, new Date());
      if (!expiry.ok) return sendTranslatedError(request, reply, 400, 'bad_request', expiry);
      const caller = callerOf(request);
      const created = db.sqlite.transaction(() => {
        const admin = createAdmin(db, { name, scope: resolved.scope, expiresAt: expiry.expiresAt, createdBy: caller.id });
        audit(db, request, {
          action: 'admin.create',
          targetType: 'admin',
          targetId: String(admin.id),
          detail: { name, localities: resolved.scope.localityCodes, services: resolved.scope.serviceCodes, expires_at: expiry.expiresAt },
          scope: resolved.scope,
        });
        return admin;
      })();
      request.log.info({ admin: created.id, by: caller.id }, 'admin created');
      return reply.code(201).send(created);
    },
  );

  fastify.get(
    '/api/v1/admins',
    {
      schema: {
        summary: 'Every admin, revoked ones too (national admin); a scoped admin sees itself',
        tags: ['admin'],
        security: [{ bearer: [] }],
        response: { 200: Type.Object({ count: Type.Integer(), admins: Type.Array(AdminSchema), demo: DemoFlag }), ...adminErrors },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const admins = (caller.national ? listAdmins(db) : listAdmins(db).filter((a) => a.id === caller.id)).map(view);
      return { count: admins.length, admins };
    },
  );

  fastify.delete(
    '/api/v1/admins/:id',
    {
      schema: {
        summary: 'Revoke an admin (national admin only): its token stops working at once',
        description: 'The publishers, targets and sources it made stay.',
        tags: ['admin'],
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 204: Type.Null(), 404: ErrorBody, ...adminErrors },
      },
    },
    async (request, reply) => {
      const refused = refuseUnlessNational(db, request, reply, REVOKE);
      if (refused) return refused;
      const admin = getAdmin(db, request.params.id);
      if (!admin) {
        return sendTranslatedError(request, reply, 404, 'not_found', {
          vi: `Không có quản trị viên số ${request.params.id}; GET /api/v1/admins liệt kê các quản trị viên`,
          en: `no admin ${request.params.id}; GET /api/v1/admins lists them`,
        });
      }
      db.sqlite.transaction(() => {
        revokeAdmin(db, admin.id);
        if (admin.revokedAt === null) audit(db, request, { action: 'admin.revoke', targetType: 'admin', targetId: String(admin.id), detail: { name: admin.name }, scope: admin.scope });
      })();
      return reply.code(204).send(null);
    },
  );
};

export default adminAccountRoutes;
