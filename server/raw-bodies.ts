import type { SwaggerTransform } from '@fastify/swagger';
import { type TSchema, Type } from 'typebox';

/**
 * How the OpenAPI document describes the bodies that db/ reads itself (observations,
 * withdrawals, the service catalogue, targets as CSV). Those routes take the body as raw bytes,
 * so that a bad file gets the same diagnosis (400, 422 with row numbers) as in the CLI; a
 * `schema.body` would make Fastify validate the bytes instead. The shapes are given to
 * @fastify/swagger through a route's `config.swaggerTransform`: the document changes, the
 * validation does not.
 */

export const CSV = 'text/csv';
export const JSON_MEDIA = 'application/json';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A CSV body: a string whose description gives the header and the columns. */
export function csvBody(columns: readonly string[], required: readonly string[], rules: string, example: string): TSchema {
  const optional = columns.filter((c) => !required.includes(c));
  return Type.String({
    description:
      `UTF-8 CSV (a BOM is fine), comma-separated, RFC 4180 quoting, LF or CRLF. Line 1 is the header: the columns ${required.join(', ')}` +
      (optional.length > 0 ? `, and optionally ${optional.join(', ')}` : '') +
      `, in any order; a missing or unknown column is a 400. ${rules} In row errors, "row" is the CSV line number (header = 1).`,
    examples: [example],
  });
}

/** A spreadsheet body: the bytes of an .xlsx file. */
export function xlsxBody(description: string): TSchema {
  return Type.String({ format: 'binary', contentMediaType: XLSX, description });
}

/**
 * A route's config that documents its body as `content` (media type → schema) and leaves its
 * validation as it is. A `content-type` header schema, there for validation, is left out of the
 * document: OpenAPI ignores a Content-Type parameter, and the media types say it.
 */
export function documentedBody(content: Record<string, TSchema>): { swaggerTransform: SwaggerTransform } {
  return {
    swaggerTransform: ({ schema, url }) => {
      const headers = schema.headers as { properties?: Record<string, unknown> } | undefined;
      const onlyContentType = headers?.properties !== undefined && Object.keys(headers.properties).every((h) => h.toLowerCase() === 'content-type');
      const { headers: _validatedOnly, ...rest } = schema;
      return {
        schema: {
          ...(onlyContentType ? rest : schema),
          body: { content: Object.fromEntries(Object.entries(content).map(([type, body]) => [type, { schema: body }])) },
        },
        url,
      };
    },
  };
}
