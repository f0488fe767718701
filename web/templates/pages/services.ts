import { type Lang, formatMonth, localePath } from '../../i18n.ts';
import type { ServiceData, ServicesData } from '../../model.ts';
import { strings } from '../../strings.ts';
import { trendChart } from '../chart.ts';
import { chartLinks } from './embed.ts';
import { AGENCIES_PATH } from './agencies.ts';
import { html } from '../html.ts';
import { type Page, href } from '../layout.ts';
import { provinceTable, serviceName, serviceTable } from '../tables.ts';

export function servicesPage(data: ServicesData, lang: Lang): Page {
  const t = strings(lang);
  const here = localePath(lang, '/services/');
  const body = html`
<h1>${t.services.title}</h1>
<p>${t.services.intro} ${t.sortHint}</p>
<p class="search"><label for="service-search">${t.services.search}</label>
<input type="search" id="service-search" data-filter="all-services" autocomplete="off"></p>
<p class="count" aria-live="polite" data-count-for="all-services">${t.services.count(data.services.length)}</p>
<p><a href="${href(here, localePath(lang, AGENCIES_PATH))}">${t.home.agenciesLink}</a></p>
${serviceTable('all-services', t.services.title, data.services, { lang, here })}`;
  return { lang, path: '/services/', meta: data.meta, title: t.services.title, description: t.services.intro, body };
}

export function servicePage(data: ServiceData, lang: Lang): Page {
  const t = strings(lang);
  const s = data.service;
  const path = `/services/${s.code}/`;
  const here = localePath(lang, path);
  const name = serviceName(s, lang);
  const body = html`
<p class="crumbs"><a href="${href(here, localePath(lang, '/services/'))}">${t.services.title}</a></p>
<h1>${name}</h1>
<dl class="facts">
  <div><dt>${t.code}</dt><dd>${s.code}</dd></div>
  <div><dt>${t.agency}</dt><dd>${s.agency ?? '—'}</dd></div>
  <div><dt>${t.level}</dt><dd>${t.levels[s.online_level]}</dd></div>
  <div><dt>${t.onlineSince}</dt><dd>${formatMonth(s.online_since, lang)}</dd></div>
</dl>
${trendChart({ id: 'service-trend', title: t.services.trend(name), series: data.national, csv: href(here, `/data/services/${s.code}.csv`), ...chartLinks({ kind: 'service', code: s.code }, data.meta, lang, here) }, data.meta, lang)}
<section>
  <h2>${t.services.byProvince}</h2>
  <p>${t.services.byProvinceIntro} ${t.sortHint}</p>
  ${provinceTable('service-provinces', t.services.byProvince, data.provinces, { lang, here })}
</section>`;
  return { lang, path, meta: data.meta, title: name, description: t.services.trend(name), charts: true, card: { kind: 'service', code: s.code }, body };
}
