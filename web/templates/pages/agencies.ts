import { type Lang, formatRate, localePath } from '../../i18n.ts';
import type { AgenciesData, ScorecardData } from '../../model.ts';
import { Html, escapeHtml, html } from '../html.ts';
import { type Page, href } from '../layout.ts';
import { SCORECARD_TEXT, pointsOf, scorecardSection } from '../scorecard.ts';

/** The ministries' scorecards: one page, each ministry a section of it. */
export const AGENCIES_PATH = '/agencies/';

const TEXT = {
  vi: {
    title: 'Chỉ số dịch vụ trực tuyến theo bộ, ngành',
    intro: (year: string) =>
      `Nhóm chỉ số «Cung cấp dịch vụ trực tuyến» (22 điểm) của Bộ chỉ số 766 (Quyết định 766/QĐ-TTg), năm ${year}: của cả nước, và của các thủ tục do từng bộ, ngành quản lý trên cả nước. Mọi con số tính từ số liệu gửi lên Thước đo, không phải điểm chính thức.`,
    none: 'Chưa có số liệu.',
    country: 'Cả nước, mọi thủ tục',
    agency: 'Bộ, ngành',
    summary: 'Tổng hợp',
    caption: (year: string) => `Điểm của từng bộ, ngành, năm ${year}`,
    online: 'Hồ sơ trực tuyến',
    endToEnd: 'Toàn trình',
    payment: 'Thanh toán trực tuyến',
    csv: 'Tải bảng điểm (CSV, mọi tỉnh, bộ, ngành và xã, phường)',
  },
  en: {
    title: 'Online-services scorecards by ministry',
    intro: (year: string) =>
      `The "online services" group (22 points) of the 766 index (Decision 766/QĐ-TTg), ${year}: for the country, and for the services each ministry is responsible for, nationwide. Every number is computed from the data reported to Thước đo; none is the official score.`,
    none: 'No data yet.',
    country: 'The whole country, every service',
    agency: 'Ministry or agency',
    summary: 'Summary',
    caption: (year: string) => `Each ministry's score, ${year}`,
    online: 'Submitted online',
    endToEnd: 'End-to-end',
    payment: 'Paid online',
    csv: 'Download the scorecards (CSV: every province, ministry and commune)',
  },
};

/** An indicator's value on a card, to one decimal, or a dash without data. */
const shareOf = (card: ScorecardData, indicator: string, lang: Lang) => {
  const part = card.parts.find((p) => p.indicator === indicator);
  return part?.value === null || part === undefined ? '—' : formatRate(part.value, lang, 1);
};

/** /agencies/: the country's scorecard and each ministry's, with a table of them all at the top. */
export function agenciesPage(data: AgenciesData, lang: Lang): Page {
  const x = TEXT[lang];
  const here = localePath(lang, AGENCIES_PATH);
  const year = data.country?.year ?? data.agencies[0]?.card.year ?? '';
  const methodology = href(here, localePath(lang, '/methodology/'));
  let rows = '';
  for (const a of data.agencies) {
    rows += `<tr><th scope="row"><a href="#agency-${escapeHtml(a.slug)}">${escapeHtml(a.agency)}</a></th><td class="num">${escapeHtml(pointsOf(a.card.score, a.card.max_score, lang))}</td><td class="num">${escapeHtml(shareOf(a.card, 'online_rate', lang))}</td><td class="num">${escapeHtml(shareOf(a.card, 'end_to_end_rate', lang))}</td><td class="num">${escapeHtml(shareOf(a.card, 'online_payment_rate', lang))}</td></tr>`;
  }
  const body = html`
<h1>${x.title}</h1>
${
  data.country
    ? html`<p>${x.intro(year)}</p>
<p class="note official">${lang === 'vi' ? data.country.note_vi : data.country.note_en}</p>
<p><a href="${href(here, '/data/scorecards.csv')}" download>${x.csv}</a></p>
${
  data.agencies.length > 0
    ? html`<section aria-labelledby="agencies-summary">
  <h2 id="agencies-summary">${x.summary}</h2>
  <div class="table-scroll" tabindex="0" role="region" aria-labelledby="agencies-caption"><table>
    <caption id="agencies-caption">${x.caption(year)}</caption>
    <thead><tr><th scope="col">${x.agency}</th><th scope="col" class="num">${SCORECARD_TEXT[lang].score}</th><th scope="col" class="num">${x.online}</th><th scope="col" class="num">${x.endToEnd}</th><th scope="col" class="num">${x.payment}</th></tr></thead>
    <tbody>${new Html(rows)}</tbody>
  </table></div>
</section>`
    : ''
}
${scorecardSection(data.country, lang, { id: 'country', heading: `${x.country} — ${SCORECARD_TEXT[lang].title(data.country.year)}`, methodology })}
${data.agencies.map((a) => scorecardSection(a.card, lang, { id: `agency-${a.slug}`, heading: `${a.agency} — ${a.card.year}`, methodology }))}`
    : html`<p>${x.none}</p>`
}`;
  return { lang, path: AGENCIES_PATH, meta: data.meta, title: x.title, description: x.title, body };
}
