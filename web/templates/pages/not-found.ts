import type { Lang } from '../../i18n.ts';
import type { SiteMeta } from '../../model.ts';
import { strings } from '../../strings.ts';
import { html } from '../html.ts';
import { type Page, href } from '../layout.ts';

/** /404.html: served for any site path that does not exist, so links must be absolute-safe. */
export function notFoundPage(meta: SiteMeta, lang: Lang): Page {
  const t = strings(lang);
  const body = html`<h1>${t.notFound}</h1>
<p>${lang === 'vi' ? 'Trang này không tồn tại hoặc đã được chuyển đi.' : 'This page does not exist or has moved.'}</p>
<p><a href="${href('/', '/')}">${t.nav.home}</a> · <a href="${href('/', '/services/')}">${t.nav.services}</a> · <a href="${href('/', '/localities/')}">${t.nav.localities}</a></p>`;
  return { lang, path: '/404.html', meta, title: t.notFound, description: t.notFound, body };
}
