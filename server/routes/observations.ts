import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listObservations, observationHistory } from '../../db/observations.ts';
import { getService } from '../../db/services.ts';
import { sendTranslatedError } from '../plugins/errors.ts';
import { DemoFlag, ErrorBody } from '../schemas.ts';
import { MonthParam, badMonth, badRange, localityNotIn, unknownLocality, unknownService } from './query.ts';

const ObservationSchema = Type.Object({
  period: Type.String(),
  service_code: Type.String(),
  locality_code: Type.String(),
  locality_name: Type.String(),
  online_count: Type.Integer(),
  total_count: Type.Integer(),
  end_to_end_count: Type.Union([Type.Integer(), Type.Null()], { description: 'dossiers handled wholly online; null = not reported' }),
  fee_count: Type.Union([Type.Integer(), Type.Null()], { description: 'fee-bearing dossiers; null = not reported' }),
  paid_online_count: Type.Union([Type.Integer(), Type.Null()], { description: 'fee-bearing dossiers paid online; null = not reported' }),
  rate: Type.Union([Type.Number(), Type.Null()]),
  batch_id: Type.Integer(),
});

const RevisionSchema = Type.Object({
  online_count: Type.Integer(),
  total_count: Type.Integer(),
  end_to_end_count: Type.Union([Type.Integer(), Type.Null()], { description: 'dossiers handled wholly online; null = not reported' }),
  fee_count: Type.Union([Type.Integer(), Type.Null()], { description: 'fee-bearing dossiers; null = not reported' }),
  paid_online_count: Type.Union([Type.Integer(), Type.Null()], { description: 'fee-bearing dossiers paid online; null = not reported' }),
  rate: Type.Union([Type.Number(), Type.Null()]),
  batch_id: Type.Integer(),
  received_at: Type.String(),
  current: Type.Boolean(),
  superseded_by: Type.Union([Type.Integer(), Type.Null()]),
  withdrawn_by: Type.Union([Type.Integer(), Type.Null()], { description: 'the batch that withdrew this row (POST /api/v1/withdrawals); null = not withdrawn' }),
});

const MAX_LIMIT = 10_000;

/** Rows as reported, and the revision history of one row. */
const observationRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const serviceIdOf = (code: string | undefined) => (code === undefined ? null : (getService(fastify.db.sqlite, code)?.id ?? undefined));

  fastify.get(
    '/api/v1/observations',
    {
      schema: {
        summary: 'Observations as reported',
        description: 'Each row under the unit its code meant in its month. Paged with limit and offset; `next_offset` is null on the last page.',
        tags: ['read'],
        querystring: Type.Object({
          service: Type.Optional(Type.String({ minLength: 1 })),
          locality: Type.Optional(Type.String({ minLength: 1, description: 'rows reported under this code, in any month' })),
          within: Type.Optional(Type.String({ minLength: 1, description: "rows of today's unit with this code and of every unit under it or merged into it (its communes, old provinces and their communes)" })),
          from: Type.Optional(MonthParam),
          to: Type.Optional(MonthParam),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 1000 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({
            count: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
            next_offset: Type.Union([Type.Integer(), Type.Null()]),
            demo: DemoFlag,
            observations: Type.Array(ObservationSchema),
          }),
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { service, locality, within, from, to, limit = 1000, offset = 0 } = request.query;
      const rangeProblem = badRange(from, to);
      if (rangeProblem) return sendTranslatedError(request, reply, 400, 'bad_request', rangeProblem);
      const serviceId = serviceIdOf(service);
      if (serviceId === undefined) return sendTranslatedError(request, reply, 404, 'not_found', unknownService(service!));
      let localityIds: number[] | null = null;
      if (locality !== undefined) {
        localityIds = fastify.localities.all().filter((u) => u.code === locality).map((u) => u.id);
        if (localityIds.length === 0) return sendTranslatedError(request, reply, 404, 'not_found', unknownLocality(locality));
      }
      if (within !== undefined) {
        const unit = fastify.localities.current(within);
        if (!unit) return sendTranslatedError(request, reply, 404, 'not_found', unknownLocality(within));
        // The country holds every row; any other unit, its members in today's boundaries.
        if (unit.level !== 'country') {
          const members = new Set(fastify.localities.memberIds(unit));
          localityIds = localityIds === null ? [...members] : localityIds.filter((id) => members.has(id));
        }
      }
      const { rows, more } = listObservations(fastify.db.sqlite, { serviceId, localityIds, from, to, limit, offset });
      return { count: rows.length, limit, offset, next_offset: more ? offset + limit : null, observations: rows };
    },
  );

  fastify.get(
    '/api/v1/observations/history',
    {
      schema: {
        summary: 'Every revision of one observation',
        tags: ['read'],
        querystring: Type.Object({ service: Type.String({ minLength: 1 }), locality: Type.String({ minLength: 1 }), period: MonthParam }),
        response: {
          200: Type.Object({
            service: Type.String(),
            locality: Type.String(),
            locality_name: Type.String(),
            period: Type.String(),
            demo: DemoFlag,
            revisions: Type.Array(RevisionSchema),
          }),
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { service, locality, period } = request.query;
      const monthProblem = badMonth(period);
      if (monthProblem) return sendTranslatedError(request, reply, 400, 'bad_request', monthProblem);
      const serviceId = serviceIdOf(service);
      if (serviceId === undefined || serviceId === null) return sendTranslatedError(request, reply, 404, 'not_found', unknownService(service!));
      const resolved = fastify.localities.resolve(locality, period);
      if (!resolved.ok) return sendTranslatedError(request, reply, 404, 'not_found', localityNotIn(locality, period, resolved.problem, fastify.localities));
      const revisions = observationHistory(fastify.db.sqlite, resolved.locality.id, serviceId, period);
      return { service, locality, locality_name: resolved.locality.name, period, revisions };
    },
  );
};

export default observationRoutes;
