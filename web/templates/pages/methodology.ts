import { type Lang, formatPoints, formatRate } from '../../i18n.ts';
import type { IndicatorInfo, IndicatorsInfo, SiteMeta } from '../../model.ts';
import { strings } from '../../strings.ts';
import { type Html, html } from '../html.ts';
import type { Page } from '../layout.ts';
import { referenceText } from '../scorecard.ts';

const vi = html`
<h1>Phương pháp</h1>
<section>
<h2>Số liệu là gì</h2>
<p>Mỗi tháng, các bộ, ngành và địa phương báo cáo cho từng dịch vụ công và từng địa bàn hai con số:
<strong>số hồ sơ nộp trực tuyến</strong> và <strong>tổng số hồ sơ</strong> (mọi kênh: trực tuyến, trực tiếp, bưu chính).
Một dòng số liệu là một dịch vụ, một địa bàn, một tháng.</p>
</section>
<section>
<h2>Công thức</h2>
<p class="formula">Tỷ lệ trực tuyến = Σ hồ sơ trực tuyến ÷ Σ tổng số hồ sơ</p>
<p>Tổng được lấy trên mọi dòng mà con số bao trùm: các dịch vụ, các địa bàn và các tháng. Khi tổng số hồ sơ bằng 0, tỷ lệ để trống.
Tỷ lệ “12 tháng” là tỷ lệ trên 12 tháng đầy đủ gần nhất; “thay đổi” là chênh lệch, tính bằng điểm phần trăm, so với 12 tháng trước đó.</p>
<h3>Vì sao không lấy trung bình các tỷ lệ</h3>
<p>Một tỉnh có 10 hồ sơ, 9 hồ sơ trực tuyến (90%) và một tỉnh có 10.000 hồ sơ, 1.000 hồ sơ trực tuyến (10%):
trung bình hai tỷ lệ là 50%, nhưng thực tế chỉ 1.009 trên 10.010 hồ sơ, tức 10,08%, được nộp trực tuyến.
Trung bình các tỷ lệ cho nơi nhỏ sức nặng bằng nơi lớn, nên Thước đo luôn cộng số hồ sơ trước rồi mới chia.</p>
</section>
<section>
<h2>Tháng đầy đủ và số liệu nộp muộn</h2>
<p>“Tháng đầy đủ gần nhất” là tháng gần nhất mà mọi tỉnh, thành phố thường xuyên báo cáo (có số liệu trong 12 tháng trước đó) đã báo cáo.
Các tháng sau đó vẫn được công bố nhưng có ghi chú số địa phương đã báo cáo.</p>
</section>
<section>
<h2>Sửa số liệu</h2>
<p>Khi một dịch vụ, địa bàn và tháng được báo cáo lại với số khác, số mới là số hiện hành; số cũ được giữ trong lịch sử cùng lô dữ liệu đã gửi nó
(API: <code>/api/v1/observations/history</code>). Gửi lại đúng số cũ không thay đổi gì.
Một lô dữ liệu được nhận toàn bộ hoặc không nhận gì; một số liệu chỉ được báo cáo ở một cấp (xã hoặc tỉnh, không cả hai) để không bị tính hai lần.</p>
</section>
<section>
<h2>Sắp xếp đơn vị hành chính năm 2025</h2>
<p>Từ ngày 01/7/2025, 63 tỉnh, thành phố được sắp xếp thành 34 (Nghị quyết 202/2025/QH15) và một số mã được dùng lại với nghĩa mới
(ví dụ mã 80 trước là Long An, nay là Tây Ninh). Vì vậy mỗi mã luôn được đọc theo tháng của dòng số liệu.
Mọi tỉnh cũ được nhập trọn vào một tỉnh mới, nên số liệu trước tháng 7/2025 được cộng lại theo địa giới hiện nay:
xu hướng của một tỉnh hiện nay là liên tục qua đợt sắp xếp, và trang của mỗi tỉnh ghi rõ gồm những tỉnh cũ nào.
Danh mục đơn vị hành chính lấy từ bộ dữ liệu công khai dvhcvn/20250701 (giấy phép MIT).</p>
</section>
<section>
<h2>Nguồn số liệu</h2>
<p>Số liệu do các đơn vị công nghệ thông tin của bộ, ngành và địa phương gửi qua API hoặc tệp CSV, theo định dạng công khai.
Mỗi lô được ghi lại: ai gửi, khi nào, mã băm của tệp và kết quả kiểm tra.</p>
</section>
<section>
<h2>Nhãn “Dữ liệu minh họa”</h2>
<p>Khi trang hiển thị nhãn <strong>Dữ liệu minh họa — Demo data</strong>, các con số là dữ liệu mô phỏng, được tạo để trình diễn.
Chúng tái hiện đường cong đã công bố (1,78% năm 2020, 9,51% năm 2021, khoảng 18% bảy tháng đầu năm 2022) nhưng không phải số liệu chính thức.</p>
</section>
<section>
<h2>Giấy phép</h2>
<p>Dữ liệu: CC BY 4.0 — được dùng lại, kể cả cho mục đích thương mại, khi ghi nguồn “Thước đo”. Mã nguồn: MIT.</p>
</section>`;

const en = html`
<h1>Methodology</h1>
<section>
<h2>What is counted</h2>
<p>Every month, ministries and provinces report two numbers for each public service and locality:
the <strong>dossiers submitted online</strong> and <strong>all dossiers</strong> (every channel: online, in person, by post).
One row is one service, one locality, one month.</p>
</section>
<section>
<h2>The formula</h2>
<p class="formula">Online rate = Σ online dossiers ÷ Σ all dossiers</p>
<p>The sums run over every row a figure covers: services, localities and months. Where there are no dossiers at all, there is no rate.
The “12-month” rate covers the last 12 complete months; its “change” is the difference, in percentage points, from the 12 months before.</p>
<h3>Why rates are never averaged</h3>
<p>Take a province with 10 dossiers, 9 of them online (90%), and one with 10,000 dossiers, 1,000 online (10%).
The mean of the two rates is 50%, but only 1,009 of 10,010 dossiers, 10.08%, were submitted online.
A mean of rates weighs a small place like a large one, so Thước đo always adds up dossiers first and divides last.</p>
</section>
<section>
<h2>Complete months and late data</h2>
<p>The “latest complete month” is the latest month every regularly reporting province (one with data in the 12 months before) has reported.
Later months are still published, with a note of how many provinces have reported.</p>
</section>
<section>
<h2>Revisions</h2>
<p>When a service, locality and month is reported again with other counts, the new counts are current; the old ones stay in the history with the
batch that sent them (API: <code>/api/v1/observations/history</code>). Sending the same counts again changes nothing.
A batch is stored whole or not at all, and a count is reported at one level only (a commune or its province, never both), so nothing is counted twice.</p>
</section>
<section>
<h2>The 2025 reorganisation</h2>
<p>On 1 July 2025 Vietnam’s 63 provinces became 34 (Resolution 202/2025/QH15), and some codes were reused with new meanings
(80 was Long An and is now Tây Ninh). Every code is therefore read in the month of its row.
Every old province went whole into one new province, so figures before July 2025 are added up within today’s boundaries:
a province’s trend runs continuously across the reorganisation, and each province page says which old provinces it includes.
The list of administrative units comes from the public dataset dvhcvn/20250701 (MIT licence).</p>
</section>
<section>
<h2>Where the data comes from</h2>
<p>The IT units of ministries and provinces send the counts through the API or as CSV files in the published format.
Every batch is recorded: who sent it, when, the hash of the file and the result of the checks.</p>
</section>
<section>
<h2>The “Demo data” label</h2>
<p>When a page shows <strong>Dữ liệu minh họa — Demo data</strong>, its figures are simulated for demonstration.
They reproduce the published curve (1.78% in 2020, 9.51% in 2021, about 18% in the first seven months of 2022) but are not official statistics.</p>
</section>
<section>
<h2>Licence</h2>
<p>Data: CC BY 4.0 — reuse it, commercially too, crediting “Thước đo”. Code: MIT.</p>
</section>`;

const BODIES: Record<Lang, Html> = { vi, en };

const INDICATOR_TEXT = {
  vi: {
    title: 'Các chỉ số dịch vụ trực tuyến (Quyết định 766/QĐ-TTg)',
    intro: (max: string) =>
      `Ngoài tỷ lệ hồ sơ trực tuyến, Thước đo tính nhóm chỉ số «Cung cấp dịch vụ trực tuyến» (tối đa ${max} điểm) của Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg ngày 23/6/2022). Mỗi tỉnh, thành phố, xã, phường, mỗi bộ, ngành và cả nước có một bảng điểm cho năm gần nhất có số liệu, kèm công thức và con số của từng chỉ số; bảng điểm của mọi đơn vị có trong dữ liệu mở (scorecards.csv), chuỗi theo tháng của cả nước trong indicators-national-monthly.csv.`,
    optional: 'Số hồ sơ toàn trình (end_to_end_count), số hồ sơ phải nộp phí, lệ phí (fee_count) và số hồ sơ thanh toán trực tuyến (paid_online_count) là các cột không bắt buộc: mỗi tỷ lệ chỉ tính trên các dòng có báo cáo con số đó, và một dòng không báo cáo thì không bị tính là 0. Trên biểu đồ, đường toàn trình và đường thanh toán trực tuyến chỉ được vẽ khi có số liệu, với số đơn vị đã báo cáo của từng tháng.',
    scoring: 'Cách cho điểm',
    code: 'Mã',
    numerator: 'Tử số',
    denominator: 'Mẫu số',
    reference: 'Căn cứ',
    threshold: 'Đủ điểm từ',
    points: 'Điểm tối đa',
    counts: 'Đơn vị đếm',
    countsOf: { dossiers: 'hồ sơ', services: 'thủ tục (dịch vụ)' },
    source: 'Nguồn số liệu',
    sourceOf: (columns: string[], catalogue: string[]) =>
      [columns.length > 0 ? `các cột ${columns.join(', ')} của số liệu do bộ, ngành, địa phương gửi lên Thước đo` : '', catalogue.length > 0 ? `các trường ${catalogue.join(', ')} của danh mục thủ tục` : '']
        .filter(Boolean)
        .join('; '),
    name: (i: IndicatorInfo) => i.name_vi,
    num: (i: IndicatorInfo) => i.numerator_vi,
    den: (i: IndicatorInfo) => i.denominator_vi,
  },
  en: {
    title: 'The online-services indicators (Decision 766/QĐ-TTg)',
    intro: (max: string) =>
      `Beside the online rate, Thước đo computes the "online services" group (at most ${max} points) of the index the Prime Minister set for steering and assessing service to people and businesses (Decision 766/QĐ-TTg of 23 June 2022). Every province, commune, ministry and the country has a scorecard for its latest year with data, with each indicator's formula and numbers; the open data has every unit's scorecard (scorecards.csv) and the country's monthly series (indicators-national-monthly.csv).`,
    optional: 'The end-to-end dossiers (end_to_end_count), the dossiers that carried a fee (fee_count) and those paid online (paid_online_count) are optional columns: each share counts only the rows that reported it, and a row that did not is never counted as 0. On the charts, the end-to-end and paid-online lines are drawn only where there is data, with how many units reported each month.',
    scoring: 'How points are given',
    code: 'Code',
    numerator: 'Numerator',
    denominator: 'Denominator',
    reference: 'Reference',
    threshold: 'Full points from',
    points: 'Maximum points',
    counts: 'Counts',
    countsOf: { dossiers: 'dossiers', services: 'services' },
    source: 'Source',
    sourceOf: (columns: string[], catalogue: string[]) =>
      [columns.length > 0 ? `the columns ${columns.join(', ')} of the data ministries and provinces report to Thước đo` : '', catalogue.length > 0 ? `the fields ${catalogue.join(', ')} of the service catalogue` : '']
        .filter(Boolean)
        .join('; '),
    name: (i: IndicatorInfo) => i.name_en,
    num: (i: IndicatorInfo) => i.numerator,
    den: (i: IndicatorInfo) => i.denominator,
  },
};

/** Each indicator of the catalogue: what it divides, its reference, threshold, points and source; how points are given; the note. */
function indicatorsSection(info: IndicatorsInfo, lang: Lang): Html {
  const x = INDICATOR_TEXT[lang];
  return html`<section id="indicators">
<h2>${x.title}</h2>
<p>${x.intro(formatPoints(info.max_score, lang))}</p>
<p class="note official">${lang === 'vi' ? info.note_vi : info.note_en}</p>
<p>${x.optional}</p>
${info.indicators.map(
  (i) => html`<section class="indicator" id="indicator-${i.id}">
<h3>${x.name(i)}</h3>
<dl class="facts">
  <div><dt>${x.code}</dt><dd><code>${i.id}</code></dd></div>
  <div><dt>${x.reference}</dt><dd>${referenceText(i.reference, lang)}</dd></div>
  <div><dt>${x.threshold}</dt><dd>${formatRate(i.full_score_at, lang, 0)}</dd></div>
  <div><dt>${x.points}</dt><dd>${formatPoints(i.max_points, lang)}</dd></div>
  <div><dt>${x.counts}</dt><dd>${x.countsOf[i.counts]}</dd></div>
</dl>
<p class="formula">${x.name(i)} = ${x.num(i)} ÷ ${x.den(i)}</p>
<p>${x.numerator}: ${x.num(i)}. ${x.denominator}: ${x.den(i)}. ${x.source}: ${x.sourceOf(i.columns, i.catalogue)}.</p>
</section>`,
)}
<h3>${x.scoring}</h3>
<p>${lang === 'vi' ? info.scoring_vi : info.scoring_en}.</p>
</section>`;
}

export function methodologyPage(meta: SiteMeta, lang: Lang, indicators: IndicatorsInfo): Page {
  const t = strings(lang);
  return { lang, path: '/methodology/', meta, title: t.methodology.title, description: t.tagline, body: html`${BODIES[lang]}${indicatorsSection(indicators, lang)}` };
}
