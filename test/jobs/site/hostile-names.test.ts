import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthRange } from '../../../db/months.ts';
import { upsertServices } from '../../../db/services.ts';
import { localePath } from '../../../web/i18n.ts';
import { testApp } from '../../helper.ts';
import { LANGS, type Row, build, fixtureSite, ingest, parseCsv, readPage, walk } from './fixture.ts';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(2)>';
const JS_URL = 'javascript:alert(3)';
/** "Đăng ký" then a right-to-left override that would show "exe.png" as "gnp.exe". */
const BIDI = 'Đăng ký\u202Egnp.exe\u202C khai sinh';
const ISOLATES = '\u2066Giấy phép\u2069 \u2067xây dựng\u2069 \u2068mới\u2069 \u202A\u202B\u202D\u200E\u200F\u061C';
const CONTROLS = 'Cấp\u0000 phép\u0007\u001B[31m\u009B đỏ\u0085x\u007F';
const FORMULAS = ['=HYPERLINK("http://evil.example/","x")', '+SUM(A1:A9)', "-2+3+cmd|' /C calc'!A0", '@SUM(A1)', '\t=1+1', '\r=1+1'];

const SERVICES = [
  { code: 'H-SCRIPT', name_vi: SCRIPT, name_en: JS_URL, agency: IMG },
  { code: 'H-BIDI', name_vi: BIDI, name_en: ISOLATES, agency: CONTROLS },
  { code: 'H-FX1', name_vi: FORMULAS[0]!, name_en: FORMULAS[1]!, agency: FORMULAS[2]! },
  { code: 'H-FX2', name_vi: FORMULAS[3]!, name_en: FORMULAS[4]!, agency: FORMULAS[5]! },
];

/** Bidirectional controls and C0/C1 controls (tab, LF and CR aside), raw or as character references. */
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const CONTROL_REFS = /&#(x0*(202[a-e]|206[6-9]|200[ef]|61c|[0-8b-cef]|1[0-9a-f]|[89][0-9a-f])|0*(8[2-9][0-9][0-9]|1[0-9]|[0-8]|1[0-9]{3}));/i;
/** Markup that would run: the payloads unescaped, or a javascript: URL in a link or source. */
const LIVE_MARKUP = [/<script>alert/i, /<img src=x/i, /\b(href|src|action|formaction|xlink:href)\s*=\s*["']?\s*javascript:/i];

/** Low usage everywhere, so every service is on the watch list and in the Atom feed. */
function rows(): Row[] {
  return monthRange('2020-01', '2026-10').flatMap((period, i) =>
    SERVICES.flatMap((s, si) => ['01', '79'].map((locality, li): Row => [period, s.code, locality, 2 + ((i + si + li) % 3), 400 + 10 * si + li])),
  );
}

describe('hostile service and agency names', () => {
  let fx: ReturnType<typeof fixtureSite>;
  let files: string[];
  const read = (file: string) => readFileSync(join(fx.site, file), 'utf8');

  beforeAll(async () => {
    fx = fixtureSite((db) => {
      upsertServices(db.sqlite, SERVICES.map((s) => ({ ...s, online_level: 'full', online_since: '2019-01' })));
      ingest(db.sqlite, rows());
    });
    await build(fx.db.sqlite, fx.site, { siteUrl: 'https://thuocdo.example' });
    files = walk(fx.site);
  });
  afterAll(() => fx.close());

  it('are stored without bidirectional or other control characters (db/services.ts cleanName)', () => {
    const stored = fx.db.sqlite.prepare("SELECT code, name_vi, name_en, agency FROM services WHERE code = 'H-BIDI'").get();
    expect(stored).toEqual({ code: 'H-BIDI', name_vi: 'Đăng kýgnp.exe khai sinh', name_en: 'Giấy phép xây dựng mới', agency: 'Cấp phép[31m đỏ x' });
  });

  it('leave no raw markup, javascript: URL or control character in any page, embed, image, feed or data file', () => {
    const text = files.filter((f) => /\.(html|xml|svg|json|csv|txt|md)$/.test(f));
    expect(text.some((f) => f.endsWith('feed.xml'))).toBe(true);
    expect(text.filter((f) => f.endsWith('.svg')).length).toBeGreaterThan(0);
    expect(text.filter((f) => f.includes('embed/')).length).toBeGreaterThan(0);
    for (const file of text) {
      const body = read(file);
      expect(CONTROL_CHARS.exec(body)?.[0], file).toBeUndefined();
      expect(CONTROL_REFS.exec(body)?.[0], file).toBeUndefined();
      if (/\.(html|xml|svg)$/.test(file)) for (const live of LIVE_MARKUP) expect(live.exec(body)?.[0], file).toBeUndefined();
    }
    // The zip's files too.
    const zip = files.find((f) => f.endsWith('.zip'))!;
    for (const [name, bytes] of Object.entries(unzipSync(readFileSync(join(fx.site, zip))))) expect(CONTROL_CHARS.exec(strFromU8(bytes))?.[0], name).toBeUndefined();
  });

  it('show as inert text where the service appears: pages, embeds, image alt text and titles, the feed', () => {
    const script = '&lt;script&gt;alert(1)&lt;/script&gt;';
    const img = '&quot;&gt;&lt;img src=x onerror=alert(2)&gt;';
    for (const lang of LANGS) {
      const page = readPage(fx.site, localePath(lang, '/services/H-SCRIPT/'));
      expect(page).toContain(lang === 'vi' ? `<h1>${script}</h1>` : `<h1>${JS_URL}</h1>`);
      expect(page).toContain(img);
      const embed = readPage(fx.site, localePath(lang, '/embed/services/H-SCRIPT/'));
      expect(embed).toMatch(lang === 'vi' ? /alt="[^"]*&lt;script&gt;alert\(1\)&lt;\/script&gt;/ : /alt="[^"]*javascript:alert\(3\)/);
      expect(read(`images/${lang}/service-H-SCRIPT.svg`)).toMatch(lang === 'vi' ? /<title>[^<]*&lt;script&gt;alert\(1\)&lt;\/script&gt;/ : /<title>[^<]*javascript:alert\(3\)/);
    }
    expect(readPage(fx.site, '/services/H-BIDI/')).toContain('<h1>Đăng kýgnp.exe khai sinh</h1>');
    const feed = read('watch/feed.xml');
    expect(feed).toContain(script);
    expect(feed).toContain('Đăng kýgnp.exe khai sinh');
  });

  it('stay inert in oEmbed answers, whose html other sites paste into their pages', async () => {
    const t = await testApp({ siteDir: fx.site, publicUrl: 'https://thuocdo.example' });
    try {
      for (const page of ['/services/H-SCRIPT/', '/en/services/H-SCRIPT/', '/embed/services/H-BIDI/']) {
        const res = await t.app.inject({ url: `/oembed?format=json&url=${encodeURIComponent(`https://thuocdo.example${page}`)}` });
        expect(res.statusCode, page).toBe(200);
        const { html } = res.json() as { html: string };
        expect(html).toMatch(/^<iframe src="https:\/\/thuocdo\.example\/[^"]*" title="[^"<]*"/);
        for (const live of LIVE_MARKUP) expect(live.exec(html)?.[0], page).toBeUndefined();
        expect(CONTROL_CHARS.exec(res.body)?.[0], page).toBeUndefined();
      }
    } finally {
      await t.close();
    }
  });

  it('are neutralised in every CSV: no text cell can start a formula', () => {
    const csvs = files.filter((f) => f.endsWith('.csv'));
    expect(csvs.length).toBeGreaterThan(5);
    const cells = csvs.flatMap((f) => parseCsv(read(f)).rows.flat().map((cell) => [f, cell] as const));
    for (const [file, cell] of cells) expect(cell, `${file}: ${cell}`).not.toMatch(/^[=+@\t\r]|^-(?!\d)/);
    const services = parseCsv(read('data/services.csv'));
    const fx1 = services.rows.find((r) => r[0] === 'H-FX1')!;
    expect(fx1.slice(1, 4)).toEqual(FORMULAS.slice(0, 3).map((f) => `'${f}`));
  });
});
