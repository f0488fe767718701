import { type Lang, localePath } from '../../i18n.ts';
import type { SiteMeta } from '../../model.ts';
import { type Html, html, jsonScript } from '../html.ts';
import { type Page, linksFrom } from '../layout.ts';

/** The desk's path; /en/publish/ in English. */
export const PUBLISH_PATH = '/publish/';

/** What the desk's script says (web/js/publish.ts), in the page's language. */
export interface DeskStrings {
  checking: string;
  sending: string;
  wouldStore: string;
  stored: string;
  unchanged: string;
  errorsFound: string;
  errorsMore: string;
  noFile: string;
  noToken: string;
  network: string;
  scope: string;
  scopeAll: string;
  scopePeriods: string;
  scopeServices: string;
  scopeExpires: string;
  scopeUnknown: string;
  links: string;
  overview: string;
  openData: string;
  withdrawConfirm: string;
  withdrawWould: string;
  withdrawn: string;
  errorsCsvHeader: [string, string, string, string];
  columns: { row: string; column: string; value: string; message: string };
}

const TEXT = {
  vi: {
    title: 'Gửi số liệu',
    description: 'Nơi cán bộ của bộ, ngành, tỉnh, thành phố và xã, phường gửi số liệu hồ sơ hằng tháng: kiểm tra tệp, xem mọi lỗi cùng lúc, sửa và gửi lại.',
    intro: 'Dành cho cán bộ được giao gửi số liệu. Chọn tệp CSV, JSON hoặc Excel (.xlsx), bấm «Kiểm tra» để xem trước: hệ thống kiểm tra toàn bộ tệp, chưa lưu gì. Khi không còn lỗi, bấm «Gửi». Một tệp có lỗi không bao giờ được lưu dở dang.',
    token: 'Mã truy cập (token)',
    tokenHint: 'Mã do quản trị viên cấp. Mã chỉ được giữ trong thẻ trình duyệt này, mất khi đóng thẻ; không lưu vào cookie hay đường dẫn.',
    forget: 'Xóa mã khỏi thẻ này',
    file: 'Tệp số liệu (CSV, JSON hoặc Excel .xlsx)',
    fileHint: 'Dòng đầu là tên cột: period, service_code, locality_code, online_count, total_count; có thể thêm end_to_end_count (hồ sơ toàn trình), fee_count (hồ sơ có phí, lệ phí), paid_online_count (hồ sơ thanh toán trực tuyến), để trống khi chưa thống kê. Có thể kéo và thả tệp vào đây.',
    example: 'Tải tệp mẫu',
    check: 'Kiểm tra',
    send: 'Gửi',
    progress: 'Tiến độ tải lên',
    errors: 'Các lỗi cần sửa',
    download: 'Tải danh sách lỗi (CSV, mở bằng Excel)',
    withdrawTitle: 'Rút lại số liệu đã gửi',
    withdrawIntro: 'Tệp CSV gồm các cột period, service_code, locality_code: mỗi dòng là một số liệu đã gửi cần rút lại. Bấm «Kiểm tra» để xem các dòng sẽ bị rút, rồi xác nhận.',
    withdrawFile: 'Tệp các dòng cần rút lại (CSV)',
    withdrawConfirmLabel: 'Tôi xác nhận rút lại các dòng trên',
    withdraw: 'Rút lại',
    apiTitle: 'Gửi bằng API hoặc dòng lệnh',
    apiIntro: 'Trang này cần JavaScript. Không có JavaScript, vẫn có thể gửi cùng tệp qua API (mọi lỗi trả về bằng tiếng Việt khi gửi kèm Accept-Language: vi):',
    apiCheck: 'Kiểm tra trước, không lưu gì:',
    apiSend: 'Gửi thật:',
    apiDocs: 'Tài liệu đầy đủ của API',
  },
  en: {
    title: 'Send data',
    description: 'Where ministries, provinces and communes send their monthly dossier counts: check a file, see every mistake at once, fix it and send again.',
    intro: 'For the staff who send the figures. Choose a CSV, JSON or Excel (.xlsx) file and press “Check” for a preview: the whole file is checked and nothing is stored. When there are no errors, press “Send”. A file with errors is never half-stored.',
    token: 'Access token',
    tokenHint: 'The token your administrator gave you. It is kept in this browser tab only, and gone when the tab closes; never in a cookie or the address.',
    forget: 'Forget the token in this tab',
    file: 'Data file (CSV, JSON or Excel .xlsx)',
    fileHint: 'The first row names the columns: period, service_code, locality_code, online_count, total_count; optionally end_to_end_count, fee_count, paid_online_count (leave empty when not counted). You can drag and drop the file here.',
    example: 'Download an example file',
    check: 'Check',
    send: 'Send',
    progress: 'Upload progress',
    errors: 'Errors to fix',
    download: 'Download the errors (CSV, opens in Excel)',
    withdrawTitle: 'Withdraw rows already sent',
    withdrawIntro: 'A CSV file with the columns period, service_code, locality_code: each row names a stored row to withdraw. Press “Check” to see the rows, then confirm.',
    withdrawFile: 'File of the rows to withdraw (CSV)',
    withdrawConfirmLabel: 'I confirm withdrawing the rows above',
    withdraw: 'Withdraw',
    apiTitle: 'Sending with the API or the command line',
    apiIntro: 'This page needs JavaScript. Without it, send the same file to the API (errors come in Vietnamese with Accept-Language: vi):',
    apiCheck: 'Check first, nothing stored:',
    apiSend: 'Send for real:',
    apiDocs: 'The API’s full documentation',
  },
};

const DESK: Record<Lang, DeskStrings> = {
  vi: {
    checking: 'Đang kiểm tra…',
    sending: 'Đang gửi…',
    wouldStore: 'Tệp hợp lệ: {rows} dòng. Nếu gửi sẽ thêm mới {inserted}, sửa {revised}, giữ nguyên {unchanged}. Chưa lưu gì.',
    stored: 'Đã lưu lô {batch}: {rows} dòng, thêm mới {inserted}, sửa {revised}, giữ nguyên {unchanged}. Trang công khai cập nhật sau vài giây.',
    unchanged: 'Không có gì thay đổi: mọi số liệu trong tệp đã có sẵn.',
    errorsFound: 'Tệp có {n} lỗi, chưa lưu gì. Sửa các dòng dưới đây rồi kiểm tra lại.',
    errorsMore: 'Chỉ liệt kê {shown} lỗi đầu tiên trong tổng số {n}.',
    noFile: 'Hãy chọn một tệp.',
    noToken: 'Hãy nhập mã truy cập.',
    network: 'Không kết nối được máy chủ. Hãy thử lại.',
    scope: 'Mã này được gửi số liệu cho: {localities}.',
    scopeAll: 'mọi địa phương',
    scopePeriods: 'Các tháng từ {from} đến {to}.',
    scopeServices: 'Chỉ các dịch vụ: {services}.',
    scopeExpires: 'Mã hết hạn lúc {when}.',
    scopeUnknown: 'Không kiểm tra được mã truy cập này.',
    links: 'Xem trên trang:',
    overview: 'Tổng quan',
    openData: 'Dữ liệu mở',
    withdrawConfirm: 'Sẽ rút lại {n} dòng:',
    withdrawWould: 'Các dòng có trong dữ liệu và có thể rút lại: {n}.',
    withdrawn: 'Đã rút lại {n} dòng (lô {batch}).',
    errorsCsvHeader: ['dong', 'cot', 'gia_tri', 'can_sua'],
    columns: { row: 'Dòng', column: 'Cột', value: 'Giá trị', message: 'Cần sửa' },
  },
  en: {
    checking: 'Checking…',
    sending: 'Sending…',
    wouldStore: 'The file is valid: {rows} rows. Sending it would insert {inserted}, revise {revised} and leave {unchanged} unchanged. Nothing is stored yet.',
    stored: 'Stored as batch {batch}: {rows} rows, {inserted} inserted, {revised} revised, {unchanged} unchanged. The public pages follow within seconds.',
    unchanged: 'Nothing changed: every figure in the file is already stored.',
    errorsFound: 'The file has {n} errors and nothing was stored. Fix the rows below and check again.',
    errorsMore: 'Only the first {shown} of {n} errors are listed.',
    noFile: 'Choose a file first.',
    noToken: 'Enter your access token first.',
    network: 'The server could not be reached. Try again.',
    scope: 'This token may send figures for: {localities}.',
    scopeAll: 'every locality',
    scopePeriods: 'Months from {from} to {to}.',
    scopeServices: 'Only the services: {services}.',
    scopeExpires: 'The token expires at {when}.',
    scopeUnknown: 'This token could not be checked.',
    links: 'See it on the site:',
    overview: 'Overview',
    openData: 'Open data',
    withdrawConfirm: '{n} rows will be withdrawn:',
    withdrawWould: 'Rows stored and able to be withdrawn: {n}.',
    withdrawn: 'Withdrew {n} rows (batch {batch}).',
    errorsCsvHeader: ['row', 'column', 'value', 'what_to_fix'],
    columns: { row: 'Row', column: 'Column', value: 'Value', message: 'What to fix' },
  },
};

function apiSection(lang: Lang, link: (to: string) => string, base: string): Html {
  const x = TEXT[lang];
  const url = `${base}/api/v1/observations`;
  return html`<section class="desk-api" id="api">
  <h2>${x.apiTitle}</h2>
  <p>${x.apiIntro}</p>
  <p>${x.apiCheck}</p>
  <pre><code>curl -H "Authorization: Bearer $TOKEN" -H "Accept-Language: ${lang}" -H "Content-Type: text/csv" --data-binary @so-lieu.csv "${url}?dry_run=1"</code></pre>
  <p>${x.apiSend}</p>
  <pre><code>curl -H "Authorization: Bearer $TOKEN" -H "Accept-Language: ${lang}" -H "Content-Type: text/csv" --data-binary @so-lieu.csv "${url}"</code></pre>
  <p><a href="${link('/docs')}">${x.apiDocs}</a> · <a href="${link('/examples/observations.csv')}" download>${x.example}</a></p>
</section>`;
}

/**
 * /publish/: the publishers' desk. The form works with web/js/publish.ts (no inline script, as the
 * CSP wants) and is hidden until the script shows it; without JavaScript the page explains the API.
 */
export function publishPage(meta: SiteMeta, lang: Lang): Page {
  const x = TEXT[lang];
  const here = localePath(lang, PUBLISH_PATH);
  const link = linksFrom(here);
  // Where readers reach the server; a placeholder when the site has no public address.
  const base = meta.site_url?.replace(/\/$/, '') ?? '$SERVER';
  const body = html`
<h1>${x.title}</h1>
<p>${x.intro}</p>
<div class="desk" data-api="${link('/api/v1/')}" data-lang="${lang}" data-site="${link(localePath(lang, '/'))}" hidden>
  <script type="application/json" id="desk-strings">${jsonScript(DESK[lang])}</script>
  <form class="desk-token" id="desk-token">
    <label for="desk-token-input">${x.token}</label>
    <input id="desk-token-input" type="password" autocomplete="off" spellcheck="false" aria-describedby="desk-token-hint">
    <p id="desk-token-hint" class="hint">${x.tokenHint}</p>
    <button type="button" id="desk-forget">${x.forget}</button>
    <p id="desk-scope" role="status" aria-live="polite"></p>
  </form>
  <form class="desk-upload" id="desk-upload">
    <div class="drop" id="desk-drop">
      <label for="desk-file">${x.file}</label>
      <input id="desk-file" type="file" accept=".csv,.json,.xlsx,text/csv,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-describedby="desk-file-hint">
      <p id="desk-file-hint" class="hint">${x.fileHint} <a href="${link('/examples/observations.csv')}" download>${x.example}</a></p>
    </div>
    <p class="actions"><button type="submit" name="check" value="1">${x.check}</button> <button type="button" id="desk-send">${x.send}</button></p>
    <label for="desk-progress">${x.progress}</label>
    <progress id="desk-progress" max="100" value="0"></progress>
  </form>
  <div id="desk-result" role="status" aria-live="polite"></div>
  <section id="desk-errors" hidden>
    <h2>${x.errors}</h2>
    <p id="desk-errors-summary" role="alert"></p>
    <p><a id="desk-errors-csv" href="#" download="loi-so-lieu.csv">${x.download}</a></p>
    <div class="table-scroll" tabindex="0" role="region" aria-labelledby="desk-errors-caption"><table id="desk-errors-table"><caption id="desk-errors-caption">${x.errors}</caption><thead></thead><tbody></tbody></table></div>
  </section>
  <section class="desk-withdraw">
    <h2>${x.withdrawTitle}</h2>
    <p>${x.withdrawIntro}</p>
    <form id="desk-withdraw">
      <label for="desk-withdraw-file">${x.withdrawFile}</label>
      <input id="desk-withdraw-file" type="file" accept=".csv,text/csv">
      <p class="actions"><button type="submit">${x.check}</button></p>
      <div id="desk-withdraw-review" hidden>
        <p id="desk-withdraw-summary"></p>
        <ul id="desk-withdraw-rows"></ul>
        <p><input type="checkbox" id="desk-withdraw-confirm"> <label for="desk-withdraw-confirm">${x.withdrawConfirmLabel}</label></p>
        <p><button type="button" id="desk-withdraw-send" disabled>${x.withdraw}</button></p>
      </div>
      <div id="desk-withdraw-result" role="status" aria-live="polite"></div>
    </form>
  </section>
</div>
${apiSection(lang, link, base)}`;
  return { lang, path: PUBLISH_PATH, meta, title: x.title, description: x.description, scripts: ['publish'], body };
}
