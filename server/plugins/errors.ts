import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyError, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

/** Answers with the contract's error body. */
export function sendError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).send({ error, message });
}

const KNOWN: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'send the body as text/csv or application/json'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large', 'the body is larger than the limit (MAX_BODY_MB): split the file into smaller batches'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'empty_body', 'the body is empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'bad_json', 'the body is not valid JSON'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad_request', 'the Content-Length does not match the body'],
};

/** Every error leaves as {"error", "message"}; bad input is a 4xx, never a 5xx. */
export default fp<{ siteDir?: string }>(
  async (fastify, { siteDir }) => {
    fastify.setErrorHandler((err: FastifyError, request, reply) => {
      const known = err.code ? KNOWN[err.code] : undefined;
      if (known) return sendError(reply, known[0], known[1], known[0] === 400 ? `${known[2]}: ${err.message}` : known[2]);
      if (err.validation) {
        return sendError(reply, 400, 'bad_request', `${err.validationContext ?? 'request'} ${err.message.replace(/^\w+\/?/, '').trim() || 'is invalid'}`.trim());
      }
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) return sendError(reply, status, err.code?.toLowerCase() ?? 'bad_request', err.message);
      request.log.error({ err }, 'unhandled error');
      return sendError(reply, 500, 'internal_error', 'something went wrong on our side; the request changed nothing');
    });
    fastify.setNotFoundHandler((request, reply) => {
      // A reader who followed a broken link gets the site's page; programs get JSON.
      const wantsPage = request.method === 'GET' && !request.url.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');
      const page = siteDir ? join(siteDir, '404.html') : null;
      if (wantsPage && page && existsSync(page)) return reply.code(404).type('text/html; charset=utf-8').send(readFileSync(page));
      return sendError(reply, 404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}; see /docs`);
    });
  },
  { name: 'errors' },
);
