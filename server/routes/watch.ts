import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type Database from 'better-sqlite3';
import { type Static, Type } from 'typebox';
import { dataVersion, lastStoredBatch } from '../../db/meta.ts';
import { reportingTimeZone } from '../../db/months.ts';
import { getService } from '../../db/services.ts';
import { DEFAULT_DUE_DAY, DEFAULT_THRESHOLD, SIGNALS, type Signal, type WatchResult, computeSignals, flagPage, sortFlags } from '../../db/watch/signals.ts';
import { noCommuneData } from '../../db/watch/explain.ts';
import { sendTranslatedError } from '../plugins/errors.ts';
import { DemoFlag, ErrorBody, Nullable } from '../schemas.ts';

const MonthText = Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM' });
/** One of the engine's signals (an enum, so that a typo gets "must be equal to one of the allowed values"). */
const SignalSchema = Type.Unsafe<Signal>({ type: 'string', enum: [...SIGNALS], description: SIGNALS.join(', ') });

export const FlagSchema = Type.Object({
  signal: SignalSchema,
  service_code: Nullable(Type.String({ description: 'null = all services together (or a publisher)' })),
  locality_code: Nullable(Type.String({ description: 'a current province or commune, VN for the country; null for a publisher' })),
  province_code: Type.Optional(Type.String({ description: "a commune's flag only: the commune's province" })),
  severity: Type.Number({ minimum: 0, maximum: 1, description: 'for ranking within a signal: 0 mild, 1 worst' }),
  paper_12m: Type.Number({ description: 'dossiers not submitted online over the 12-month window, in the scope of the flag' }),
  metrics: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Null()]), { description: 'the numbers behind the flag; a few labels (cause, status, method)' }),
  explanation_vi: Type.String(),
  explanation_en: Type.String(),
});

export const OnlineServiceShareSchema = Type.Object(
  {
    locality_code: Type.String(),
    locality_name: Type.String(),
    online_services: Type.Integer({ description: 'services online since the start of the last 3 months, reported in the window' }),
    with_online_dossiers: Type.Integer({ description: 'of those, services with at least one online dossier in the last 3 months' }),
    with_any_dossiers: Type.Integer({ description: 'of those, services with at least one dossier (any channel) in the last 3 months' }),
    share: Nullable(Type.Number({ description: 'with_online_dossiers / online_services, 4 decimals' })),
  },
  { description: 'Indicator 3.2 of the 766 index: the share of online services that received any online dossier' },
);

const Span = Type.Object({ from: MonthText, to: MonthText });

export const NoteSchema = Type.Object(
  {
    reason: Type.Literal('no_commune_data'),
    vi: Type.String(),
    en: Type.String(),
  },
  { description: 'Why the answer has no commune flags: the province (or commune) asked about has no commune data in the months read' },
);

const FlagsAnswer = Type.Object({
  window: Span,
  recent: Span,
  threshold: Type.Number(),
  due_day: Type.Integer(),
  expected_month: MonthText,
  computed_at: Type.String(),
  count: Type.Integer({ description: 'flags matching the filters, before limit and offset' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
  flags: Type.Array(FlagSchema),
  online_service_share: Type.Array(OnlineServiceShareSchema),
  note: Nullable(NoteSchema),
  demo: DemoFlag,
});


/**
 * The watch list is computed from the whole database: keep the last answers until anything
 * they read changes (counts, batches, services, publishers, targets, pull sources) or the day turns.
 * Only the answers of the current state are kept (a few thresholds): each holds the commune rows
 * of its window, and older states are never asked for again.
 */
const cache = new WeakMap<Database.Database, { state: string; byThreshold: Map<number, WatchResult> }>();

function stateKey(sqlite: Database.Database, now: Date): string {
  const one = (sql: string) => String(sqlite.prepare(sql).pluck().get());
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: reportingTimeZone(), year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return [
    day,
    dataVersion(sqlite),
    lastStoredBatch(sqlite),
    one("SELECT count(*) || ':' || coalesce(max(updated_at), '') FROM services"),
    one("SELECT count(*) || ':' || count(revoked_at) FROM publishers"),
    one("SELECT count(*) || ':' || coalesce(group_concat(id || '=' || target_rate), '') FROM targets"),
    // A source that recovers clears its late_data flag, though no count changed.
    one("SELECT count(*) || ':' || coalesce(group_concat(id || '=' || enabled || consecutive_failures || coalesce(last_success_at, '')), '') FROM pull_sources"),
  ].join('|');
}

export function watchResult(sqlite: Database.Database, threshold = DEFAULT_THRESHOLD, now = new Date()): WatchResult {
  const state = stateKey(sqlite, now);
  let entry = cache.get(sqlite);
  if (!entry || entry.state !== state) cache.set(sqlite, (entry = { state, byThreshold: new Map() }));
  let result = entry.byThreshold.get(threshold);
  if (!result) {
    result = computeSignals(sqlite, { now, threshold, dueDay: DEFAULT_DUE_DAY });
    if (entry.byThreshold.size >= 4) entry.byThreshold.clear();
    entry.byThreshold.set(threshold, result);
  }
  return result;
}

/** GET /api/v1/flags (public); the targets it reads are set in targets.ts. */
const watchRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/api/v1/flags',
    {
      schema: {
        summary: 'The watch list: problems found, explained and ranked',
        description:
          'Signals computed from the rollups in today\'s boundaries over the 12 complete months ending at the latest complete month: ' +
          'low_usage, unused_online, paper_backlog, peer_gap, stalled, sudden_drop, late_data, target (on any indicator of GET /api/v1/indicators), ' +
          'and from the optional measures, over only the rows that reported them: online_for_show (much submitted online, little handled end to end) ' +
          'and payment_lag (much submitted online, fees still paid offline). ' +
          'Also per service × commune and per commune, from the rows reported by commune (peers: the communes of the same province; ' +
          'a commune flag carries province_code). Sorted by paper backlog (dossiers still on paper in the scope of the flag) unless sort=severity. ' +
          'With within=<province> or locality|within=<commune> and no commune data for it in the months read, `note` says so (reason no_commune_data); otherwise note is null.',
        tags: ['read'],
        querystring: Type.Object({
          signal: Type.Optional(SignalSchema),
          locality: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'a locality code: a province, a commune (its own flags), VN = country-level flags' })),
          within: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'a locality code: its flags and those of every unit under it (VN = every flag)' })),
          service: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'a service code' })),
          sort: Type.Optional(Type.Union([Type.Literal('paper'), Type.Literal('severity')], { default: 'paper' })),
          threshold: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: `low_usage threshold, a fraction; default ${DEFAULT_THRESHOLD}` })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 100 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: { 200: FlagsAnswer, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { signal, locality, within, service, sort = 'paper', threshold = DEFAULT_THRESHOLD, limit = 100, offset = 0 } = request.query;
      const sqlite = fastify.db.sqlite;
      let localityCode: string | undefined;
      const localityUnit = locality === undefined ? undefined : fastify.localities.current(locality);
      if (locality !== undefined) {
        if (!localityUnit) return sendTranslatedError(request, reply, 404, 'not_found', { vi: `Không có địa bàn mã "${locality}"; danh sách địa bàn ở /api/v1/localities.`, en: `unknown locality "${locality}"; see /api/v1/localities` });
        localityCode = localityUnit.code;
      }
      // Flags name today's units: a unit's own code and its children's codes cover it.
      let under: ((code: string | null) => boolean) | null = null;
      const withinUnit = within === undefined ? undefined : fastify.localities.current(within);
      if (within !== undefined) {
        if (!withinUnit) return sendTranslatedError(request, reply, 404, 'not_found', { vi: `Không có địa bàn mã "${within}"; danh sách địa bàn ở /api/v1/localities.`, en: `unknown locality "${within}"; see /api/v1/localities` });
        const codes = new Set([withinUnit.code, ...fastify.localities.children(withinUnit).map((c) => c.code)]);
        under = withinUnit.level === 'country' ? () => true : (code) => code !== null && codes.has(code);
      }
      if (service !== undefined && !getService(sqlite, service)) return sendTranslatedError(request, reply, 404, 'not_found', { vi: `Không có thủ tục mã "${service}"; danh mục thủ tục ở /api/v1/services.`, en: `unknown service "${service}"; see /api/v1/services` });
      const result = watchResult(sqlite, threshold);
      // A province asked for with what is under it, or a commune: say so when no commune reported.
      const data = result.commune_data;
      let note: Static<typeof NoteSchema> | null = null;
      for (const unit of [withinUnit, localityUnit]) {
        if (note !== null || unit === undefined) continue;
        if (unit.level === 'province' && unit === withinUnit && !data.provinces.includes(unit.code)) note = { reason: 'no_commune_data', ...noCommuneData({ province: unit.name, commune: null }, data.from) };
        if (unit.level === 'commune' && !data.communes.includes(unit.code)) {
          note = { reason: 'no_commune_data', ...noCommuneData({ province: fastify.localities.get(unit.parentId!).name, commune: unit.name }, data.from) };
        }
      }
      let flags = result.flags.filter(
        (f) =>
          (signal === undefined || f.signal === signal) &&
          (localityCode === undefined || f.locality_code === localityCode) &&
          (under === null || under(f.locality_code)) &&
          (service === undefined || f.service_code === service),
      );
      if (sort === 'severity') flags = sortFlags(flags, 'severity');
      // Commune flags: a commune asked for by locality, and what within covers (VN: all).
      const communeIds =
        localityUnit !== undefined && localityUnit.level !== 'commune'
          ? new Uint32Array(0)
          : result.commune_flags.select(
              {
                signal,
                service,
                commune: localityUnit?.code ?? (withinUnit?.level === 'commune' ? withinUnit.code : undefined),
                province: withinUnit?.level === 'province' ? withinUnit.code : undefined,
              },
              sort,
            );
      const { flags: _all, online_service_share: shares, commune_data: _communes, commune_flags: _communeFlags, ...rest } = result;
      return {
        ...rest,
        note,
        count: flags.length + communeIds.length,
        limit,
        offset,
        flags: flagPage(flags, result.commune_flags, communeIds, sort, offset, limit),
        online_service_share: shares.filter((s) => (localityCode === undefined || s.locality_code === localityCode) && (under === null || under(s.locality_code))),
      };
    },
  );
};

export default watchRoutes;
