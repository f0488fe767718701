import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { searchLocalities } from '../../db/localities/search.ts';
import { currentMonth } from '../../db/months.ts';
import { DemoFlag, ErrorBody } from '../schemas.ts';
import { MonthParam, badMonth } from './query.ts';
import { sendError } from '../plugins/errors.ts';

const LocalitySchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: Type.String({ enum: ['country', 'province', 'commune'] }),
  parent_code: Type.Union([Type.String(), Type.Null()]),
  valid_from: Type.String({ description: 'first day, ISO' }),
  valid_to: Type.Union([Type.String(), Type.Null()], { description: 'last day, ISO; null = still exists' }),
  successor_code: Type.Union([Type.String(), Type.Null()], { description: 'the unit it became part of' }),
  merged_from: Type.Array(Type.String(), { description: 'codes of the units merged into it (read them in their own months)' }),
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
      if (badMonth(at)) return sendError(reply, 400, 'bad_request', badMonth(at)!);
      const registry = fastify.localities;
      const { level, parent: parentCode, q } = request.query;
      let units = registry.at(at).filter((u) => !level || u.level === level);
      if (parentCode !== undefined) {
        const parent = registry.resolve(parentCode, at);
        if (!parent.ok) return sendError(reply, 404, 'not_found', `parent ${parent.message}`);
        units = units.filter((u) => u.parentId === parent.locality.id);
      }
      const levelOrder = { country: 0, province: 1, commune: 2 };
      units =
        q !== undefined
          ? searchLocalities(registry, units, q, at)
          : units.sort((a, b) => levelOrder[a.level] - levelOrder[b.level] || a.code.localeCompare(b.code) || collator.compare(a.name, b.name));
      const localities = units.map((u) => ({
        code: u.code,
        name: registry.nameAt(u, at),
        level: u.level,
        parent_code: u.parentId === null ? null : registry.get(u.parentId).code,
        valid_from: u.validFrom,
        valid_to: u.validTo,
        successor_code: u.successorId === null ? null : registry.get(u.successorId).code,
        merged_from: registry.predecessors(u).map((p) => p.code),
      }));
      return { at, count: localities.length, localities };
    },
  );
};

export default localityRoutes;
