import type { FastifySchemaValidationError } from 'fastify';
import type { Texts } from './plugins/errors.ts';

/**
 * A request that fails its route's schema (a query parameter, a path parameter, a JSON body), told
 * in both languages. The English is Fastify's own sentence, as the API has always answered it,
 * with the allowed values added; the Vietnamese is built from the same validation error: which
 * parameter or field, which rule, which values are allowed.
 */
export function validationTexts(context: string | undefined, errors: FastifySchemaValidationError[], fastifyMessage: string): Texts {
  const allowed = allowedValues(errors);
  const en = `${context ?? 'request'} ${fastifyMessage.replace(/^\w+\/?/, '').trim() || 'is invalid'}`.trim();
  const first = errors.find((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf') ?? errors[0];
  return {
    vi: `Yêu cầu không hợp lệ: ${first ? ruleVi(context, first, allowed) : 'nội dung gửi lên không đúng dạng được nhận'}.`,
    en: allowed ? `${en}; allowed values: ${allowed.join(', ')}` : en,
  };
}

/** The values an enum, or a union of constants (TypeBox's Union of Literals), allows at the failing place. */
function allowedValues(errors: FastifySchemaValidationError[]): unknown[] | undefined {
  const enumError = errors.find((e) => e.keyword === 'enum');
  if (enumError) return enumError.params.allowedValues as unknown[];
  const consts = errors.filter((e) => e.keyword === 'const');
  if (consts.length === 0) return undefined;
  const at = consts[0]!.instancePath;
  return consts.filter((e) => e.instancePath === at).map((e) => e.params.allowedValue);
}

/** "tham số dry_run", "trường targets/0/target_rate", "nội dung gửi lên". */
function subject(context: string | undefined, path: string): string {
  const name = path.replace(/^\//, '');
  if (context === 'querystring') return name ? `tham số ${name}` : 'chuỗi tham số (query string)';
  if (context === 'params') return name ? `tham số ${name} trong đường dẫn` : 'đường dẫn';
  if (context === 'headers') return name ? `tiêu đề ${name}` : 'các tiêu đề';
  return name ? `trường ${name}` : 'nội dung gửi lên';
}

const TYPES_VI: Record<string, string> = {
  integer: 'một số nguyên',
  number: 'một số',
  string: 'một chuỗi văn bản',
  boolean: 'true hoặc false',
  object: 'một đối tượng JSON',
  array: 'một mảng',
  null: 'null',
};

/** One rule broken, in Vietnamese, from the validation error's instancePath, keyword and params. */
function ruleVi(context: string | undefined, e: FastifySchemaValidationError, allowed: unknown[] | undefined): string {
  const p = e.params as Record<string, unknown>;
  const what = subject(context, e.instancePath);
  if (allowed) return `${what} phải là một trong các giá trị ${allowed.map(String).join(', ')}`;
  switch (e.keyword) {
    case 'required':
      return `${what} thiếu ${context === 'querystring' ? 'tham số' : 'trường'} bắt buộc ${String(p.missingProperty)}`;
    case 'additionalProperties':
      return `${what} có ${context === 'querystring' ? 'tham số' : 'trường'} không được nhận: ${String(p.additionalProperty)}`;
    case 'type': {
      const types = String(p.type).split(',').map((t) => TYPES_VI[t] ?? t);
      return `${what} phải là ${types.join(' hoặc ')}`;
    }
    case 'minimum':
      return `${what} phải lớn hơn hoặc bằng ${String(p.limit)}`;
    case 'maximum':
      return `${what} phải nhỏ hơn hoặc bằng ${String(p.limit)}`;
    case 'exclusiveMinimum':
      return `${what} phải lớn hơn ${String(p.limit)}`;
    case 'exclusiveMaximum':
      return `${what} phải nhỏ hơn ${String(p.limit)}`;
    case 'minLength':
      return p.limit === 1 ? `${what} không được để trống` : `${what} phải có ít nhất ${String(p.limit)} ký tự`;
    case 'maxLength':
      return `${what} chỉ được có tối đa ${String(p.limit)} ký tự`;
    case 'minItems':
      return `${what} phải có ít nhất ${String(p.limit)} phần tử`;
    case 'maxItems':
      return `${what} chỉ được có tối đa ${String(p.limit)} phần tử`;
    case 'pattern':
      return `${what} không đúng định dạng (mẫu ${String(p.pattern)})`;
    case 'format':
      return `${what} phải có định dạng ${String(p.format)}`;
    default:
      return `${what} không đúng dạng được nhận`;
  }
}
