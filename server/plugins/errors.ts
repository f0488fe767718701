import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isDiskFull } from '../../db/disk-full.ts';
import { answerLanguage } from '../accept-language.ts';
import { validationTexts } from '../validation-messages.ts';

/** One message in both languages. */
export interface Texts {
  vi: string;
  en: string;
}

/**
 * Answers with the error body in both languages (`message_vi`, `message_en`); `message` is the
 * one the client's Accept-Language asks for, English by default.
 */
export function sendTranslatedError(request: FastifyRequest, reply: FastifyReply, status: number, error: string, texts: Texts): FastifyReply {
  const message = texts[answerLanguage(request.headers['accept-language'])];
  return reply.code(status).send({ error, message, message_vi: texts.vi, message_en: texts.en });
}

/** Said when a write fails for want of disk space: the transaction was rolled back whole. */
export const DISK_FULL: Texts = {
  vi: 'Ổ đĩa của máy chủ đã đầy nên chưa có gì được lưu (không ghi dở dòng nào). Vui lòng gửi lại đúng tệp này sau.',
  en: "The server's disk is full, so nothing was stored (not one row was half-written). Send the same file again later.",
};

const KNOWN: Record<string, [number, string, Texts]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    415,
    'unsupported_media_type',
    {
      vi: 'Máy chủ không đọc được kiểu tệp này. Xin gửi tệp CSV (text/csv) hoặc JSON (application/json); số liệu (POST /api/v1/observations) và yêu cầu rút số liệu còn nhận được tệp Excel .xlsx.',
      en: 'send the body as text/csv or application/json; observations and withdrawals also take an Excel workbook (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)',
    },
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: [
    413,
    'body_too_large',
    {
      vi: 'Tệp lớn hơn giới hạn máy chủ nhận (MAX_BODY_MB). Xin chia số liệu thành nhiều tệp nhỏ hơn rồi gửi lần lượt.',
      en: 'the body is larger than the limit (MAX_BODY_MB): split the file into smaller batches',
    },
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'empty_body', { vi: 'Nội dung gửi lên trống', en: 'the body is empty' }],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'bad_json', { vi: 'Nội dung gửi lên không phải JSON hợp lệ', en: 'the body is not valid JSON' }],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad_request', { vi: 'Độ dài khai báo (Content-Length) không khớp với nội dung gửi lên', en: 'the Content-Length does not match the body' }],
};

/**
 * Every error leaves as {"error", "message"}; bad input is a 4xx, never a 5xx. A full disk is a
 * 507 wherever a write meets it: `dataFolder` (the database's) is where free space is looked up.
 */
export default fp<{ siteDir?: string; dataFolder?: string | null }>(
  async (fastify, { siteDir, dataFolder = null }) => {
    fastify.setErrorHandler((err: FastifyError, request, reply) => {
      const known = err.code ? KNOWN[err.code] : undefined;
      if (known) {
        const [status, error, texts] = known;
        return sendTranslatedError(request, reply, status, error, status === 400 ? { vi: `${texts.vi} (${err.message}).`, en: `${texts.en}: ${err.message}` } : texts);
      }
      if (err.validation) {
        // "must be equal to one of the allowed values" says nothing without the values: both languages list them.
        return sendTranslatedError(request, reply, 400, 'bad_request', validationTexts(err.validationContext, err.validation, err.message));
      }
      if (isDiskFull(err, dataFolder)) {
        request.log.error({ err }, 'disk full: the request was refused and nothing of it stored');
        return sendTranslatedError(request, reply, 507, 'disk_full', DISK_FULL);
      }
      const status = err.statusCode ?? 500;
      // A plugin's refusal that says itself in both languages (the per-token write limit).
      const own = (err as FastifyError & { texts?: Texts }).texts;
      if (own && status >= 400 && status < 500) return sendTranslatedError(request, reply, status, err.code ?? 'bad_request', own);
      if (status >= 400 && status < 500) {
        // Fastify's own refusals (a bad header, a method it does not take): its words, and ours in Vietnamese.
        return sendTranslatedError(request, reply, status, err.code?.toLowerCase() ?? 'bad_request', { vi: `Yêu cầu không hợp lệ (${err.message}).`, en: err.message });
      }
      request.log.error({ err }, 'unhandled error');
      return sendTranslatedError(request, reply, 500, 'internal_error', {
        vi: 'Máy chủ gặp lỗi khi xử lý yêu cầu; yêu cầu này không làm thay đổi dữ liệu nào. Xin thử lại sau.',
        en: 'something went wrong on our side; the request changed nothing',
      });
    });
    fastify.setNotFoundHandler((request, reply) => {
      // A reader who followed a broken link gets the site's page; programs get JSON.
      const wantsPage = request.method === 'GET' && !request.url.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');
      const page = siteDir ? join(siteDir, '404.html') : null;
      if (wantsPage && page && existsSync(page)) return reply.code(404).type('text/html; charset=utf-8').send(readFileSync(page));
      const route = `${request.method} ${request.url.split('?')[0]}`;
      return sendTranslatedError(request, reply, 404, 'not_found', { vi: `Không có đường dẫn ${route}; xem tài liệu API ở /docs.`, en: `no route ${route}; see /docs` });
    });
  },
  { name: 'errors' },
);
