import { type Lang, formatCount, formatDateTime, localePath } from '../../i18n.ts';
import type { DataPackage, SiteMeta } from '../../model.ts';
import { strings } from '../../strings.ts';
import { html } from '../html.ts';
import { type Page, href } from '../layout.ts';

export const ZIP_NAME = 'thuoc-do-open-data.zip';

const TEXT = {
  vi: {
    intro: 'Mọi con số trên trang đều có thể tải về, theo giấy phép CC BY 4.0. Tệp CSV mã hóa UTF-8; các dòng bắt đầu bằng # là ghi chú (nguồn, thời điểm tạo) và có thể bỏ qua. Các chuỗi số liệu được cập nhật ngay sau mỗi lô dữ liệu; tệp observations và tệp ZIP được tạo lại mỗi giờ.',
    zip: 'Tải tất cả (ZIP: các tệp CSV, datapackage.json và README có cách trích dẫn)',
    pkg: 'Mô tả theo chuẩn Frictionless Data Package v2',
    fields: 'Trường',
    type: 'Kiểu',
    description: 'Mô tả',
    twin: 'Bản JSON',
    cite: 'Trích dẫn',
    citation: (built: string) => `Thước đo (${built.slice(0, 4)}). Tỷ lệ hồ sơ nộp trực tuyến theo dịch vụ và địa phương. Tạo lúc ${built}. Giấy phép CC BY 4.0.`,
    api: 'Cần truy vấn linh hoạt hơn? Dùng API mở',
    files: (n: number, example: string) => `${n} tệp, ví dụ data/${example}`,
    example: 'tệp mẫu cho đơn vị gửi số liệu (định dạng đầu vào của API và lệnh ingest)',
  },
  en: {
    intro: 'Every number on the site can be downloaded, under CC BY 4.0. CSV files are UTF-8; lines starting with # are notes (source, build time) and can be skipped. The series are updated right after every batch; the observations file and the ZIP are rebuilt every hour.',
    zip: 'Download everything (ZIP: the CSV files, datapackage.json and a README with citation text)',
    pkg: 'Description as a Frictionless Data Package v2',
    fields: 'Field',
    type: 'Type',
    description: 'Description',
    twin: 'JSON twin',
    cite: 'How to cite',
    citation: (built: string) => `Thước đo (${built.slice(0, 4)}). Share of dossiers submitted online, by service and locality. Built ${built}. CC BY 4.0.`,
    api: 'Need other cuts? Use the open API',
    files: (n: number, example: string) => `${n} files, e.g. data/${example}`,
    example: 'an example file for publishers (the input format of the API and the ingest command)',
  },
};

export function dataPage(pkg: DataPackage, meta: SiteMeta, lang: Lang): Page {
  const t = strings(lang);
  const x = TEXT[lang];
  const here = localePath(lang, '/data/');
  const csvs = pkg.resources.filter((r) => r.format === 'csv');
  const body = html`
<h1>${t.data.title}</h1>
<p>${x.intro}</p>
<ul class="downloads">
  <li><a href="${href(here, `/data/${ZIP_NAME}`)}" download>${x.zip}</a></li>
  <li><a href="${href(here, '/data/datapackage.json')}">datapackage.json</a> — ${x.pkg}</li>
  <li><a href="${href(here, '/examples/observations.csv')}" download>examples/observations.csv</a> — ${x.example}</li>
</ul>
${csvs.map((r) => {
  const twin = pkg.resources.find((j) => j.name === `${r.name}-json`);
  return html`<section class="resource" id="${r.name}">
  <h2>${r.title}</h2>
  <p>${r.description}</p>
  <p>${
    Array.isArray(r.path)
      ? x.files(r.path.length, r.path[0] ?? '')
      : html`<a href="${href(here, `/data/${r.path}`)}" download>${r.path}</a>${r.bytes ? ` (${formatCount(r.bytes, lang)} B)` : ''}${twin ? html` · <a href="${href(here, `/data/${twin.path}`)}">${x.twin}</a>` : ''}`
  }</p>
  ${r.schema ? html`<div class="table-scroll" tabindex="0" role="region" aria-label="${r.title}"><table><caption>${r.path}</caption>
    <thead><tr><th scope="col">${x.fields}</th><th scope="col">${x.type}</th><th scope="col">${x.description}</th></tr></thead>
    <tbody>${r.schema.fields.map((f) => html`<tr><th scope="row"><code>${f.name}</code></th><td>${f.type}</td><td>${f.description}</td></tr>`)}</tbody>
  </table></div>` : ''}
</section>`;
})}
<section><h2>${x.cite}</h2><p class="citation">${x.citation(formatDateTime(meta.built_at, lang))}</p></section>
<p><a href="${href(here, '/docs')}">${x.api}</a></p>`;
  return { lang, path: '/data/', meta, title: t.data.title, description: x.intro, body };
}
