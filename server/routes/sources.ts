import { isAbsolute } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { validate as validCron } from 'node-cron';
import { type Static, Type } from 'typebox';
import { getPublisher, publisherExists } from '../../db/publishers.ts';
import { type PullSource, deleteSource, getSource, listSources, upsertSource } from '../../db/pull-sources.ts';
import { audit, refuseOutside, refuseUnlessNational, scopeWords, withinCaller } from '../admin-scope.ts';
import { type Texts, sendTranslatedError } from '../plugins/errors.ts';
import { DemoFlag, ErrorBody, Nullable, adminErrors } from '../schemas.ts';

/** The scheduled pulls, as server.ts runs them (absent where nothing pulls, e.g. in most tests). */
export interface PullRunner {
  runNow: (name: string) => Promise<PullResultBody | null>;
  reload: () => void;
  nextRun: (name: string) => Date | null;
}

const Outcome = Type.Union([Type.Literal('stored'), Type.Literal('partial'), Type.Literal('unchanged'), Type.Literal('empty'), Type.Literal('failed'), Type.Literal('rejected')]);
const Name = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$', description: 'lower-case letters, digits, . _ -; up to 64' });
export const DEFAULT_SCHEDULE = '17 * * * *';

const SourceBody = Type.Object(
  {
    url: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000, description: 'an HTTP(S) URL serving one CSV or JSON file in the contract format' })),
    folder: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'an absolute path of a drop folder on the server' })),
    publisher_id: Type.Integer({ minimum: 1, description: 'each pull is a batch of this publisher, under its scope' }),
    format: Type.Optional(Nullable(Type.Union([Type.Literal('csv'), Type.Literal('json')]))),
    schedule: Type.Optional(Type.String({ maxLength: 100, description: `a cron expression in TZ_REPORTING; default "${DEFAULT_SCHEDULE}" (hourly)` })),
    timeout_s: Type.Optional(Type.Integer({ minimum: 1, maximum: 600, default: 30, description: 'for the whole download' })),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, default: 3, description: 'further attempts, with exponential backoff' })),
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);

const SourceSchema = Type.Object({
  name: Type.String(),
  kind: Type.Union([Type.Literal('url'), Type.Literal('folder')]),
  location: Type.String(),
  format: Nullable(Type.String()),
  publisher_id: Type.Integer(),
  publisher_name: Type.String(),
  schedule: Type.String(),
  timeout_s: Type.Number(),
  retries: Type.Integer(),
  enabled: Type.Boolean(),
  created_at: Type.String(),
  next_run: Nullable(Type.String({ description: 'null when disabled or when pulls do not run in this process' })),
  status: Type.Object({
    last_attempt_at: Nullable(Type.String()),
    last_success_at: Nullable(Type.String()),
    last_outcome: Nullable(Outcome),
    last_error: Nullable(Type.String()),
    last_batch_id: Nullable(Type.Integer()),
    consecutive_failures: Type.Integer(),
    failing_since: Nullable(Type.String()),
  }),
  demo: DemoFlag,
});

const PullResultSchema = Type.Object({
  source: Type.String(),
  at: Type.String(),
  outcome: Outcome,
  error: Nullable(Type.String()),
  files: Type.Array(
    Type.Object({ file: Type.String(), status: Type.Integer(), batch_id: Nullable(Type.Integer()), rows: Type.Integer(), error: Nullable(Type.String()) }),
  ),
  demo: DemoFlag,
});
export type PullResultBody = Omit<Static<typeof PullResultSchema>, 'demo'>;

const Params = Type.Object({ name: Name });

/** A source's location for the audit: a URL without its user, password, query or fragment, which may hold a secret. */
function auditLocation(s: Pick<PullSource, 'kind' | 'location'>): string {
  if (s.kind !== 'url' || !URL.canParse(s.location)) return s.location;
  const url = new URL(s.location);
  return `${url.origin}${url.pathname}${url.search || url.username || url.password ? ' (credentials and query left out)' : ''}`;
}
/** The messages of this route's refusals, in both languages, each written once. */
const SOURCE_MESSAGES = {
  notFound: (name: string): Texts => ({
    vi: `Không có nguồn kéo số liệu tên "${name}". GET /api/v1/sources liệt kê các nguồn.`,
    en: `no pull source "${name}"; GET /api/v1/sources lists them`,
  }),
  urlOrFolder: {
    vi: 'Xin ghi đúng một trong hai trường: "url" (một tệp qua HTTP(S)) hoặc "folder" (một thư mục nhận tệp trên máy chủ).',
    en: 'give exactly one of "url" (an HTTP(S) file) or "folder" (a drop folder)',
  },
  folderNotAbsolute: (folder: string): Texts => ({
    vi: `"folder" phải là đường dẫn tuyệt đối trên máy chủ (bắt đầu bằng /), không phải "${folder}".`,
    en: `"folder" must be an absolute path, not "${folder}"`,
  }),
  badUrl: (url: string): Texts => ({ vi: `"url" không phải là địa chỉ URL hợp lệ: "${url}".`, en: `"url" is not a valid URL: "${url}"` }),
  badSchedule: (schedule: string): Texts => ({
    vi: `"schedule" không phải là biểu thức cron: "${schedule}" (ví dụ "${DEFAULT_SCHEDULE}" là mỗi giờ vào phút 17).`,
    en: `"schedule" is not a cron expression: "${schedule}" (e.g. "${DEFAULT_SCHEDULE}" = every hour at :17)`,
  }),
  noPublisher: (id: number): Texts => ({
    vi: `Không có đơn vị gửi số liệu số ${id} đang hoạt động. Xin tạo đơn vị bằng POST /api/v1/publishers trước.`,
    en: `no active publisher ${id}: create one with POST /api/v1/publishers`,
  }),
  pullsNotRunning: {
    vi: 'Tiến trình này không chạy việc kéo số liệu theo lịch nên không kéo ngay được.',
    en: 'scheduled pulls do not run in this process',
  },
} satisfies Record<string, Texts | ((...args: never[]) => Texts)>;
const notFound = SOURCE_MESSAGES.notFound;

/**
 * Admin endpoints for scheduled pulls (bearer ADMIN_TOKEN or a scoped admin's): sources are kept
 * in the database, and their status (last outcome, error, failures) is what an admin reads to fix
 * one. A source is within an admin's scope when its publisher is; changes are audited.
 */
const sourceRoutes: FastifyPluginAsyncTypebox<{ pulls?: PullRunner }> = async (fastify, { pulls }) => {
  fastify.addHook('onRequest', fastify.requireAdmin);
  const db = fastify.db;

  /** The publisher's scope, when the caller may manage its sources; null when outside it. */
  const publisherInScope = (request: FastifyRequest, publisherId: number) => {
    const publisher = getPublisher(db, publisherId);
    return publisher && withinCaller(db, request, publisher.scope) ? publisher : null;
  };
  const sourceWords = (s: PullSource) => {
    const publisher = getPublisher(db, s.publisherId);
    const scope = publisher ? scopeWords(db, publisher.scope) : { vi: '?', en: '?' };
    return { vi: `nguồn kéo "${s.name}" của đơn vị gửi số liệu ${s.publisherId} [${scope.vi}]`, en: `pull source "${s.name}" of publisher ${s.publisherId} [${scope.en}]` };
  };

  const view = (s: PullSource) => ({
    name: s.name,
    kind: s.kind,
    location: s.location,
    format: s.format,
    publisher_id: s.publisherId,
    publisher_name: s.publisherName,
    schedule: s.schedule,
    timeout_s: s.timeoutMs / 1000,
    retries: s.retries,
    enabled: s.enabled,
    created_at: s.createdAt,
    next_run: pulls?.nextRun(s.name)?.toISOString() ?? null,
    status: {
      last_attempt_at: s.lastAttemptAt,
      last_success_at: s.lastSuccessAt,
      last_outcome: s.lastOutcome,
      last_error: s.lastError,
      last_batch_id: s.lastBatchId,
      consecutive_failures: s.consecutiveFailures,
      failing_since: s.failingSince,
    },
  });

  fastify.get(
    '/api/v1/sources',
    {
      schema: {
        summary: 'Pull sources and their status: last outcome, last error, failures in a row',
        tags: ['admin'],
        security: [{ bearer: [] }],
        response: { 200: Type.Object({ sources: Type.Array(SourceSchema), demo: DemoFlag }), ...adminErrors },
      },
    },
    async (request) => ({ sources: listSources(db.sqlite).filter((s) => publisherInScope(request, s.publisherId) !== null).map(view) }),
  );

  fastify.get(
    '/api/v1/sources/:name',
    {
      schema: { summary: 'One pull source and its status', tags: ['admin'], security: [{ bearer: [] }], params: Params, response: { 200: SourceSchema, 404: ErrorBody, ...adminErrors } },
    },
    async (request, reply) => {
      const source = getSource(db.sqlite, request.params.name);
      if (!source) return sendTranslatedError(request, reply, 404, 'not_found', notFound(request.params.name));
      if (!publisherInScope(request, source.publisherId)) return refuseOutside(db, request, reply, sourceWords(source));
      return view(source);
    },
  );

  fastify.put(
    '/api/v1/sources/:name',
    {
      schema: {
        summary: 'Create or replace a pull source: a URL or a drop folder, pulled on a schedule',
        description: 'Exactly one of url or folder. Each pull is a batch of publisher_id with the API\'s validation, all or nothing.',
        tags: ['admin'],
        security: [{ bearer: [] }],
        params: Params,
        body: SourceBody,
        response: { 200: SourceSchema, 201: SourceSchema, ...adminErrors },
      },
    },
    async (request, reply) => {
      const { url, folder, publisher_id, format = null, schedule = DEFAULT_SCHEDULE, timeout_s = 30, retries = 3, enabled = true } = request.body;
      if ((url === undefined) === (folder === undefined)) return sendTranslatedError(request, reply, 400, 'bad_request', SOURCE_MESSAGES.urlOrFolder);
      // A drop folder is a path on this server: only a national admin may point a pull at one.
      if (folder !== undefined) {
        const refused = refuseUnlessNational(db, request, reply, { vi: 'đặt nguồn kéo từ thư mục trên máy chủ (folder)', en: 'set a pull source from a folder on the server' });
        if (refused) return refused;
      }
      if (folder !== undefined && !isAbsolute(folder)) return sendTranslatedError(request, reply, 400, 'bad_request', SOURCE_MESSAGES.folderNotAbsolute(folder));
      if (url !== undefined && !URL.canParse(url)) return sendTranslatedError(request, reply, 400, 'bad_request', SOURCE_MESSAGES.badUrl(url));
      if (!validCron(schedule)) return sendTranslatedError(request, reply, 400, 'bad_request', SOURCE_MESSAGES.badSchedule(schedule));
      if (!publisherExists(db.sqlite, publisher_id)) return sendTranslatedError(request, reply, 400, 'bad_request', SOURCE_MESSAGES.noPublisher(publisher_id));
      const publisher = publisherInScope(request, publisher_id);
      if (!publisher) {
        const theirs = getPublisher(db, publisher_id)!;
        const scope = scopeWords(db, theirs.scope);
        return refuseOutside(db, request, reply, { vi: `đơn vị gửi số liệu ${publisher_id} [${scope.vi}]`, en: `publisher ${publisher_id} [${scope.en}]` });
      }
      // Replacing a source of another scope would take it over.
      const existing = getSource(db.sqlite, request.params.name);
      if (existing && !publisherInScope(request, existing.publisherId)) return refuseOutside(db, request, reply, sourceWords(existing));
      const { created, source } = db.sqlite.transaction(() => {
        const result = upsertSource(db.sqlite, {
          name: request.params.name,
          kind: url !== undefined ? 'url' : 'folder',
          location: url ?? folder!,
          format,
          publisherId: publisher_id,
          schedule,
          timeoutMs: timeout_s * 1000,
          retries,
          enabled,
        });
        audit(db, request, {
          action: 'source.set',
          targetType: 'source',
          targetId: request.params.name,
          detail: { created: result.created, kind: result.source.kind, location: auditLocation(result.source), publisher_id, schedule, enabled },
          scope: publisher.scope,
        });
        return result;
      })();
      pulls?.reload();
      request.log.info({ source: source.name, kind: source.kind }, created ? 'pull source created' : 'pull source updated');
      return reply.code(created ? 201 : 200).send(view(source));
    },
  );

  fastify.delete(
    '/api/v1/sources/:name',
    {
      schema: { summary: 'Remove a pull source (its batches stay)', tags: ['admin'], security: [{ bearer: [] }], params: Params, response: { 204: Type.Null(), 404: ErrorBody, ...adminErrors } },
    },
    async (request, reply) => {
      const source = getSource(db.sqlite, request.params.name);
      if (!source) return sendTranslatedError(request, reply, 404, 'not_found', notFound(request.params.name));
      const publisher = publisherInScope(request, source.publisherId);
      if (!publisher) return refuseOutside(db, request, reply, sourceWords(source));
      db.sqlite.transaction(() => {
        deleteSource(db.sqlite, source.name);
        audit(db, request, { action: 'source.delete', targetType: 'source', targetId: source.name, detail: { kind: source.kind, location: auditLocation(source), publisher_id: source.publisherId }, scope: publisher.scope });
      })();
      pulls?.reload();
      return reply.code(204).send(null);
    },
  );

  fastify.post(
    '/api/v1/sources/:name/pull',
    {
      schema: {
        summary: 'Pull a source now and wait for the outcome',
        tags: ['admin'],
        security: [{ bearer: [] }],
        params: Params,
        response: { 200: PullResultSchema, 404: ErrorBody, 503: ErrorBody, ...adminErrors },
      },
    },
    async (request, reply) => {
      const source = getSource(db.sqlite, request.params.name);
      if (source && !publisherInScope(request, source.publisherId)) return refuseOutside(db, request, reply, sourceWords(source));
      if (!pulls) return sendTranslatedError(request, reply, 503, 'pulls_not_running', SOURCE_MESSAGES.pullsNotRunning);
      const result = await pulls.runNow(request.params.name);
      return result ?? sendTranslatedError(request, reply, 404, 'not_found', notFound(request.params.name));
    },
  );
};

export default sourceRoutes;
