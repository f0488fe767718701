import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type AdminCaller, authenticateAdmin, nationalCaller } from '../../db/admins.ts';
import { type Publisher, authenticatePublisher } from '../../db/publishers.ts';
import { parseToken } from '../../db/tokens.ts';
import { type Texts, sendTranslatedError } from './errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    requirePublisher: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
    /** Any admin: ADMIN_TOKEN or a scoped admin (request.admin says which, with its scope). */
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
  }
  interface FastifyRequest {
    publisher: Publisher | null;
    admin: AdminCaller | null;
  }
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1]! : null;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

const expired = (expiresAt: string): Texts => ({
  vi: `Mã truy cập này đã hết hạn lúc ${expiresAt}. Hãy đề nghị quản trị viên cấp mã mới.`,
  en: `this token expired at ${expiresAt}: ask your admin for a new one`,
});

const NO_PUBLISHER_TOKEN: Texts = {
  vi: 'Hãy gửi mã truy cập của đơn vị gửi số liệu trong tiêu đề "Authorization: Bearer <mã>"',
  en: 'send your publisher token as "Authorization: Bearer <token>"',
};
const UNKNOWN_PUBLISHER_TOKEN: Texts = { vi: 'Mã truy cập không đúng hoặc đã bị thu hồi', en: 'the token is unknown or has been revoked' };
const NO_ADMIN_TOKEN: Texts = { vi: 'Hãy gửi mã quản trị trong tiêu đề "Authorization: Bearer <mã>"', en: 'send the admin token as "Authorization: Bearer <token>"' };
const WRONG_ADMIN_TOKEN: Texts = { vi: 'Mã quản trị không đúng', en: 'the admin token is wrong' };
const UNKNOWN_ADMIN_TOKEN: Texts = { vi: 'Mã quản trị không đúng hoặc đã bị thu hồi', en: 'the admin token is unknown or has been revoked' };
const PUBLISHER_AT_ADMIN: Texts = {
  vi: 'Đây là mã của đơn vị gửi số liệu; các chức năng quản trị cần mã quản trị',
  en: 'this is a publisher token; admin endpoints need an admin token',
};
const ADMIN_DISABLED: Texts = {
  vi: 'Chức năng quản trị đang tắt: máy chủ không có ADMIN_TOKEN',
  en: 'admin endpoints are disabled: the server has no ADMIN_TOKEN',
};

/**
 * Bearer tokens, resolved to the caller before the body is read: a publisher ("td_…") for writes;
 * for admin endpoints ADMIN_TOKEN (national) or a scoped admin ("tda_…", see db/admins.ts).
 * Secrets are compared in constant time; an expired token is told apart only once its secret matched.
 * A refusal returns the reply: an async hook must, or the request goes on to the handler
 * while the answer is still being serialised.
 */
export default fp<{ adminToken: string | null }>(
  async (fastify, { adminToken }) => {
    fastify.decorateRequest('publisher', null);
    fastify.decorateRequest('admin', null);
    const adminDigest = adminToken ? digest(adminToken) : null;

    fastify.decorate('requirePublisher', async (request: FastifyRequest, reply: FastifyReply) => {
      const token = bearer(request);
      if (!token) return sendTranslatedError(request, reply, 401, 'unauthorized', NO_PUBLISHER_TOKEN);
      const auth = authenticatePublisher(fastify.db.sqlite, token);
      if (auth.status === 'expired') return sendTranslatedError(request, reply, 401, 'token_expired', expired(auth.expiresAt));
      if (auth.status === 'unknown') return sendTranslatedError(request, reply, 401, 'unauthorized', UNKNOWN_PUBLISHER_TOKEN);
      request.publisher = auth.publisher;
      return undefined;
    });

    fastify.decorate('requireAdmin', async (request: FastifyRequest, reply: FastifyReply) => {
      const token = bearer(request);
      // Scoped admins live in the database and work with or without ADMIN_TOKEN.
      if (token && parseToken('tda', token)) {
        const auth = authenticateAdmin(fastify.db, token);
        if (auth.status === 'expired') return sendTranslatedError(request, reply, 401, 'token_expired', expired(auth.expiresAt));
        if (auth.status === 'unknown') return sendTranslatedError(request, reply, 401, 'unauthorized', UNKNOWN_ADMIN_TOKEN);
        request.admin = auth.caller;
        return undefined;
      }
      if (!adminDigest) return sendTranslatedError(request, reply, 403, 'admin_disabled', ADMIN_DISABLED);
      if (!token) return sendTranslatedError(request, reply, 401, 'unauthorized', NO_ADMIN_TOKEN);
      if (parseToken('td', token)) return sendTranslatedError(request, reply, 401, 'unauthorized', PUBLISHER_AT_ADMIN);
      if (!timingSafeEqual(digest(token), adminDigest)) return sendTranslatedError(request, reply, 401, 'unauthorized', WRONG_ADMIN_TOKEN);
      request.admin = nationalCaller(fastify.db);
      return undefined;
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
