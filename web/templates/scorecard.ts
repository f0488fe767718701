import { type Lang, formatMonth, formatPoints, formatRate } from '../i18n.ts';
import type { ScorecardData, ScorecardPartData } from '../model.ts';
import { type Html, html } from './html.ts';

/** The words of a scorecard, in the page's language (the card brings its own explanation and note). */
export const SCORECARD_TEXT = {
  vi: {
    title: (year: string) => `Chỉ số cung cấp dịch vụ trực tuyến năm ${year}`,
    group: 'Nhóm chỉ số «Cung cấp dịch vụ trực tuyến» của Bộ chỉ số 766 (Quyết định 766/QĐ-TTg), tính từ số liệu gửi lên Thước đo.',
    months: (from: string, to: string) => `Số liệu từ ${from} đến ${to}.`,
    score: 'Tổng điểm',
    indicator: 'Chỉ số',
    value: 'Giá trị',
    points: 'Điểm',
    threshold: 'Đủ điểm từ',
    formula: 'Công thức, với số liệu',
    total: 'Tổng',
    noData: 'Chưa có số liệu',
    caption: (name: string, year: string) => `Điểm từng chỉ số: ${name}, năm ${year}`,
    method: 'Cách tính',
  },
  en: {
    title: (year: string) => `Online-services scorecard, ${year}`,
    group: 'The "online services" group of the 766 index (Decision 766/QĐ-TTg), computed from the data reported to Thước đo.',
    months: (from: string, to: string) => `Data from ${from} to ${to}.`,
    score: 'Score',
    indicator: 'Indicator',
    value: 'Value',
    points: 'Points',
    threshold: 'Full points from',
    formula: 'Formula, with its numbers',
    total: 'Total',
    noData: 'No data',
    caption: (name: string, year: string) => `Points by indicator: ${name}, ${year}`,
    method: 'How it is computed',
  },
};

/**
 * The catalogue's reference in the page's language: it is written in English where it says more
 * than the article ("766/QĐ-TTg, 3 (toàn trình); national target 80% by the end of 2025").
 */
export function referenceText(reference: string, lang: Lang): string {
  return lang === 'en' ? reference : reference.replace(/national target (\d+)% by the end of (\d{4})/, 'mục tiêu quốc gia $1% đến cuối năm $2');
}

/** "4,8/6" (vi) or "4.8/6" (en). */
export const pointsOf = (points: number, max: number, lang: Lang) => `${formatPoints(points, lang)}/${formatPoints(max, lang)}`;

function partRow(p: ScorecardPartData, lang: Lang): Html {
  const x = SCORECARD_TEXT[lang];
  return html`<tr>
  <th scope="row">${lang === 'vi' ? p.name_vi : p.name_en} <small>${referenceText(p.reference, lang)}</small></th>
  <td class="num">${p.value === null ? x.noData : formatRate(p.value, lang)}</td>
  <td class="num">${pointsOf(p.points, p.max_points, lang)}</td>
  <td class="num">${formatRate(p.full_score_at, lang, 0)}</td>
  <td>${lang === 'vi' ? p.formula_vi : p.formula_en}</td>
</tr>`;
}

export interface ScorecardOptions {
  /** The section's id (unique on the page); its heading's id is derived from it. */
  id: string;
  /** The heading, by default "Online-services scorecard, YEAR". */
  heading?: string;
  /** A link to the methodology, relative to the page. */
  methodology?: string;
}

/**
 * A scorecard: the total out of 22, each indicator's value, points, threshold and formula with its
 * numbers, the explanation in words, and always the note that it is not the official score.
 */
export function scorecardSection(card: ScorecardData, lang: Lang, options: ScorecardOptions): Html {
  const x = SCORECARD_TEXT[lang];
  const heading = options.heading ?? x.title(card.year);
  const headingId = `${options.id}-title`;
  return html`<section class="scorecard" id="${options.id}" aria-labelledby="${headingId}">
  <h2 id="${headingId}">${heading}</h2>
  <p class="score"><span class="label">${x.score}</span> <span class="value">${pointsOf(card.score, card.max_score, lang)}</span></p>
  <p class="note official">${lang === 'vi' ? card.note_vi : card.note_en}</p>
  <p>${x.group} ${x.months(formatMonth(card.from, lang), formatMonth(card.to, lang))}</p>
  <div class="table-scroll" tabindex="0" role="region" aria-labelledby="${options.id}-caption">
  <table class="scorecard-table">
    <caption id="${options.id}-caption">${x.caption(card.agency ?? card.locality_name, card.year)}</caption>
    <thead><tr><th scope="col">${x.indicator}</th><th scope="col" class="num">${x.value}</th><th scope="col" class="num">${x.points}</th><th scope="col" class="num">${x.threshold}</th><th scope="col">${x.formula}</th></tr></thead>
    <tbody>${card.parts.map((p) => partRow(p, lang))}</tbody>
    <tfoot><tr><th scope="row">${x.total}</th><td></td><td class="num">${pointsOf(card.score, card.max_score, lang)}</td><td></td><td></td></tr></tfoot>
  </table>
  </div>
  <p class="explanation">${lang === 'vi' ? card.explanation_vi : card.explanation_en}</p>
  ${options.methodology ? html`<p><a href="${options.methodology}#indicators">${x.method}</a></p>` : ''}
</section>`;
}
