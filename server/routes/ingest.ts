import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { BodyKind, Format, IngestOutcome } from '../../db/ingest/ingest.ts';
import { MAX_TOTAL_COUNT, OBSERVATION_FIELDS, REQUIRED_OBSERVATION_FIELDS, WITHDRAWAL_FIELDS } from '../../db/ingest/types.ts';
import type { IngestRunner } from '../../db/ingest/worker.ts';
import { inAnswerLanguage } from '../accept-language.ts';
import { CSV, JSON_MEDIA, XLSX, csvBody, documentedBody, xlsxBody } from '../raw-bodies.ts';
import { Demo, ErrorBody, RowErrorSchema } from '../schemas.ts';

export interface IngestRouteOptions {
  maxBodyBytes: number;
  onBatchStored: () => void;
  /** Where batches are parsed, validated and stored: off the thread that answers readers. */
  runner: IngestRunner;
}

const Accepted = Type.Object({
  batch_id: Type.Integer(),
  rows: Type.Integer(),
  inserted: Type.Integer(),
  revised: Type.Integer(),
  unchanged: Type.Integer(),
  withdrawn: Type.Optional(Type.Integer({ description: 'stored rows withdrawn first, when the JSON body had "withdrawals"' })),
  demo: Type.Optional(Demo),
});
const Withdrawn = Type.Object({ batch_id: Type.Integer(), withdrawn: Type.Integer(), demo: Type.Optional(Demo) });
const DryRun = Type.Object(
  {
    dry_run: Type.Literal(true),
    rows: Type.Integer(),
    inserted: Type.Integer({ description: 'rows that would be new' }),
    revised: Type.Integer({ description: 'stored rows whose counts would change' }),
    unchanged: Type.Integer({ description: 'stored rows sent again with the same counts' }),
    withdrawn: Type.Optional(Type.Integer()),
    demo: Type.Optional(Demo),
  },
  { description: '?dry_run=1: the whole validation ran and nothing was stored, no batch was made' },
);
const WithdrawalDryRun = Type.Object({ dry_run: Type.Literal(true), withdrawn: Type.Integer(), demo: Type.Optional(Demo) });
const DryRunQuery = Type.Object({
  dry_run: Type.Optional(
    Type.Union([Type.Literal('1'), Type.Literal('true'), Type.Literal('0'), Type.Literal('false')], {
      description: '1: check the body with every rule (against the stored rows too) and store nothing; the answer is 200 with the counts, or the 4xx a real send would get',
    }),
  ),
});

/** The media types the ingest thread reads; any other is a 415. */
const READ: string[] = [CSV, JSON_MEDIA, XLSX];

/** The body's format by its media type (the parser admitted only READ's). */
function formatOf(contentType: string | undefined): Format {
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('spreadsheetml')) return 'xlsx';
  return type.includes('json') ? 'json' : 'csv';
}

const RowKey = {
  period: Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM: a real month, from 2000-01 up to the current month', examples: ['2026-10'] }),
  service_code: Type.String({ description: 'a registered service (GET /api/v1/services)', examples: ['1.001234'] }),
  locality_code: Type.String({
    description: 'VN, a province or a commune code, read in the month of the row: it must exist in that month (GET /api/v1/localities?at=YYYY-MM)',
    examples: ['79'],
  }),
};
const ObservationRow = Type.Object(
  {
    ...RowKey,
    online_count: Type.Integer({ minimum: 0, maximum: MAX_TOTAL_COUNT, description: 'dossiers submitted online, at most total_count; a JSON integer' }),
    total_count: Type.Integer({ minimum: 0, maximum: MAX_TOTAL_COUNT, description: 'all dossiers, every channel; a JSON integer' }),
    end_to_end_count: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: MAX_TOTAL_COUNT }), Type.Null()], { description: 'optional: dossiers handled wholly online (toàn trình), at most online_count' })),
    fee_count: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: MAX_TOTAL_COUNT }), Type.Null()], { description: 'optional: dossiers that carried a fee or charge, at most total_count' })),
    paid_online_count: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: MAX_TOTAL_COUNT }), Type.Null()], { description: 'optional: of those, paid online, at most fee_count (which it needs)' })),
  },
  { additionalProperties: false, description: 'One service, one locality, one calendar month. The same key sent again is a revision.' },
);
const WithdrawalRow = Type.Object(RowKey, { additionalProperties: false, description: 'The key of a stored row, within the token\'s scope' });
const WithdrawalList = Type.Array(WithdrawalRow, { description: 'In row errors, "row" is the 1-based position in this array' });

const observationBodies = documentedBody({
  [CSV]: csvBody(
    OBSERVATION_FIELDS,
    REQUIRED_OBSERVATION_FIELDS,
    'Counts in digits only: 1,234, 1.5, -3 and 12e3 are row errors (422). end_to_end_count, fee_count and paid_online_count may be left out, or left empty in a row.',
    `${OBSERVATION_FIELDS.join(',')}\n2026-10,1.001234,79,1520,2010\n`,
  ),
  [JSON_MEDIA]: Type.Object(
    {
      observations: Type.Array(ObservationRow, { description: 'In row errors, "row" is the 1-based position in this array' }),
      withdrawals: Type.Optional(
        Type.Array(WithdrawalRow, {
          description: 'Stored rows withdrawn first, in the same batch and transaction (a province moving from province rows to commune rows); row errors name the column withdrawals.*',
        }),
      ),
    },
    { additionalProperties: false, description: 'observations may be empty when withdrawals is not' },
  ),
  [XLSX]: xlsxBody(
    'A spreadsheet (.xlsx), read from its first sheet: header in row 1 with the CSV\'s columns, one observation per row; "row" in errors is the sheet\'s row number. ' +
      'Counts are number cells or text of digits (1234.5 is an error); a period may be a date cell (read as its month); a formula is read by the result Excel saved with it (an error without one). ' +
      'At most 500,000 rows, 5,000,000 cells and 96 MB of uncompressed sheet data (413 beyond).' +
      (READ.includes(XLSX) ? '' : ' Not read by this server yet: it answers 415 unsupported_media_type; send CSV or JSON.'),
  ),
});

const withdrawalBodies = documentedBody({
  [CSV]: csvBody(WITHDRAWAL_FIELDS, WITHDRAWAL_FIELDS, 'One stored row per line.', `${WITHDRAWAL_FIELDS.join(',')}\n2026-10,1.001234,79\n`),
  [JSON_MEDIA]: Type.Object({ withdrawals: WithdrawalList }, { additionalProperties: false }),
  [XLSX]: xlsxBody('A spreadsheet (.xlsx), read from its first sheet: header in row 1 (period, service_code, locality_code), one stored row per sheet row; "row" in errors is the sheet\'s row number.'),
});

const RowErrors = Type.Object({
  error: Type.String(),
  message: Type.String({ description: 'In the language Accept-Language asks for (vi or en; en by default)' }),
  message_vi: Type.Optional(Type.String()),
  message_en: Type.Optional(Type.String()),
  error_count: Type.Optional(Type.Integer({ description: 'every error found; at most 1,000 are listed' })),
  errors: Type.Array(RowErrorSchema, {
    description: 'Every error at once, by row: rules of a row, rows outside the scope, repeated keys, withdrawals of rows not stored, double counts',
  }),
  demo: Type.Optional(Demo),
});
const Invalid = Type.Object({ ...RowErrors.properties, error_count: Type.Integer() });

/** POST /api/v1/observations: a publisher's batch, CSV or JSON, all or nothing. */
const ingestRoutes: FastifyPluginAsyncTypebox<IngestRouteOptions> = async (fastify, { maxBodyBytes, onBatchStored, runner }) => {
  // Bodies stay raw here so that bad JSON gets the same diagnosis as in the CLI.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(READ, { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_req, body, done) =>
    done(null, body),
  );

  /** One batch of either kind, sent to the ingest thread under the publisher's scope. */
  const send = async (request: FastifyRequest, kind: BodyKind) => {
    const format = formatOf(request.headers['content-type']);
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const publisher = request.publisher!;
    const dryRun = ['1', 'true'].includes((request.query as { dry_run?: string }).dry_run ?? '');
    const outcome = await runner.ingest(body, format, { source: 'api', publisherId: publisher.id, scope: publisher.scope, remoteAddr: request.ip }, kind, dryRun);
    if (outcome.status === 201) {
      const { batch_id: batch, rows, withdrawn } = outcome.body;
      request.log.info({ batch, publisher: publisher.id, rows, withdrawn }, 'batch stored');
      onBatchStored();
    }
    return outcome;
  };
  const errors = { 400: ErrorBody, 401: ErrorBody, 403: RowErrors, 413: ErrorBody, 415: ErrorBody, 422: Invalid, 507: ErrorBody };

  fastify.post(
    '/api/v1/observations',
    {
      onRequest: fastify.requirePublisher,
      bodyLimit: maxBodyBytes,
      config: observationBodies,
      schema: {
        summary: 'Send a batch of monthly counts',
        description:
          'Body: text/csv (header period,service_code,locality_code,online_count,total_count) or application/json {"observations": [...]}, ' +
          'which may also carry "withdrawals": [{period, service_code, locality_code}]: stored rows taken out first, in the same batch and transaction ' +
          '(a province moving from province rows to commune rows). All or nothing. 507 disk_full: the server\'s disk is full and nothing was stored; send the same file again later.',
        tags: ['write'],
        security: [{ bearer: [] }],
        headers: Type.Object({ 'content-type': Type.String() }),
        querystring: DryRunQuery,
        response: { 200: DryRun, 201: Accepted, ...errors },
      },
    },
    async (request, reply) => {
      const outcome = await send(request, 'observations');
      return reply.code(outcome.status).send(inAnswerLanguage(outcome.body, request.headers['accept-language']) as never);
    },
  );

  fastify.post(
    '/api/v1/withdrawals',
    {
      onRequest: fastify.requirePublisher,
      bodyLimit: maxBodyBytes,
      config: withdrawalBodies,
      schema: {
        summary: 'Withdraw stored rows',
        description:
          'Body: text/csv (header period,service_code,locality_code) or application/json {"withdrawals": [...]}. Each row must be stored and within the token\'s scope (422 / 403 otherwise). ' +
          'A withdrawn row leaves every figure; it stays in /observations/history with withdrawn_by, and as_of_batch before the withdrawal still shows it. All or nothing.',
        tags: ['write'],
        security: [{ bearer: [] }],
        headers: Type.Object({ 'content-type': Type.String() }),
        querystring: DryRunQuery,
        response: { 200: WithdrawalDryRun, 201: Withdrawn, ...errors },
      },
    },
    async (request, reply) => {
      const outcome = await send(request, 'withdrawals');
      if (outcome.status === 201) return reply.code(201).send({ batch_id: outcome.body.batch_id, withdrawn: outcome.body.withdrawn ?? 0 });
      if (outcome.status === 200) return reply.code(200).send({ dry_run: true, withdrawn: outcome.body.withdrawn ?? 0 });
      return reply.code(outcome.status).send(inAnswerLanguage(outcome.body, request.headers['accept-language']) as never);
    },
  );
};

export default ingestRoutes;
