import { type Lang, accessedOn } from './i18n.ts';

/** The name the data are cited under. */
const PUBLISHER = 'Thước đo';

/**
 * How to cite a published file, as readers of this field do (author, year, title, date accessed,
 * address): "Thước đo (2026). Tỷ lệ hồ sơ trực tuyến… Truy cập 03/12/2026. https://…/data/x.csv".
 * The date is the build's: the file says what it held then.
 */
export function citation(title: string, lang: Lang, builtAt: string, url: string): string {
  const year = builtAt.slice(0, 4);
  return lang === 'vi' ? `${PUBLISHER} (${year}). ${title}. Truy cập ${accessedOn(builtAt, 'vi')}. ${url}` : `${PUBLISHER} (${year}). ${title}. Accessed ${accessedOn(builtAt, 'en')}. ${url}`;
}

/** A file's address: absolute where the site's public address is known, else from the site's root. */
export const fileUrl = (siteUrl: string | null, path: string) => `${siteUrl ? siteUrl.replace(/\/+$/, '') : ''}${path}`;
