import { type Lang, collator, formatCount, formatDateTime, formatMonth, localePath } from '../../i18n.ts';
import type { DataPackage, DataResource, DataSnapshot, SiteMeta } from '../../model.ts';
import { strings } from '../../strings.ts';
import { citation, fileUrl } from '../../citation.ts';
import { sidecarPath } from '../../data-names.ts';
import { type Html, html } from '../html.ts';
import { type Page, href } from '../layout.ts';

export const ZIP_NAME = 'thuoc-do-open-data.zip';

const TEXT = {
  vi: {
    intro: 'Mọi con số trên trang đều có thể tải về, theo giấy phép CC BY 4.0. Tệp CSV mã hóa UTF-8, dòng đầu là tên cột, mở được ngay bằng Excel, LibreOffice, pandas hay R. Thông tin mô tả (nguồn, thời điểm tạo, lô dữ liệu, cách trích dẫn, ý nghĩa và đơn vị của từng cột) nằm trong tệp TÊN.metadata.json bên cạnh mỗi tệp CSV và trong datapackage.json. Các bảng chính có thêm bản Excel (.xlsx). Mọi tệp, kể cả số liệu gốc, được cập nhật ngay sau mỗi lô dữ liệu; tệp ZIP được tạo lại mỗi giờ.',
    asOf: (batch: number) => `Mọi tệp dưới đây tính đến lô ${batch}.`,
    zip: 'Tải tất cả (ZIP: các tệp CSV, datapackage.json và README có cách trích dẫn)',
    zipAsOf: (batch: number, built: string) => `tính đến lô ${batch}, tạo lúc ${built}`,
    raw: 'Số liệu gốc, như đơn vị đã gửi',
    rawIntro: 'Mỗi tệp là một năm của một tỉnh, thành phố theo địa giới hiện nay (kể cả các tỉnh cũ đã hợp nhất và các xã, phường); VN là các dòng của cả nước. Cộng các dòng lại sẽ ra mọi con số trên trang. Một lô dữ liệu chỉ ghi lại các tệp mà nó làm thay đổi.',
    area: 'Địa phương',
    pkg: 'Mô tả theo chuẩn Frictionless Data Package v2',
    fields: 'Trường',
    type: 'Kiểu',
    description: 'Mô tả',
    twin: 'Bản JSON',
    xlsx: 'Bản Excel (.xlsx)',
    metadata: 'Mô tả (metadata.json)',
    citeThis: 'Trích dẫn:',
    feed: 'nguồn tin Atom về các lần phát hành dữ liệu: ảnh chụp khi một tháng đủ báo cáo, và các lần sửa số liệu của tháng đã đủ',
    snapshots: 'Ảnh chụp dữ liệu theo tháng',
    snapshotsIntro: 'Khi số liệu một tháng lần đầu đủ báo cáo trên cả nước, toàn bộ dữ liệu mở lúc đó được lưu cố định và không bao giờ ghi lại, để trích dẫn. Danh sách máy đọc được: archive/index.json.',
    month: 'Tháng',
    frozen: 'Lưu lúc',
    snapshotFiles: 'Tệp',
    cite: 'Trích dẫn',
    citation: (built: string) => `Thước đo (${built.slice(0, 4)}). Tỷ lệ hồ sơ nộp trực tuyến theo dịch vụ và địa phương. Tạo lúc ${built}. Giấy phép CC BY 4.0.`,
    api: 'Cần truy vấn linh hoạt hơn? Dùng API mở',
    files: (n: number, example: string) => `${n} tệp, ví dụ data/${example}`,
    example: 'tệp mẫu cho đơn vị gửi số liệu (định dạng đầu vào của API và lệnh ingest)',
  },
  en: {
    intro: 'Every number on the site can be downloaded, under CC BY 4.0. CSV files are UTF-8 with the header on the first line: they open as they are in Excel, LibreOffice, pandas or R. What describes them (source, build time, batch, citation, each column’s meaning and unit) is in NAME.metadata.json beside each CSV and in datapackage.json. The main tables also come as Excel spreadsheets (.xlsx). Every file, the raw observations included, is updated right after every batch; the ZIP is rebuilt every hour.',
    asOf: (batch: number) => `Every file below is as of batch ${batch}.`,
    zip: 'Download everything (ZIP: the CSV files, datapackage.json and a README with citation text)',
    zipAsOf: (batch: number, built: string) => `as of batch ${batch}, built ${built}`,
    raw: 'Raw observations, as reported',
    rawIntro: 'One file per year and province in today’s boundaries (the old provinces merged into it and its communes included); VN holds the rows for the whole country. Their rows add up to every figure on the site. A batch rewrites only the files it changed.',
    area: 'Locality',
    pkg: 'Description as a Frictionless Data Package v2',
    fields: 'Field',
    type: 'Type',
    description: 'Description',
    twin: 'JSON twin',
    xlsx: 'Spreadsheet (.xlsx)',
    metadata: 'Metadata (metadata.json)',
    citeThis: 'Cite as:',
    feed: 'an Atom feed of data releases: snapshots when a month is complete, and revisions of complete months',
    snapshots: 'Monthly snapshots',
    snapshotsIntro: 'When a month’s data is first complete nationally, the open data as it stood is frozen here and never rewritten, for citing. Machine-readable list: archive/index.json.',
    month: 'Month',
    frozen: 'Frozen',
    snapshotFiles: 'Files',
    cite: 'How to cite',
    citation: (built: string) => `Thước đo (${built.slice(0, 4)}). Share of dossiers submitted online, by service and locality. Built ${built}. CC BY 4.0.`,
    api: 'Need other cuts? Use the open API',
    files: (n: number, example: string) => `${n} files, e.g. data/${example}`,
    example: 'an example file for publishers (the input format of the API and the ingest command)',
  },
};

/** The raw observations' parts start with this (jobs/site/raw-data.ts). */
const RAW = /^observations-(\d{4})-([A-Z0-9]+)$/;

const fieldsTable = (r: DataResource, caption: string, x: (typeof TEXT)[Lang]) =>
  r.schema
    ? html`<div class="table-scroll" tabindex="0" role="region" aria-label="${r.title}"><table><caption>${caption}</caption>
    <thead><tr><th scope="col">${x.fields}</th><th scope="col">${x.type}</th><th scope="col">${x.description}</th></tr></thead>
    <tbody>${r.schema.fields.map((f) => html`<tr><th scope="row"><code>${f.name}</code></th><td>${f.type}</td><td>${f.description}</td></tr>`)}</tbody>
  </table></div>`
    : '';

/** The snapshots, newest first: each month's datapackage and zip. */
function snapshotSection(snapshots: DataSnapshot[], here: string, lang: Lang): Html | string {
  if (snapshots.length === 0) return '';
  const x = TEXT[lang];
  return html`<section id="archive">
  <h2>${x.snapshots}</h2>
  <p>${x.snapshotsIntro}</p>
  <div class="table-scroll" tabindex="0" role="region" aria-label="${x.snapshots}"><table><caption>/data/archive/</caption>
    <thead><tr><th scope="col">${x.month}</th><th scope="col">${x.frozen}</th><th scope="col">${x.snapshotFiles}</th></tr></thead>
    <tbody>${snapshots.map(
      (s) =>
        html`<tr><th scope="row">${formatMonth(s.month, lang)}</th><td>${formatDateTime(s.created, lang)}</td><td><a href="${href(here, `/data/${s.path}datapackage.json`)}">datapackage.json</a> · <a href="${href(here, `/data/${s.path}${ZIP_NAME}`)}" download>ZIP</a></td></tr>`,
    )}</tbody>
  </table></div>
</section>`;
}

/** The raw parts as one table: a row per area, a column per year. */
function rawSection(parts: DataResource[], areaNames: Map<string, string>, here: string, lang: Lang): Html {
  const x = TEXT[lang];
  const byArea = new Map<string, Map<string, DataResource>>();
  for (const r of parts) {
    const [, year, code] = RAW.exec(r.name)!;
    byArea.set(code!, (byArea.get(code!) ?? new Map()).set(year!, r));
  }
  const years = [...new Set(parts.map((r) => RAW.exec(r.name)![1]!))].sort();
  const name = (code: string) => areaNames.get(code) ?? code;
  const codes = [...byArea.keys()].sort((a, b) => (a === 'VN' ? -1 : b === 'VN' ? 1 : collator.compare(name(a), name(b))));
  return html`<section class="resource" id="observations">
  <h2>${x.raw}</h2>
  <p>${x.rawIntro}</p>
  <div class="table-scroll" tabindex="0" role="region" aria-label="${x.raw}"><table class="raw-parts"><caption>observations/YYYY/AREA.csv</caption>
    <thead><tr><th scope="col">${x.area}</th>${years.map((y) => html`<th scope="col">${y}</th>`)}</tr></thead>
    <tbody>${codes.map(
      (code) =>
        html`<tr><th scope="row">${name(code)} (${code})</th>${years.map((y) => {
          const r = byArea.get(code)!.get(y);
          return r ? html`<td><a href="${href(here, `/data/${r.path}`)}" download title="${formatCount(r.bytes ?? 0, lang)} B">CSV</a></td>` : html`<td></td>`;
        })}</tr>`,
    )}</tbody>
  </table></div>
  ${fieldsTable(parts[0]!, 'observations/YYYY/AREA.csv', x)}
</section>`;
}

export function dataPage(pkg: DataPackage, snapshots: DataSnapshot[], meta: SiteMeta, lang: Lang, areaNames: Map<string, string>): Page {
  const t = strings(lang);
  const x = TEXT[lang];
  const here = localePath(lang, '/data/');
  const raw = pkg.resources.filter((r) => RAW.test(r.name));
  const csvs = pkg.resources.filter((r) => r.format === 'csv' && !RAW.test(r.name));
  const body = html`
<h1>${t.data.title}</h1>
<p>${x.intro} ${x.asOf(pkg.last_batch_id)}</p>
<ul class="downloads">
  <li><a href="${href(here, `/data/${ZIP_NAME}`)}" download>${x.zip}</a> — ${x.zipAsOf(pkg.archive.last_batch_id, formatDateTime(pkg.archive.built_at, lang))}</li>
  <li><a href="${href(here, '/data/datapackage.json')}">datapackage.json</a> — ${x.pkg}</li>
  <li><a href="${href(here, '/examples/observations.csv')}" download>examples/observations.csv</a> — ${x.example}</li>
  <li><a href="${href(here, '/data/feed.xml')}" type="application/atom+xml">feed.xml</a> — ${x.feed}</li>
</ul>
${snapshotSection(snapshots, here, lang)}
${raw.length > 0 ? rawSection(raw, areaNames, here, lang) : ''}
${csvs.map((r) => {
  const twin = pkg.resources.find((j) => j.name === `${r.name}-json`);
  const sheet = pkg.resources.find((j) => j.name === `${r.name}-xlsx`);
  return html`<section class="resource" id="${r.name}">
  <h2>${r.title}</h2>
  <p>${r.description}</p>
  <p>${
    Array.isArray(r.path)
      ? x.files(r.path.length, r.path[0] ?? '')
      : html`<a href="${href(here, `/data/${r.path}`)}" download>${r.path}</a>${r.bytes ? ` (${formatCount(r.bytes, lang)} B)` : ''}${twin ? html` · <a href="${href(here, `/data/${twin.path}`)}">${x.twin}</a>` : ''}${sheet ? html` · <a href="${href(here, `/data/${sheet.path}`)}" download>${x.xlsx}</a>` : ''} · <a href="${href(here, `/data/${sidecarPath(r.path)}`)}">${x.metadata}</a>`
  }</p>
  ${Array.isArray(r.path) ? '' : html`<p class="citation">${x.citeThis} ${citation(lang === 'vi' ? (r.title_vi ?? r.title) : r.title, lang, meta.built_at, fileUrl(meta.site_url, `/data/${r.path}`))}</p>`}
  ${fieldsTable(r, Array.isArray(r.path) ? (r.path[0] ?? '') : r.path, x)}
</section>`;
})}
<section><h2>${x.cite}</h2><p class="citation">${x.citation(formatDateTime(meta.built_at, lang))}</p></section>
<p><a href="${href(here, '/docs')}">${x.api}</a></p>`;
  return { lang, path: '/data/', meta, title: t.data.title, description: x.intro, body };
}
