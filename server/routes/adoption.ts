import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { adoptionSeries } from '../../db/adoption.ts';
import { asOfBatchProblem } from '../../db/batches.ts';
import { breakdown, breakdownProblem } from '../../db/breakdown.ts';
import type { Locality } from '../../db/localities/registry.ts';
import { addMonths, currentMonth } from '../../db/months.ts';
import { INDICATORS, indicatorById } from '../../db/indicators/catalogue.ts';
import { indicatorSeries } from '../../db/indicators/series.ts';
import { getService } from '../../db/services.ts';
import { type Texts, sendTranslatedError } from '../plugins/errors.ts';
import { DemoFlag, ErrorBody } from '../schemas.ts';
import { MonthParam, badMonth, badRange, localityNotIn, noAsOfForServices, unknownIndicator, unknownLocality, unknownService } from './query.ts';

const BucketSchema = Type.Object({
  period: Type.String({ description: 'YYYY-MM, YYYY-Qn or YYYY' }),
  first_month: Type.String(),
  last_month: Type.String(),
  months: Type.Integer({ description: 'months in the bucket that have data' }),
  online_count: Type.Integer(),
  total_count: Type.Integer(),
  rate: Type.Union([Type.Number(), Type.Null()], { description: 'Σonline / Σtotal, 4 decimals; null when the total is 0' }),
  coverage: Type.Object(
    {
      reporting: Type.Integer({ description: 'expected units with a row in every month of the bucket' }),
      expected: Type.Integer({ description: 'units with a row in the bucket or in the 12 months before it' }),
    },
    { description: 'who reported: provinces for VN; for other localities the units rows are sent for (itself, its communes, the units merged into it)' },
  ),
  complete: Type.Boolean({ description: 'every expected unit reported, the months have ended, and a quarter or year bucket spans its whole quarter or year' }),
});

/** A bucket of an indicator (adoption?indicator=): its numerator and denominator instead of the online and total counts. */
const IndicatorBucketSchema = Type.Object({
  ...Type.Omit(BucketSchema, ['online_count', 'total_count', 'rate']).properties,
  numerator: Type.Integer({ description: 'Σ of its numerator over the rows (or services) that reported its measure' }),
  denominator: Type.Integer({ description: 'Σ of its denominator over the same rows (or services)' }),
  rate: Type.Union([Type.Number(), Type.Null()], { description: 'Σnumerator / Σdenominator, 4 decimals; null when the denominator is 0' }),
});

const AdoptionSchema = Type.Object({
  indicator: Type.Optional(Type.String({ description: 'the indicator asked for (GET /api/v1/indicators)' })),
  service: Type.String(),
  locality: Type.String(),
  locality_name: Type.String(),
  granularity: Type.String(),
  as_of_batch: Type.Optional(Type.Integer()),
  history_from: Type.Optional(Type.String({ description: 'YYYY-MM: a commune with a split source has an exact series only from the reform' })),
  history_note: Type.Optional(Type.String({ description: 'why the series starts at history_from, naming the split old communes' })),
  demo: DemoFlag,
  // Two shapes rather than optional fields: the serializer writes required fields first, and the
  // counts' answer keeps its field order.
  series: Type.Array(Type.Union([BucketSchema, IndicatorBucketSchema])),
});

const CoverageSchema = BucketSchema.properties.coverage;

const BreakdownSchema = Type.Object({
  locality: Type.String(),
  by: Type.String(),
  service: Type.String(),
  from: Type.String(),
  to: Type.String(),
  demo: DemoFlag,
  rows: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      online_count: Type.Integer(),
      total_count: Type.Integer(),
      rate: Type.Union([Type.Number(), Type.Null()]),
      coverage: CoverageSchema,
    }),
  ),
});

/** GET /api/v1/adoption: the adoption rate of a service (or all) in a locality, over time; /breakdown: its units side by side. */
const adoptionRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  /** The locality and service a query names, or what is unknown. */
  const scopeOf = (locality: string, service: string | undefined, at?: string): { unit: Locality; serviceId: number | null } | Texts => {
    let unit: Locality | undefined;
    if (at === undefined) unit = fastify.localities.current(locality);
    else {
      const resolved = fastify.localities.resolve(locality, at);
      if (!resolved.ok) return localityNotIn(locality, at, resolved.problem, fastify.localities);
      unit = resolved.locality;
    }
    if (!unit) return unknownLocality(locality);
    if (service === undefined) return { unit, serviceId: null };
    const found = getService(fastify.db.sqlite, service);
    return found ? { unit, serviceId: found.id } : unknownService(service);
  };

  fastify.get(
    '/api/v1/adoption',
    {
      schema: {
        summary: 'Adoption rate over time',
        description:
          'rate = Σonline_count / Σtotal_count over the bucket (never a mean of rates). A current locality includes the units merged into it.',
        tags: ['read'],
        querystring: Type.Object({
          service: Type.Optional(Type.String({ minLength: 1, description: 'a service code; omitted = all services' })),
          locality: Type.Optional(Type.String({ minLength: 1, description: 'a locality code; omitted = VN' })),
          at: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM: read the code as it was in that month (at=2025-06&locality=00004 is the old Phường Trúc Bạch); omitted = the unit of today, or the last that had the code' })),
          from: Type.Optional(MonthParam),
          to: Type.Optional(MonthParam),
          granularity: Type.Optional(Type.Union([Type.Literal('month'), Type.Literal('quarter'), Type.Literal('year')], { default: 'month' })),
          indicator: Type.Optional(
            Type.String({
              minLength: 1,
              description: `an indicator of GET /api/v1/indicators (${INDICATORS.map((i) => i.id).join(', ')}): buckets of numerator, denominator and rate, counting only the rows that reported its measure`,
            }),
          ),
          as_of_batch: Type.Optional(
            Type.Integer({ minimum: 0, description: 'the numbers as they stood right after this stored batch; such answers never change (archived embeds). 404 for a batch that does not exist yet or was refused' }),
          ),
        }),
        response: { 200: AdoptionSchema, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { service, locality = 'VN', at, from, to, granularity = 'month', as_of_batch: asOfBatch } = request.query;
      const rangeProblem = badRange(from, to) ?? (at === undefined ? null : badMonth(at));
      if (rangeProblem) return sendTranslatedError(request, reply, 400, 'bad_request', rangeProblem);
      const indicator = request.query.indicator === undefined ? null : indicatorById(request.query.indicator);
      if (indicator === undefined) return sendTranslatedError(request, reply, 400, 'bad_request', unknownIndicator(request.query.indicator!));
      if (indicator && !indicator.measure && asOfBatch !== undefined) return sendTranslatedError(request, reply, 400, 'bad_request', noAsOfForServices(indicator.id));
      const scope = scopeOf(locality, service, at);
      if (!('unit' in scope)) return sendTranslatedError(request, reply, 404, 'not_found', scope);
      const { unit, serviceId } = scope;
      const batchProblem = asOfBatch === undefined ? null : asOfBatchProblem(fastify.db, asOfBatch);
      if (batchProblem) return sendTranslatedError(request, reply, 404, 'not_found', batchProblem);
      const query = { serviceId, locality: unit, from, to, granularity, asOfBatch };
      const series = !indicator
        ? adoptionSeries(fastify.db.sqlite, fastify.localities, query)
        : indicator.readsSums && !indicator.measure
          ? await fastify.withRollups((cube) => indicatorSeries(fastify.db.sqlite, fastify.localities, indicator, query, cube))
          : indicatorSeries(fastify.db.sqlite, fastify.localities, indicator, query);
      // A frozen answer can be cached for good.
      if (asOfBatch !== undefined) reply.header('cache-control', 'public, max-age=31536000, immutable');
      const history = fastify.localities.historyLimit(unit);
      return {
        ...(indicator ? { indicator: indicator.id } : {}),
        service: service ?? 'all',
        locality: unit.code,
        locality_name: unit.name,
        granularity,
        ...(asOfBatch === undefined ? {} : { as_of_batch: asOfBatch }),
        ...(history ?? {}),
        series,
      };
    },
  );

  fastify.get(
    '/api/v1/adoption/breakdown',
    {
      schema: {
        summary: 'The units within a locality side by side: provinces, communes or services',
        description: 'One row per unit over the months from..to (default: the 12 months to the last month that has ended), lowest rate first, null rates last, each with its coverage.',
        tags: ['read'],
        querystring: Type.Object({
          by: Type.Union([Type.Literal('province'), Type.Literal('commune'), Type.Literal('service')]),
          locality: Type.Optional(Type.String({ minLength: 1, description: 'a locality code; omitted = VN' })),
          service: Type.Optional(Type.String({ minLength: 1, description: 'one service (not with by=service); omitted = all' })),
          from: Type.Optional(MonthParam),
          to: Type.Optional(MonthParam),
        }),
        response: { 200: BreakdownSchema, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { by, locality = 'VN', service } = request.query;
      const today = currentMonth();
      const to = request.query.to ?? addMonths(today, -1);
      const from = request.query.from ?? addMonths(to, -11);
      const rangeProblem = badRange(from, to);
      if (rangeProblem) return sendTranslatedError(request, reply, 400, 'bad_request', rangeProblem);
      if (by === 'service' && service !== undefined) return sendTranslatedError(request, reply, 400, 'bad_request', {
          vi: 'by=service liệt kê mọi thủ tục nên không dùng kèm tham số service: xin bỏ service= khỏi yêu cầu.',
          en: 'by=service lists every service: leave out service=',
        });
      const scope = scopeOf(locality, service);
      if (!('unit' in scope)) return sendTranslatedError(request, reply, 404, 'not_found', scope);
      const problem = breakdownProblem(scope.unit, by);
      if (problem) return sendTranslatedError(request, reply, 400, 'bad_request', problem);
      const rows = breakdown(fastify.db.sqlite, fastify.localities, { locality: scope.unit, by, serviceId: scope.serviceId, from, to, today });
      return { locality: scope.unit.code, by, service: service ?? 'all', from, to, rows };
    },
  );
};

export default adoptionRoutes;
