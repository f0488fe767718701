import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type Publisher, authenticate } from '../../db/publishers.ts';
import { sendError } from './errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    requirePublisher: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
  }
  interface FastifyRequest {
    publisher: Publisher | null;
  }
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1]! : null;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Bearer tokens: publishers for writes, ADMIN_TOKEN for admin. Runs before the body is read.
 * A refusal returns the reply: an async hook must, or the request goes on to the handler
 * while the answer is still being serialised.
 */
export default fp<{ adminToken: string | null }>(
  async (fastify, { adminToken }) => {
    fastify.decorateRequest('publisher', null);
    const adminDigest = adminToken ? digest(adminToken) : null;

    fastify.decorate('requirePublisher', async (request: FastifyRequest, reply: FastifyReply) => {
      const token = bearer(request);
      if (!token) return sendError(reply, 401, 'unauthorized', 'send your publisher token as "Authorization: Bearer <token>"');
      const publisher = authenticate(fastify.db.sqlite, token);
      if (!publisher) return sendError(reply, 401, 'unauthorized', 'the token is unknown or has been revoked');
      request.publisher = publisher;
      return undefined;
    });

    fastify.decorate('requireAdmin', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!adminDigest) return sendError(reply, 403, 'admin_disabled', 'admin endpoints are disabled: the server has no ADMIN_TOKEN');
      const token = bearer(request);
      if (!token) return sendError(reply, 401, 'unauthorized', 'send the admin token as "Authorization: Bearer <token>"');
      if (!timingSafeEqual(digest(token), adminDigest)) return sendError(reply, 401, 'unauthorized', 'the admin token is wrong');
      return undefined;
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
