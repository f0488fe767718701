import { Type } from 'typebox';
import { type LocalityProblem, localityNotInMonth } from '../../db/ingest/messages.ts';
import type { LocalityRegistry } from '../../db/localities/registry.ts';
import { FIRST_MONTH, type Month } from '../../db/months.ts';
import type { Texts } from '../plugins/errors.ts';

export const MonthParam = Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM' });

/** The pattern cannot see that 2022-13 is not a month: this can. */
export function badMonth(month: string | undefined): Texts | null {
  if (month === undefined) return null;
  const m = Number(month.slice(5, 7));
  if (m < 1 || m > 12) {
    return {
      vi: `Tháng «${month}» không hợp lệ: tháng chỉ từ 01 đến 12; hãy viết theo dạng YYYY-MM, ví dụ 2026-10.`,
      en: `${month} is not a month: months are 01 to 12`,
    };
  }
  if (month < FIRST_MONTH) {
    return { vi: `Tháng «${month}» trước ${FIRST_MONTH}, tháng đầu tiên có số liệu; xin chọn từ ${FIRST_MONTH} trở đi.`, en: `${month} is before ${FIRST_MONTH}` };
  }
  return null;
}

/** from/to, checked together. */
export function badRange(from?: string, to?: string): Texts | null {
  const reversed: Texts | null =
    from && to && from > to ? { vi: `Khoảng thời gian không hợp lệ: tháng bắt đầu (from = ${from}) sau tháng kết thúc (to = ${to}).`, en: `from (${from}) is after to (${to})` } : null;
  return badMonth(from) ?? badMonth(to) ?? reversed;
}

/** A code that names no locality today. */
export function unknownLocality(code: string): Texts {
  return {
    vi: `Không có địa bàn mã «${code}». Danh sách địa bàn và mã của từng địa bàn ở /api/v1/localities.`,
    en: `unknown locality "${code}"; see /api/v1/localities`,
  };
}

/** An id that names no indicator. */
export function unknownIndicator(id: string): Texts {
  return {
    vi: `Không có chỉ số «${id}». Danh sách chỉ số ở /api/v1/indicators.`,
    en: `unknown indicator "${id}"; see /api/v1/indicators`,
  };
}

/** as_of_batch freezes dossier counts; an indicator that counts services reads the catalogue of today. */
export function noAsOfForServices(id: string): Texts {
  return {
    vi: `Chỉ số «${id}» đếm số thủ tục theo danh mục hiện nay nên không dùng được với as_of_batch; xin bỏ as_of_batch hoặc chọn chỉ số đếm hồ sơ.`,
    en: `the indicator "${id}" counts services in today's catalogue, so as_of_batch does not apply to it; leave out as_of_batch or choose an indicator of dossiers`,
  };
}

/** A code that names no service of the catalogue. */
export function unknownService(code: string): Texts {
  return {
    vi: `Không có thủ tục mã «${code}» trong danh mục. Danh mục thủ tục ở /api/v1/services.`,
    en: `unknown service "${code}"; see /api/v1/services`,
  };
}

/** Why a code names no unit in a month, in the ingest's words, as a sentence of its own. */
export function localityNotIn(code: string, month: Month, problem: LocalityProblem, registry: LocalityRegistry): Texts {
  const texts = localityNotInMonth(code, month, problem, registry);
  return { vi: texts.vi.charAt(0).toUpperCase() + texts.vi.slice(1), en: texts.en };
}
