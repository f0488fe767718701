import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ChartManifest } from '../../web/model.ts';
import { type Texts, sendTranslatedError } from '../plugins/errors.ts';
import { ErrorBody } from '../schemas.ts';

export interface OembedOptions {
  siteDir: string;
  publicUrl: string;
}

const DEFAULT_WIDTH = 640;
const DEFAULT_HEIGHT = 520;
const THUMBNAIL = { width: 1200, height: 630 };

const OembedSchema = Type.Object({
  type: Type.Literal('rich'),
  version: Type.Literal('1.0'),
  title: Type.String(),
  provider_name: Type.String(),
  provider_url: Type.String(),
  html: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  thumbnail_url: Type.String(),
  thumbnail_width: Type.Integer(),
  thumbnail_height: Type.Integer(),
  cache_age: Type.Integer(),
});

const NOT_OURS: Texts = {
  vi: 'Địa chỉ url không phải là địa chỉ đầy đủ (bắt đầu bằng https://) của một trang trên trang web này.',
  en: 'url is not an absolute URL of this site',
};
const NO_CHART: Texts = {
  vi: 'Không có biểu đồ nào ở địa chỉ này. Xin gửi địa chỉ của một trang biểu đồ hoặc của một biểu đồ nhúng (embed) trên trang web này.',
  en: 'no chart at that URL: send the address of a chart page or an embed of this site',
};
const ONLY_JSON: Texts = { vi: 'Máy chủ chỉ trả lời oEmbed ở dạng JSON: xin dùng format=json hoặc bỏ tham số format.', en: 'only format=json is offered' };

const escapeAttribute = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The published chart list, read again only when the site is rebuilt. */
function manifestReader(siteDir: string): () => ChartManifest | null {
  let cached: { mtime: number; manifest: ChartManifest } | null = null;
  return () => {
    const file = join(siteDir, 'embed', 'charts.json');
    try {
      const mtime = statSync(file).mtimeMs;
      if (!cached || cached.mtime !== mtime) cached = { mtime, manifest: JSON.parse(readFileSync(file, 'utf8')) as ChartManifest };
      return cached.manifest;
    } catch {
      return null;
    }
  };
}

/**
 * GET /oembed: turns the URL of a chart page or an embed into the iframe to paste, for CMSs and
 * link unfurlers (oEmbed 1.0, "rich"). Unknown URLs get 404, format=xml gets 501.
 */
const oembedRoutes: FastifyPluginAsyncTypebox<OembedOptions> = async (fastify, { siteDir, publicUrl }) => {
  const manifest = manifestReader(siteDir);
  const ourHost = new URL(publicUrl).host;

  fastify.get(
    '/oembed',
    {
      schema: {
        summary: 'oEmbed for chart pages and embeds',
        tags: ['read'],
        querystring: Type.Object({
          url: Type.String({ minLength: 1, maxLength: 2000 }),
          format: Type.Optional(Type.String()),
          maxwidth: Type.Optional(Type.Integer({ minimum: 1 })),
          maxheight: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        response: { 200: OembedSchema, 400: ErrorBody, 404: ErrorBody, 501: ErrorBody },
      },
    },
    async (request, reply) => {
      const { url, format = 'json', maxwidth, maxheight } = request.query;
      if (format !== 'json') return sendTranslatedError(request, reply, 501, 'not_implemented', ONLY_JSON);
      let asked: URL;
      try {
        asked = new URL(url);
      } catch {
        return sendTranslatedError(request, reply, 404, 'not_found', NOT_OURS);
      }
      const hosts = [ourHost, request.headers.host];
      const charts = manifest();
      const path = asked.pathname.endsWith('/') ? asked.pathname : `${asked.pathname}/`;
      const chart = hosts.includes(asked.host) ? charts?.charts.find((c) => c.page === path || c.embed === path) : undefined;
      if (!chart) return sendTranslatedError(request, reply, 404, 'not_found', NO_CHART);

      const embed = new URL(chart.embed, publicUrl);
      // Every parameter spelled out, so the embed never changes view when defaults change.
      for (const [k, v] of Object.entries({ time: '2020..latest', tab: 'chart', lang: chart.lang, theme: 'auto' })) {
        embed.searchParams.set(k, chart.embed === path ? (asked.searchParams.get(k) ?? v) : v);
      }
      const width = Math.min(maxwidth ?? DEFAULT_WIDTH, DEFAULT_WIDTH);
      const height = Math.min(maxheight ?? DEFAULT_HEIGHT, DEFAULT_HEIGHT);
      const html = `<iframe src="${escapeAttribute(embed.toString())}" title="${escapeAttribute(chart.title)}" width="${width}" height="${height}" style="border:0;max-width:100%" loading="lazy"></iframe>`;
      return {
        type: 'rich' as const,
        version: '1.0' as const,
        title: chart.title,
        provider_name: 'Thước đo',
        provider_url: `${publicUrl}/`,
        html,
        width,
        height,
        thumbnail_url: new URL(chart.image, publicUrl).toString(),
        thumbnail_width: THUMBNAIL.width,
        thumbnail_height: THUMBNAIL.height,
        cache_age: 3600,
      };
    },
  );
};

export default oembedRoutes;
