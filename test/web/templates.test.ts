import { describe, expect, it } from 'vitest';
import type { ProvinceSummary, ServiceSummary } from '../../web/model.ts';
import { chartPayload, seriesTables, summarise } from '../../web/templates/chart.ts';
import { Html, html, jsonScript } from '../../web/templates/html.ts';
import { href, linksFrom } from '../../web/templates/layout.ts';
import { provinceTable, serviceTable } from '../../web/templates/tables.ts';

const SCRIPT = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
const WINDOW = { rate_12m: 0.0951, previous_rate_12m: 0.08, change_pp: 1.51, online_12m: 951, total_12m: 10_000, paper_12m: 9049 };

describe('html', () => {
  it('escapes text, keeps Html, drops empty values and joins nested arrays', () => {
    expect(html`<p title="${'"q"'}">${['a', [new Html('<b>b</b>'), null, false, undefined], 0, SCRIPT]}</p>`.value).toBe(
      `<p title="&quot;q&quot;">a<b>b</b>0${ESCAPED}</p>`,
    );
  });

  it('writes JSON that cannot close its script tag or break a line in old parsers', () => {
    expect(jsonScript({ a: '</script>\u2028\u2029' }).value).toBe('{"a":"\\u003c/script>\\u2028\\u2029"}');
  });
});

describe('links', () => {
  it('are relative to the page, the same from href and linksFrom', () => {
    expect(href('/', '/services/')).toBe('./services/');
    // Assets under their content-hashed names (web/assets.ts).
    expect(href('/en/services/01/', '/assets/site.css')).toMatch(/^\.\.\/\.\.\/\.\.\/assets\/site\.[0-9a-f]{8}\.css$/);
    expect(linksFrom('/en/services/01/')('assets/site.css')).toBe('../../../assets/site.css');
  });
});

describe('tables', () => {
  it('escape every name, agency and code in their cells', () => {
    const service: ServiceSummary = { ...WINDOW, code: `1"${SCRIPT}`, name_vi: SCRIPT, name_en: null, agency: SCRIPT, online_level: 'full', online_since: '2020-01' };
    const province: ProvinceSummary = { ...WINDOW, code: '01', name: SCRIPT, last_reported: '2026-10' };
    const services = serviceTable('t', SCRIPT, [service], { lang: 'vi', here: '/localities/01/' }).value;
    const provinces = provinceTable('p', SCRIPT, [province], { lang: 'en', here: '/en/services/1/' }).value;
    for (const table of [services, provinces]) expect(table).not.toContain('<script>');
    expect(services).toContain(
      `<tr><th scope="row"><a href="../../services/1&quot;${ESCAPED}/">${ESCAPED}</a> <small>${ESCAPED}</small></th><td>1&quot;${ESCAPED}</td><td>Toàn trình</td>` +
        '<td class="num" data-sort="0.0951"><span class="rate"><span class="bar w2" aria-hidden="true"></span>9,5%</span></td>' +
        '<td class="num" data-sort="1.51">+1,5 điểm %</td><td class="num" data-sort="10000">10.000</td><td class="num" data-sort="9049">9.049</td></tr>',
    );
    expect(provinces).toContain(`<tr><th scope="row"><a href="../../../en/localities/01/">${ESCAPED}</a></th>`);
    expect(provinces).toContain('<td data-sort="202610">Oct 2026</td></tr>');
  });

  it('write each point of a series as a row', () => {
    const point = { period: '2026-10', online_count: 1234, total_count: 5678, rate: 0.2173, coverage: { reporting: 34, expected: 34 }, complete: true };
    const year = { ...point, period: '2026', months: 10, coverage: { reporting: 30, expected: 34 }, complete: false };
    const tables = seriesTables(SCRIPT, { monthly: [point], yearly: [year], units: 'provinces' }, 'en').value;
    expect(tables).toContain(`<caption>${ESCAPED} — Year</caption>`);
    expect(tables).toContain('<tr class="partial"><th scope="row">2026 (10 months)</th><td>1,234</td><td>5,678</td><td>21.73%</td><td>30/34 (incomplete)</td></tr>');
    expect(tables).toContain('<tr><th scope="row">Oct 2026</th><td>1,234</td><td>5,678</td><td>21.73%</td><td>34/34</td></tr>');
  });

  it('say which months are incomplete, in the summary, the payload and the note', () => {
    const whole = { online_count: 50, total_count: 100, rate: 0.5, coverage: { reporting: 34, expected: 34 }, complete: true };
    const monthly = [
      { ...whole, period: '2026-10' },
      { period: '2026-11', online_count: 40, total_count: 52, rate: 0.7692, coverage: { reporting: 1, expected: 34 }, complete: false },
    ];
    const series = { monthly, yearly: [{ ...whole, period: '2026', months: 2, complete: false }], units: 'provinces' as const };
    expect(summarise(series, 'vi')).toBe('50,00% năm 2026 (2 tháng). Số liệu chưa đầy đủ: 11/2026: 1/34 tỉnh, thành phố đã báo cáo.');
    expect(summarise(series, 'en')).toBe('50.00% in 2026 (2 months). Incomplete: Nov 2026: 1 of 34 provinces reported.');
    const payload = chartPayload(series, 'vi');
    expect(payload.partial).toEqual([false, true]);
    expect(payload.note).toBe('11/2026: 1/34 tỉnh, thành phố đã báo cáo');
    expect(chartPayload({ ...series, monthly: [monthly[0]!] }, 'vi').note).toBeNull();
  });
});
