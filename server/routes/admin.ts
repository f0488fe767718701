import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listBatches } from '../../db/batches.ts';
import { CATALOGUE_FIELDS, importCatalogue } from '../../db/catalogue.ts';
import { listPublishers } from '../../db/publishers.ts';
import { SERVICE_CODE_PATTERN, upsertService } from '../../db/services.ts';
import { inAnswerLanguage } from '../accept-language.ts';
import { audit, callerOf, refuseUnlessNational, withinCaller } from '../admin-scope.ts';
import { CSV, JSON_MEDIA, csvBody, documentedBody } from '../raw-bodies.ts';
import { DemoFlag, ErrorBody, InvalidRows, Month, adminErrors } from '../schemas.ts';
import { ServiceSchema } from './services.ts';

const ServiceBody = Type.Object(
  {
    name_vi: Type.String({ minLength: 1, maxLength: 500 }),
    name_en: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    agency: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    online_level: Type.Union([Type.Literal('full'), Type.Literal('partial'), Type.Literal('none')], { description: 'none = not offered online (it still counts in the share of services offered online)' }),
    online_since: Type.Optional(Type.Union([Month, Type.Null()])),
  },
  { additionalProperties: false },
);

/** The catalogue, read by db/catalogue.ts with the same rules as ServiceBody: documented here, validated there. */
const catalogueBodies = documentedBody({
  [CSV]: csvBody(
    CATALOGUE_FIELDS,
    ['code', 'name_vi', 'online_level'],
    'One service per line: online_level is full, partial or none, online_since YYYY-MM or empty.',
    `${CATALOGUE_FIELDS.join(',')}\n1.001234,Đăng ký khai sinh,Birth registration,Bộ Tư pháp,full,2019-01\n`,
  ),
  [JSON_MEDIA]: Type.Object(
    {
      services: Type.Array(Type.Object({ code: Type.String({ pattern: SERVICE_CODE_PATTERN }), ...ServiceBody.properties }, { additionalProperties: false }), {
        description: 'In row errors, "row" is the 1-based position in this array',
      }),
    },
    { additionalProperties: false },
  ),
});

const CATALOGUE = { vi: 'sửa danh mục thủ tục (danh mục dùng chung cả nước)', en: 'change the service catalogue (it is national)' };

/**
 * Admin endpoints: the service registry (national admins only) and the batches' audit trail
 * (each admin reads its publishers' batches). Publishers: publishers.ts; admins: admins.ts.
 */
const adminRoutes: FastifyPluginAsyncTypebox<{ maxBodyBytes: number }> = async (fastify, { maxBodyBytes }) => {
  fastify.addHook('onRequest', fastify.requireAdmin);
  const db = fastify.db;

  fastify.put(
    '/api/v1/services/:code',
    {
      schema: {
        summary: 'Create or replace a service',
        tags: ['admin'],
        security: [{ bearer: [] }],
        params: Type.Object({ code: Type.String({ pattern: SERVICE_CODE_PATTERN }) }),
        body: ServiceBody,
        response: { 200: ServiceSchema, 201: ServiceSchema, ...adminErrors },
      },
    },
    async (request, reply) => {
      const refused = refuseUnlessNational(db, request, reply, CATALOGUE);
      if (refused) return refused;
      const { created, service } = db.sqlite.transaction(() => {
        const result = upsertService(db.sqlite, { code: request.params.code, ...request.body });
        audit(db, request, {
          action: 'service.set',
          targetType: 'service',
          targetId: request.params.code,
          detail: { created: result.created, ...request.body },
          scope: { localityCodes: ['VN'], serviceCodes: [request.params.code] },
        });
        return result;
      })();
      return reply.code(created ? 201 : 200).send(service);
    },
  );

  fastify.register(async (catalogue) => {
    catalogue.removeAllContentTypeParsers();
    catalogue.addContentTypeParser(['text/csv', 'application/json'], { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_r, body, done) => done(null, body));
    catalogue.post(
      '/api/v1/services',
      {
        config: catalogueBodies,
        schema: {
          summary: 'Import a service catalogue',
          description: 'CSV with columns code,name_vi,name_en,agency,online_level,online_since, or JSON {"services": [...]}. All or nothing.',
          tags: ['admin'],
          security: [{ bearer: [] }],
          response: {
            200: Type.Object({ services: Type.Integer(), created: Type.Integer(), updated: Type.Integer(), demo: DemoFlag }),
            ...adminErrors,
            415: ErrorBody,
            422: InvalidRows,
          },
        },
      },
      async (request, reply) => {
        const refused = refuseUnlessNational(db, request, reply, CATALOGUE);
        if (refused) return refused;
        const format = String(request.headers['content-type']).includes('json') ? 'json' : 'csv';
        const outcome = db.sqlite.transaction(() => {
          const result = importCatalogue(db.sqlite, Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0), format);
          if (result.status === 200) {
            audit(db, request, { action: 'services.import', targetType: 'service', targetId: '*', detail: { format, ...result.body }, scope: { localityCodes: ['VN'], serviceCodes: null } });
          }
          return result;
        })();
        return reply.code(outcome.status).send(inAnswerLanguage(outcome.body, request.headers['accept-language']));
      },
    );
  });

  fastify.get(
    '/api/v1/batches',
    {
      schema: {
        summary: 'The audit trail: every batch, stored or refused, with who sent it and from where',
        tags: ['admin'],
        security: [{ bearer: [] }],
        querystring: Type.Object({
          publisher: Type.Optional(Type.Integer({ minimum: 1 })),
          outcome: Type.Optional(Type.Union([Type.Literal('stored'), Type.Literal('rejected')])),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({
            count: Type.Integer(),
            demo: DemoFlag,
            batches: Type.Array(
              Type.Object({
                id: Type.Integer(),
                publisher_id: Type.Union([Type.Integer(), Type.Null()]),
                publisher_name: Type.Union([Type.String(), Type.Null()]),
                source: Type.String(),
                format: Type.String(),
                received_at: Type.String(),
                sha256: Type.String(),
                byte_size: Type.Integer(),
                remote_addr: Type.Union([Type.String(), Type.Null()]),
                outcome: Type.String(),
                status_code: Type.Integer(),
                rows: Type.Integer(),
                inserted: Type.Integer(),
                revised: Type.Integer(),
                unchanged: Type.Integer(),
                error_count: Type.Integer(),
              }),
            ),
          }),
          ...adminErrors,
        },
      },
    },
    async (request) => {
      const { publisher, outcome, limit = 100, offset = 0 } = request.query;
      // A scoped admin reads the batches of the publishers within its scope.
      const caller = callerOf(request);
      const publisherIds = caller.national ? undefined : listPublishers(db).filter((p) => withinCaller(db, request, p.scope)).map((p) => p.id);
      const batches = listBatches(db.sqlite, { publisherId: publisher, publisherIds, outcome, limit, offset });
      return { count: batches.length, batches };
    },
  );

};

export default adminRoutes;
