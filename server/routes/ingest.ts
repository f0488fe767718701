import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { IngestRunner } from '../../db/ingest/worker.ts';
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
  demo: Type.Optional(Demo),
});

const RowErrors = Type.Object({ error: Type.String(), message: Type.String(), errors: Type.Array(RowErrorSchema), demo: Type.Optional(Demo) });
const Invalid = Type.Object({ ...RowErrors.properties, error_count: Type.Integer() });

/** POST /api/v1/observations: a publisher's batch, CSV or JSON, all or nothing. */
const ingestRoutes: FastifyPluginAsyncTypebox<IngestRouteOptions> = async (fastify, { maxBodyBytes, onBatchStored, runner }) => {
  // Bodies stay raw here so that bad JSON gets the same diagnosis as in the CLI.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(['text/csv', 'application/json'], { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_req, body, done) =>
    done(null, body),
  );

  fastify.post(
    '/api/v1/observations',
    {
      onRequest: fastify.requirePublisher,
      bodyLimit: maxBodyBytes,
      schema: {
        summary: 'Send a batch of monthly counts',
        description:
          'Body: text/csv (header period,service_code,locality_code,online_count,total_count) or application/json {"observations": [...]}. All or nothing. 507 disk_full: the server\'s disk is full and nothing was stored; send the same file again later.',
        tags: ['write'],
        security: [{ bearer: [] }],
        headers: Type.Object({ 'content-type': Type.String() }),
        response: { 201: Accepted, 400: ErrorBody, 401: ErrorBody, 403: RowErrors, 413: ErrorBody, 415: ErrorBody, 422: Invalid, 507: ErrorBody },
      },
    },
    async (request, reply) => {
      const format = request.headers['content-type']!.toLowerCase().includes('json') ? 'json' : 'csv';
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const publisher = request.publisher!;
      const outcome = await runner.ingest(body, format, {
        source: 'api',
        publisherId: publisher.id,
        scope: publisher.scope,
        remoteAddr: request.ip,
      });
      if (outcome.status === 201) {
        request.log.info({ batch: outcome.body.batch_id, publisher: publisher.id, rows: outcome.body.rows }, 'batch stored');
        onBatchStored();
      }
      return reply.code(outcome.status).send(outcome.body);
    },
  );
};

export default ingestRoutes;
