import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { localityRegistry } from '../../db/localities/registry.ts';
import { DEFAULT_INDICATOR, INDICATORS } from '../../db/indicators/catalogue.ts';
import { coversService, coversUnit } from '../../db/scopes.ts';
import { rowError } from '../../db/ingest/messages.ts';
import { type TargetInput, type TargetScope, type TargetsOutcome, TARGET_FIELDS, TARGET_MESSAGES, deleteTarget, getTarget, importTargets, listTargets, upsertTargets } from '../../db/watch/targets.ts';
import { inAnswerLanguage } from '../accept-language.ts';
import { audit, callerOf, callerScopeText, refuseOutside } from '../admin-scope.ts';
import { sendTranslatedError } from '../plugins/errors.ts';
import { CSV, JSON_MEDIA, csvBody, documentedBody } from '../raw-bodies.ts';
import { DemoFlag, ErrorBody, InvalidRows, Nullable, RowErrorSchema, adminErrors } from '../schemas.ts';

const MonthText = Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM' });
const INDICATOR_IDS = INDICATORS.map((i) => i.id).join(', ');

const TargetSchema = Type.Object({
  id: Type.Integer(),
  service_code: Nullable(Type.String({ description: 'null = all services together' })),
  locality_code: Type.String(),
  locality_name: Type.String(),
  due_month: MonthText,
  target_rate: Type.Number({ description: 'a fraction: 0.5 = 50% (of dossiers online, for online_rate)' }),
  indicator: Type.String({ description: `the indicator the target is set on: ${INDICATOR_IDS} (GET /api/v1/indicators)` }),
  created_at: Type.String(),
});

const TargetInputSchema = Type.Object(
  {
    service_code: Type.Optional(Nullable(Type.String({ description: 'a service code; null or omitted = all services' }))),
    locality_code: Type.String({ description: 'VN, a current province or a current commune code' }),
    due_month: Type.String({ description: 'YYYY-MM' }),
    target_rate: Type.Number({ description: 'a fraction above 0 and at most 1: 0.5 = 50% (of dossiers online, for online_rate)' }),
    indicator: Type.Optional(
      Nullable(Type.String({ maxLength: 64, description: `one of ${INDICATOR_IDS} (GET /api/v1/indicators); null or omitted = ${DEFAULT_INDICATOR}; any other value is a row error (422)` })),
    ),
  },
  { additionalProperties: false },
);
const TargetsBody = Type.Object({ targets: Type.Array(TargetInputSchema, { minItems: 1, maxItems: 100_000 }) }, { additionalProperties: false });

/** JSON is validated by Fastify against TargetsBody; CSV arrives as bytes for importTargets, so its shape is documented only. */
const targetBodies = documentedBody({
  [JSON_MEDIA]: TargetsBody,
  [CSV]: csvBody(
    TARGET_FIELDS,
    TARGET_FIELDS.filter((f) => f !== 'service_code' && f !== 'indicator'),
    `target_rate is a fraction above 0 and at most 1 (0.5 = 50%); an empty service_code = all services; due_month is YYYY-MM; indicator is one of ${INDICATOR_IDS}, empty = ${DEFAULT_INDICATOR}.`,
    `${TARGET_FIELDS.join(',')}\n,79,2026-12,0.8,\n,VN,2026-12,0.8,end_to_end_rate\n`,
  ),
});

const OutsideRows = Type.Object({
  error: Type.Literal('outside_scope'),
  message: Type.String(),
  message_vi: Type.String(),
  message_en: Type.String(),
  error_count: Type.Integer(),
  errors: Type.Array(RowErrorSchema),
  demo: DemoFlag,
});

/**
 * Targets (bearer ADMIN_TOKEN or a scoped admin's token): each admin reads, sets and deletes the
 * targets within its scope (a province's and its communes'; a ministry's services). Audited.
 */
const targetRoutes: FastifyPluginAsyncTypebox<{ maxBodyBytes?: number }> = async (fastify, { maxBodyBytes = 100 * 1024 * 1024 }) => {
  const db = fastify.db;
  fastify.addHook('onRequest', fastify.requireAdmin);
  // JSON (the default parser) or CSV; anything else is a 415.
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_request, body, done) => done(null, body));

  const scopeOf = (request: Parameters<typeof callerOf>[0]): TargetScope => {
    const registry = localityRegistry(db.sqlite);
    const scope = callerOf(request).scope;
    return (serviceId, localityId) => coversService(scope, serviceId) && coversUnit(registry, scope, localityId);
  };

  fastify.get(
    '/api/v1/targets',
    {
      schema: {
        summary: 'Every target within your scope',
        tags: ['admin'],
        security: [{ bearer: [] }],
        response: { 200: Type.Object({ count: Type.Integer(), targets: Type.Array(TargetSchema), demo: DemoFlag }), ...adminErrors },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const registry = localityRegistry(db.sqlite);
      const targets = caller.national
        ? listTargets(db.sqlite)
        : listTargets(db.sqlite).filter((t) => {
            const unit = registry.current(t.locality_code);
            const services = caller.scope.serviceCodes;
            return unit !== undefined && coversUnit(registry, caller.scope, unit.id) && (services === null || (t.service_code !== null && services.includes(t.service_code)));
          });
      return { count: targets.length, targets };
    },
  );

  fastify.post(
    '/api/v1/targets',
    {
      config: targetBodies,
      schema: {
        summary: 'Create or replace targets within your scope: 201 when any was created, 200 when all replaced existing ones',
        description:
          'JSON {"targets": [...]} or CSV with columns service_code,locality_code,due_month,target_rate and optionally indicator (target_rate a fraction, 0.5 = 50%; ' +
          `empty service_code = all services; locality VN, a current province or a current commune; indicator one of ${INDICATOR_IDS}, default ${DEFAULT_INDICATOR}, judged on that indicator's series). ` +
          'A target with the same indicator, service, locality and due month is replaced. All or nothing: ' +
          'a row outside your scope (another province; all services, or a service not yours, for a ministry\'s admin) is a 403 listing every such row.',
        tags: ['admin'],
        security: [{ bearer: [] }],
        body: {
          content: {
            'application/json': { schema: TargetsBody },
            'text/csv': { schema: Type.Unknown({ description: 'CSV: service_code,locality_code,due_month,target_rate[,indicator]' }) },
          },
        },
        response: {
          200: Type.Object({ targets: Type.Integer(), created: Type.Integer(), updated: Type.Integer(), demo: DemoFlag }),
          201: Type.Object({ targets: Type.Integer(), created: Type.Integer(), updated: Type.Integer(), demo: DemoFlag }),
          ...adminErrors,
          403: Type.Union([OutsideRows, ErrorBody]),
          415: ErrorBody,
          422: InvalidRows,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as unknown;
      const inScope = callerOf(request).national ? undefined : scopeOf(request);
      const outcome: TargetsOutcome = db.sqlite.transaction(() => {
        const result = Buffer.isBuffer(body)
          ? importTargets(db.sqlite, body, 'csv', new Date(), inScope)
          : upsertTargets(db.sqlite, (body as { targets: TargetInput[] }).targets, new Date(), inScope);
        if (result.status === 200) {
          const localities = [...new Set(result.stored.map((t) => t.locality_code))].sort();
          const services = result.stored.some((t) => t.service_code === null) ? null : [...new Set(result.stored.map((t) => t.service_code!))].sort();
          audit(db, request, {
            action: 'targets.set',
            targetType: 'target',
            targetId: '*',
            detail: { ...result.body, rows: result.stored.slice(0, 100) },
            scope: { localityCodes: localities, serviceCodes: services },
          });
        }
        return result;
      })();
      const language = request.headers['accept-language'];
      if (outcome.status === 403) return reply.code(403).send(inAnswerLanguage(outsideRows(request, outcome.outside, Buffer.isBuffer(body) ? 'csv' : 'json'), language));
      if (outcome.status === 200) return reply.code(outcome.body.created > 0 ? 201 : 200).send(outcome.body);
      return reply.code(outcome.status).send(inAnswerLanguage(outcome.body, language));
    },
  );

  /** Every row outside the caller's scope, each with its row, in both languages. */
  function outsideRows(request: Parameters<typeof callerOf>[0], rows: Array<{ row: number; service_code: string | null; locality_code: string }>, kind: 'csv' | 'json') {
    const mine = callerScopeText(db, callerOf(request));
    const vi = `${rows.length} chỉ tiêu nằm ngoài phạm vi quản trị của bạn [${mine.vi}]; chưa lưu chỉ tiêu nào.`;
    const en = `${rows.length} target(s) outside your admin scope [${mine.en}]; nothing was stored`;
    return {
      error: 'outside_scope' as const,
      message: en,
      message_vi: vi,
      message_en: en,
      error_count: rows.length,
      errors: rows.slice(0, 1000).map((r) => rowError(kind, r.row, 'locality_code', r.locality_code, TARGET_MESSAGES.outsideScope(r.service_code, r.locality_code, mine))),
    };
  }

  fastify.delete(
    '/api/v1/targets/:id',
    {
      schema: {
        summary: 'Delete a target within your scope',
        tags: ['admin'],
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 204: Type.Null(), 404: ErrorBody, ...adminErrors },
      },
    },
    async (request, reply) => {
      const target = getTarget(db, request.params.id);
      if (!target) {
        return sendTranslatedError(request, reply, 404, 'not_found', {
          vi: `Không có chỉ tiêu số ${request.params.id}; GET /api/v1/targets liệt kê các chỉ tiêu`,
          en: `no target ${request.params.id}; GET /api/v1/targets lists them`,
        });
      }
      const registry = localityRegistry(db.sqlite);
      const locality = registry.get(target.localityId).code;
      const service = target.serviceId === null ? null : (db.sqlite.prepare('SELECT code FROM services WHERE id = ?').pluck().get(target.serviceId) as string);
      if (!scopeOf(request)(target.serviceId, target.localityId)) {
        return refuseOutside(db, request, reply, {
          vi: `chỉ tiêu ${target.id} [${service === null ? 'mọi thủ tục' : `thủ tục ${service}`} tại ${locality}]`,
          en: `target ${target.id} [${service === null ? 'all services' : `service ${service}`} in ${locality}]`,
        });
      }
      db.sqlite.transaction(() => {
        deleteTarget(db, target.id);
        audit(db, request, {
          action: 'target.delete',
          targetType: 'target',
          targetId: String(target.id),
          detail: { service_code: service, locality_code: locality, due_month: target.dueMonth, target_rate: target.targetRate, indicator: target.indicator },
          scope: { localityCodes: [locality], serviceCodes: service === null ? null : [service] },
        });
      })();
      return reply.code(204).send(null);
    },
  );
};

export default targetRoutes;
