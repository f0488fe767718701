import type { Lang } from '../web/i18n.ts';

/**
 * The language an answer's `message` is in: Vietnamese or English, whichever the client's
 * Accept-Language ranks higher (q-values, then order), English when it names neither.
 */
export function answerLanguage(header: string | string[] | undefined): Lang {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  let best: { lang: Lang; q: number } | null = null;
  for (const part of text.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const primary = tag.trim().split('-')[0];
    if (primary !== 'vi' && primary !== 'en') continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!(q > 0)) continue;
    if (!best || q > best.q) best = { lang: primary, q };
  }
  return best?.lang ?? 'en';
}

/** A message given in both languages; `message` is set from them. */
interface Bilingual {
  message: string;
  message_vi?: string;
  message_en?: string;
}

/**
 * An answer in the client's language: `message` of the body and of each row error in `errors`
 * becomes the message_vi or message_en the Accept-Language asks for. Every write answer that
 * carries both languages (the ingest, the catalogue and targets imports) goes out through here.
 */
export function inAnswerLanguage<T>(body: T, header: string | string[] | undefined): T {
  if (typeof body !== 'object' || body === null || !('message' in body)) return body;
  const lang = answerLanguage(header);
  const pick = <M extends Bilingual>(m: M): M => ({ ...m, message: (lang === 'vi' ? m.message_vi : m.message_en) ?? m.message });
  const b = body as T & Bilingual & { errors?: unknown };
  const errors = Array.isArray(b.errors) ? { errors: (b.errors as Bilingual[]).map(pick) } : {};
  return { ...pick(b), ...errors };
}
