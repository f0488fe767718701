import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { localityRegistry } from '../../db/localities/registry.ts';
import { type PublisherRecord, createPublisher, getPublisher, listPublishers, revokePublisher, rotatePublisherToken } from '../../db/publishers.ts';
import { resolveScope } from '../../db/scopes.ts';
import { serviceIdsByCode } from '../../db/services.ts';
import { readExpiry } from '../../db/tokens.ts';
import { audit, callerOf, refuseOutside, scopeWords, withinCaller } from '../admin-scope.ts';
import { sendTranslatedError } from '../plugins/errors.ts';
import { Code, DemoFlag, ErrorBody, Nullable, adminErrors } from '../schemas.ts';

export const ExpiresAt = Type.String({
  maxLength: 40,
  description: 'ISO 8601 date-time with a zone (2027-06-30T17:00:00Z, 2027-07-01T00:00:00+07:00), in the future; the token is refused (401) after it',
});

const PublisherBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    localities: Type.Array(Code, { minItems: 1, maxItems: 4000, description: "today's codes: VN, a province (covers its communes and the old provinces merged into it) or a commune" }),
    services: Type.Optional(Type.Array(Code, { maxItems: 10000, description: 'omitted or empty = every service' })),
    expires_at: Type.Optional(Nullable(ExpiresAt)),
  },
  { additionalProperties: false },
);

const PublisherSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  localities: Type.Array(Type.String()),
  services: Nullable(Type.Array(Type.String(), { description: 'null = every service' })),
  created_at: Type.String(),
  expires_at: Nullable(Type.String()),
  revoked_at: Nullable(Type.String()),
});

const Params = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const view = (p: PublisherRecord) => ({
  id: p.id,
  name: p.name,
  localities: p.scope.localityCodes,
  services: p.scope.serviceCodes,
  created_at: p.createdAt,
  expires_at: p.expiresAt,
  revoked_at: p.revokedAt,
});

/**
 * Publishers, managed by any admin within its scope (bearer ADMIN_TOKEN or a scoped admin's
 * token): a province's IT unit creates, lists, rotates and revokes its own publishers only.
 */
const publisherRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addHook('onRequest', fastify.requireAdmin);
  const db = fastify.db;
  const publisherWords = (p: PublisherRecord) => {
    const scope = scopeWords(db, p.scope);
    return { vi: `đơn vị gửi số liệu ${p.id} [${scope.vi}]`, en: `publisher ${p.id} [${scope.en}]` };
  };
  const notFound = (id: number) => ({ vi: `Không có đơn vị gửi số liệu số ${id}`, en: `no publisher ${id}` });

  fastify.post(
    '/api/v1/publishers',
    {
      schema: {
        summary: 'Create a publisher within your scope; its token is shown once',
        tags: ['admin'],
        security: [{ bearer: [] }],
        body: PublisherBody,
        response: { 201: Type.Object({ id: Type.Integer(), token: Type.String(), demo: DemoFlag }), ...adminErrors },
      },
    },
    async (request, reply) => {
      const { name, localities, services, expires_at } = request.body;
      const resolved = resolveScope(localityRegistry(db.sqlite), serviceIdsByCode(db.sqlite), { localities, services });
      if (!resolved.ok) return sendTranslatedError(request, reply, 400, 'bad_request', resolved);
      const expiry = readExpiry(expires_at, new Date());
      if (!expiry.ok) return sendTranslatedError(request, reply, 400, 'bad_request', expiry);
      if (!withinCaller(db, request, resolved.scope)) {
        const scope = scopeWords(db, resolved.scope);
        return refuseOutside(db, request, reply, { vi: `đơn vị gửi số liệu có phạm vi [${scope.vi}]`, en: `a publisher scoped to [${scope.en}]` });
      }
      const result = db.sqlite.transaction(() => {
        const created = createPublisher(db.sqlite, { name, localities, services, expiresAt: expiry.expiresAt });
        if (created.ok) {
          audit(db, request, {
            action: 'publisher.create',
            targetType: 'publisher',
            targetId: String(created.id),
            detail: { name, localities: resolved.scope.localityCodes, services: resolved.scope.serviceCodes, expires_at: expiry.expiresAt },
            scope: resolved.scope,
          });
        }
        return created;
      })();
      if (!result.ok) return sendTranslatedError(request, reply, 400, 'bad_request', { vi: result.message_vi, en: result.message });
      request.log.info({ publisher: result.id, admin: callerOf(request).id }, 'publisher created');
      return reply.code(201).send({ id: result.id, token: result.token });
    },
  );

  fastify.get(
    '/api/v1/publishers',
    {
      schema: {
        summary: 'The publishers within your scope, revoked ones too (with revoked_at); never their tokens',
        tags: ['admin'],
        security: [{ bearer: [] }],
        response: { 200: Type.Object({ count: Type.Integer(), publishers: Type.Array(PublisherSchema), demo: DemoFlag }), ...adminErrors },
      },
    },
    async (request) => {
      const publishers = listPublishers(db).filter((p) => withinCaller(db, request, p.scope)).map(view);
      return { count: publishers.length, publishers };
    },
  );

  fastify.delete(
    '/api/v1/publishers/:id',
    {
      schema: {
        summary: 'Revoke a publisher within your scope: its token stops working at once',
        tags: ['admin'],
        security: [{ bearer: [] }],
        params: Params,
        response: { 204: Type.Null(), 404: ErrorBody, ...adminErrors },
      },
    },
    async (request, reply) => {
      const publisher = getPublisher(db, request.params.id);
      if (!publisher) return sendTranslatedError(request, reply, 404, 'not_found', notFound(request.params.id));
      if (!withinCaller(db, request, publisher.scope)) return refuseOutside(db, request, reply, publisherWords(publisher));
      db.sqlite.transaction(() => {
        revokePublisher(db.sqlite, publisher.id);
        if (publisher.revokedAt === null) {
          audit(db, request, { action: 'publisher.revoke', targetType: 'publisher', targetId: String(publisher.id), detail: { name: publisher.name }, scope: publisher.scope });
        }
      })();
      return reply.code(204).send(null);
    },
  );

  fastify.post(
    '/api/v1/publishers/:id/token',
    {
      // The body is optional: a bare POST rotates and keeps the expiry.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        summary: 'Rotate a publisher\'s token: the new one is shown once, the old one stops at once',
        description: 'No body, or {"expires_at": ...} to give the new token another expiry (null = never). The publisher keeps its id, scope and pull sources.',
        tags: ['admin'],
        security: [{ bearer: [] }],
        params: Params,
        body: Type.Optional(Type.Object({ expires_at: Type.Optional(Nullable(ExpiresAt)) }, { additionalProperties: false })),
        response: { 201: Type.Object({ token: Type.String(), demo: DemoFlag }), 404: ErrorBody, 409: ErrorBody, ...adminErrors },
      },
    },
    async (request, reply) => {
      const publisher = getPublisher(db, request.params.id);
      if (!publisher) return sendTranslatedError(request, reply, 404, 'not_found', notFound(request.params.id));
      if (!withinCaller(db, request, publisher.scope)) return refuseOutside(db, request, reply, publisherWords(publisher));
      if (publisher.revokedAt !== null) {
        return sendTranslatedError(request, reply, 409, 'revoked', {
          vi: `Đơn vị gửi số liệu ${publisher.id} đã bị thu hồi lúc ${publisher.revokedAt}; hãy tạo đơn vị mới`,
          en: `publisher ${publisher.id} was revoked at ${publisher.revokedAt}; create a new one`,
        });
      }
      const given = request.body?.expires_at;
      const expiry = readExpiry(given, new Date());
      if (!expiry.ok) return sendTranslatedError(request, reply, 400, 'bad_request', expiry);
      const token = db.sqlite.transaction(() => {
        const rotated = rotatePublisherToken(db, publisher.id, given === undefined ? undefined : expiry.expiresAt);
        const detail = given === undefined ? { name: publisher.name } : { name: publisher.name, expires_at: expiry.expiresAt };
        if (rotated) audit(db, request, { action: 'publisher.rotate', targetType: 'publisher', targetId: String(publisher.id), detail, scope: publisher.scope });
        return rotated;
      })();
      if (!token) return sendTranslatedError(request, reply, 404, 'not_found', notFound(request.params.id));
      return reply.code(201).send({ token });
    },
  );
};

export default publisherRoutes;
