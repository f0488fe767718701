import { Type } from 'typebox';

export const ErrorBody = Type.Object(
  {
    error: Type.String(),
    message: Type.String({ description: 'In English; where message_vi and message_en are given, the one Accept-Language asks for (vi or en)' }),
    // The write endpoints' errors and faults of the server (507 disk_full) are told in both languages.
    message_vi: Type.Optional(Type.String()),
    message_en: Type.Optional(Type.String()),
    demo: Type.Optional(Type.Boolean()),
  },
  { $id: 'ErrorBody', description: 'What went wrong and what to do about it' },
);

export const RowErrorSchema = Type.Object({
  row: Type.Integer({ description: 'CSV line (header = 1) or 1-based position in the JSON array' }),
  column: Type.Union([Type.String(), Type.Null()]),
  value: Type.Union([Type.String(), Type.Null()]),
  message: Type.String({ description: 'Where and what, in the language Accept-Language asks for (vi or en; en by default)' }),
  message_vi: Type.Optional(Type.String()),
  message_en: Type.Optional(Type.String()),
});

/** A refused import (422): every row error at once, in both languages; nothing was stored. */
export const InvalidRows = Type.Object({
  error: Type.String(),
  message: Type.String({ description: 'In the language Accept-Language asks for (vi or en; en by default)' }),
  message_vi: Type.String(),
  message_en: Type.String(),
  error_count: Type.Integer({ description: 'every error found; at most 1,000 are listed' }),
  errors: Type.Array(RowErrorSchema),
  demo: Type.Optional(Type.Boolean()),
});

/** A value, or null. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const Month = Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM', examples: ['2022-07'] });
export const Code = Type.String({ minLength: 1, maxLength: 64 });

/** Added to every API answer by the demo-flag plugin. */
export const Demo = Type.Boolean({ description: 'true while any demo rows are in the database' });
export const DemoFlag = Type.Optional(Demo);

export const errorResponses = {
  400: ErrorBody,
  404: ErrorBody,
};

/** What every admin endpoint may answer besides its own statuses. */
export const adminErrors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
