import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { searchLocalities } from '../../db/localities/search.ts';
import { currentMonth } from '../../db/months.ts';
import { DemoFlag, ErrorBody } from '../schemas.ts';
import { MonthParam, badMonth, localityNotIn } from './query.ts';
import { sendTranslatedError } from '../plugins/errors.ts';

const LocalitySchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: Type.String({ enum: ['country', 'province', 'commune'] }),
  parent_code: Type.Union([Type.String(), Type.Null()]),
  valid_from: Type.String({ description: 'first day, ISO' }),
  valid_to: Type.Union([Type.String(), Type.Null()], { description: 'last day, ISO; null = still exists' }),
  successor_code: Type.Union([Type.String(), Type.Null()], { description: 'the unit it became part of' }),
  merged_from: Type.Array(Type.String(), { description: 'codes of the units merged whole into it, whose rows are in its history (read them in their own months)' }),
  sources: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), share: Type.String({ enum: ['whole', 'part'] }) }), {
    description: 'for a commune of 2025-07-01: the old units it was made from (whole, or part of a split one)',
  }),
  split_into: Type.Array(Type.String(), { description: 'for an old unit split on 2025-07-01: the new communes it went to' }),
  history_from: Type.Union([Type.String(), Type.Null()], { description: 'YYYY-MM: the first month of an exact series (a commune with a split source); null = continuous' }),
  history_note: Type.Union([Type.String(), Type.Null()]),
});

const collator = new Intl.Collator('vi');

/** The units of a month (today by default): codes are only meaningful with their month. */
const localityRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/api/v1/localities',
    {
      schema: {
        summary: 'Administrative units of a month',
        description: 'All units of the month, or the children of `parent`, or those whose name matches `q` (diacritics and case aside, đ = d; exact names first, then prefixes, then the rest).',
        tags: ['read'],
        querystring: Type.Object({
          at: Type.Optional(MonthParam),
          level: Type.Optional(Type.Union([Type.Literal('country'), Type.Literal('province'), Type.Literal('commune')])),
          parent: Type.Optional(Type.String({ minLength: 1, maxLength: 16, description: 'a code: its children in the month' })),
          q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'a name or part of one, e.g. "ba dinh"' })),
        }),
        response: { 200: Type.Object({ at: Type.String(), count: Type.Integer(), localities: Type.Array(LocalitySchema), demo: DemoFlag }), 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const at = request.query.at ?? currentMonth();
      const monthProblem = badMonth(at);
      if (monthProblem) return sendTranslatedError(request, reply, 400, 'bad_request', monthProblem);
      const registry = fastify.localities;
      const { level, parent: parentCode, q } = request.query;
      let units = registry.at(at).filter((u) => !level || u.level === level);
      if (parentCode !== undefined) {
        const parent = registry.resolve(parentCode, at);
        if (!parent.ok) {
          const problem = localityNotIn(parentCode, at, parent.problem, registry);
          return sendTranslatedError(request, reply, 404, 'not_found', { vi: `Tham số parent: ${problem.vi}`, en: `parent ${problem.en}` });
        }
        units = units.filter((u) => u.parentId === parent.locality.id);
      }
      const levelOrder = { country: 0, province: 1, commune: 2 };
      units =
        q !== undefined
          ? searchLocalities(registry, units, q, at)
          : units.sort((a, b) => levelOrder[a.level] - levelOrder[b.level] || a.code.localeCompare(b.code) || collator.compare(a.name, b.name));
      const localities = units.map((u) => {
        const history = registry.historyLimit(u);
        return {
          code: u.code,
          name: registry.nameAt(u, at),
          level: u.level,
          parent_code: u.parentId === null ? null : registry.get(u.parentId).code,
          valid_from: u.validFrom,
          valid_to: u.validTo,
          successor_code: u.successorId === null ? null : registry.get(u.successorId).code,
          merged_from: registry.predecessors(u).map((p) => p.code),
          sources: registry.sources(u).map((s) => ({ code: s.unit.code, name: s.unit.name, share: s.share })),
          split_into: registry.splitBetween(u).map((c) => c.code),
          history_from: history?.history_from ?? null,
          history_note: history?.history_note ?? null,
        };
      });
      return { at, count: localities.length, localities };
    },
  );
};

export default localityRoutes;
