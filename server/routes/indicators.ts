import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { GROUP_MAX_SCORE, SCORING, publicIndicators } from '../../db/indicators/catalogue.ts';
import { SCORECARD_NOTE, scorecard } from '../../db/indicators/scorecard.ts';
import { currentMonth } from '../../db/months.ts';
import { listServices } from '../../db/services.ts';
import { answerLanguage } from '../accept-language.ts';
import { sendTranslatedError } from '../plugins/errors.ts';
import { DemoFlag, ErrorBody, Nullable } from '../schemas.ts';
import { unknownLocality } from './query.ts';

const IndicatorSchema = Type.Object({
  id: Type.String(),
  name_vi: Type.String(),
  name_en: Type.String(),
  numerator: Type.String(),
  numerator_vi: Type.String(),
  denominator: Type.String(),
  denominator_vi: Type.String(),
  reference: Type.String({ description: 'the indicator of Decision 766/QĐ-TTg it follows' }),
  full_score_at: Type.Number({ description: 'the share from which it scores full points' }),
  max_points: Type.Number({ description: 'its points in the group of 22' }),
  counts: Type.String({ enum: ['dossiers', 'services'] }),
  measure: Type.Optional(Type.String({ description: 'dossier indicators: the measure divided (online, end_to_end, paid_online)' })),
  scoring: Type.String(),
  scoring_vi: Type.String(),
});

const Share = Nullable(Type.Number());

const ScorecardSchema = Type.Object({
  locality: Type.String(),
  locality_name: Type.String(),
  agency: Nullable(Type.String()),
  year: Type.String(),
  from: Type.String(),
  to: Type.String({ description: 'the last month scored: December, or the current month of a year in progress' }),
  score: Type.Number(),
  max_score: Type.Number(),
  parts: Type.Array(
    Type.Object({
      indicator: Type.String(),
      name_vi: Type.String(),
      name_en: Type.String(),
      reference: Type.String(),
      numerator: Type.Integer(),
      denominator: Type.Integer(),
      value: Share,
      points: Type.Number(),
      max_points: Type.Number(),
      full_score_at: Type.Number(),
      formula_vi: Type.String(),
      formula_en: Type.String(),
    }),
  ),
  note: Type.String({ description: 'computed from the data reported here, not the official score (in the language asked for)' }),
  note_vi: Type.String(),
  note_en: Type.String(),
  explanation: Type.String({ description: 'the score in words, with its numbers (in the language asked for)' }),
  explanation_vi: Type.String(),
  explanation_en: Type.String(),
  demo: DemoFlag,
});

/** GET /api/v1/indicators (the catalogue of indicators) and GET /api/v1/scorecard (the 766 online-services group, computed from the data here). */
const indicatorRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/api/v1/indicators',
    {
      schema: {
        summary: 'Every indicator: what it divides, its 766 reference and how it scores',
        tags: ['read'],
        response: {
          200: Type.Object({ max_score: Type.Number(), scoring: Type.String(), scoring_vi: Type.String(), note: Type.String(), note_vi: Type.String(), indicators: Type.Array(IndicatorSchema), demo: DemoFlag }),
        },
      },
    },
    async () => ({ max_score: GROUP_MAX_SCORE, scoring: SCORING.en, scoring_vi: SCORING.vi, note: SCORECARD_NOTE.en, note_vi: SCORECARD_NOTE.vi, indicators: publicIndicators() }),
  );

  fastify.get(
    '/api/v1/scorecard',
    {
      schema: {
        summary: 'The online-services group of the 766 index for a locality or a ministry and a year, from the data reported here',
        description: 'Not the official score. A year in progress is scored on its months so far.',
        tags: ['read'],
        querystring: Type.Object({
          locality: Type.Optional(Type.String({ minLength: 1, description: 'a province, a commune or VN (default)' })),
          agency: Type.Optional(Type.String({ minLength: 1, description: "a ministry's services only: an agency of GET /api/v1/services" })),
          year: Type.Optional(Type.String({ pattern: '^\\d{4}$', description: 'YYYY; default the current year' })),
        }),
        response: { 200: ScorecardSchema, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const today = currentMonth();
      const { locality = 'VN', agency } = request.query;
      const year = request.query.year ?? today.slice(0, 4);
      if (year < '2000' || year > today.slice(0, 4)) {
        return sendTranslatedError(request, reply, 400, 'bad_request', {
          vi: `Năm ${year} không có số liệu: xin chọn từ năm 2000 đến năm ${today.slice(0, 4)}.`,
          en: `year ${year} is outside 2000–${today.slice(0, 4)}`,
        });
      }
      const unit = fastify.localities.current(locality);
      if (!unit) return sendTranslatedError(request, reply, 404, 'not_found', unknownLocality(locality));
      const name = agency?.normalize('NFC');
      if (name !== undefined && !listServices(fastify.db.sqlite).some((s) => s.agency === name)) {
        return sendTranslatedError(request, reply, 404, 'not_found', {
          vi: `Không có bộ, ngành nào tên «${name}» trong danh mục thủ tục (trường agency ở /api/v1/services).`,
          en: `no service has the agency "${name}"; see the agency field of /api/v1/services`,
        });
      }
      const card = await fastify.withRollups((cube) => scorecard(fastify.db.sqlite, fastify.localities, { locality: unit, year, agency: name ?? null, today }, cube));
      const vi = answerLanguage(request.headers['accept-language']) === 'vi';
      return { ...card, note: vi ? card.note_vi : card.note_en, explanation: vi ? card.explanation_vi : card.explanation_en };
    },
  );
};

export default indicatorRoutes;
