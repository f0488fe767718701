import type { Month } from '../months.ts';
import type { ServiceInput } from '../services.ts';


/** How much a service is used, for the demo generator only. */
export interface ServiceProfile {
  /** Dossiers a month per 100,000 people, before noise. */
  volume: number;
  /** Relative appetite for the online channel: 1 is typical, 0.01 is online in name only. */
  uptake: number;
  online_level: ServiceInput['online_level'];
  /** Run on the ministry's own national system (tax, customs, police, social insurance…) rather than by provinces and communes. */
  ministry: boolean;
  /** Share of dossiers that carry a fee or charge; 0 = a free service. */
  fee: number;
  /** Relative appetite for paying online: 1 is typical, low where fees are still paid at the counter or the treasury. */
  pay: number;
}

type Spec = [code: string, nameVi: string, nameEn: string, level: ServiceInput['online_level'], since: Month | null, volume: number, uptake: number];

interface Agency {
  agency: string;
  /** Dossiers handled by the ministry's own system, not by provincial one-stop shops (default: provincial). */
  ministryRun?: boolean;
  services: Spec[];
}

// Codes follow the national procedure code shape (digit, dot, six digits); volumes and uptakes are
// invented but ordered like reality: civil status, residence, tax and insurance dominate the counts.
// Levels are today's: 'full' (toàn trình) can be handled end to end, 'partial' keeps a step at the
// counter (certified copies need the original, identity cards the fingerprints), so that, as in the
// national figures, most online dossiers belong to full services; 'none' is not offered online.
const AGENCIES: Agency[] = [
  {
    agency: 'Bộ Tư pháp',
    services: [
      ['1.001193', 'Đăng ký khai sinh', 'Birth registration', 'full', '2019-06', 120, 1.2],
      ['1.000894', 'Đăng ký kết hôn', 'Marriage registration', 'partial', '2019-06', 45, 0.7],
      ['1.000656', 'Đăng ký khai tử', 'Death registration', 'full', '2019-06', 55, 0.9],
      ['1.004873', 'Đăng ký lại khai sinh', 'Re-registration of a birth', 'full', '2020-03', 8, 0.015],
      ['1.001022', 'Đăng ký nhận cha, mẹ, con', 'Registration of parentage recognition', 'partial', '2020-03', 3, 0.012],
      ['1.004837', 'Đăng ký giám hộ', 'Guardianship registration', 'full', '2020-03', 1.2, 0.01],
      ['1.004859', 'Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch', 'Change, correction or supplement of civil status information', 'full', '2019-10', 25, 0.8],
      ['1.004884', 'Cấp bản sao trích lục hộ tịch', 'Issuance of copies of civil status extracts', 'full', '2019-06', 70, 1.3],
      ['2.000635', 'Cấp giấy xác nhận tình trạng hôn nhân', 'Certification of marital status', 'full', '2019-06', 60, 1.1],
      ['1.000593', 'Đăng ký kết hôn có yếu tố nước ngoài', 'Marriage registration involving foreign elements', 'partial', '2020-09', 1.5, 0.3],
      ['2.000815', 'Chứng thực bản sao từ bản chính giấy tờ, văn bản', 'Certification of copies from originals', 'partial', '2019-01', 900, 0.1],
      ['2.000884', 'Chứng thực chữ ký trong giấy tờ, văn bản', 'Authentication of signatures', 'partial', '2019-06', 120, 0.1],
      ['1.001417', 'Cấp phiếu lý lịch tư pháp cho công dân Việt Nam', 'Criminal record certificates for Vietnamese citizens', 'full', '2019-03', 35, 1.6],
      ['1.002020', 'Đăng ký biện pháp bảo đảm bằng quyền sử dụng đất', 'Registration of security interests over land use rights', 'full', '2020-07', 40, 0.9],
      ['1.005461', 'Thôi quốc tịch Việt Nam', 'Renunciation of Vietnamese nationality', 'full', '2022-01', 0.3, 0.02],
      ['2.001263', 'Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi', 'Linked birth, residence and health insurance registration for children under 6', 'full', '2022-06', 60, 1.5],
      ['1.004746', 'Liên thông đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất', 'Linked death registration, residence deregistration and survivor benefits', 'full', '2022-06', 25, 0.9],
      ['2.000927', 'Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản', 'Certification of contracts and transactions on movable property', 'none', null, 12, 0],
    ],
  },
  {
    agency: 'Bộ Công an',
    ministryRun: true,
    services: [
      ['2.001159', 'Đăng ký thường trú', 'Permanent residence registration', 'full', '2019-12', 140, 1.3],
      ['2.001153', 'Đăng ký tạm trú', 'Temporary residence registration', 'full', '2019-12', 200, 1.4],
      ['2.001184', 'Xóa đăng ký thường trú', 'Permanent residence deregistration', 'full', '2021-07', 60, 1.1],
      ['2.001187', 'Gia hạn tạm trú', 'Renewal of temporary residence', 'full', '2021-07', 50, 1.5],
      ['1.001155', 'Khai báo tạm vắng', 'Notification of temporary absence', 'full', '2021-07', 20, 0.9],
      ['2.001974', 'Xác nhận thông tin về cư trú', 'Confirmation of residence information', 'full', '2021-07', 40, 1.7],
      ['2.000734', 'Cấp thẻ Căn cước', 'Issuance of identity cards', 'partial', '2021-01', 250, 0.35],
      ['2.000740', 'Cấp đổi thẻ Căn cước', 'Replacement of identity cards', 'partial', '2021-01', 150, 0.5],
      ['2.000744', 'Cấp lại thẻ Căn cước', 'Re-issuance of identity cards', 'full', '2021-01', 40, 0.6],
      ['1.003652', 'Cấp hộ chiếu phổ thông ở trong nước', 'Issuance of ordinary passports in the country', 'full', '2019-06', 35, 1.1],
      ['1.003640', 'Cấp lại hộ chiếu phổ thông', 'Re-issuance of ordinary passports', 'full', '2020-01', 8, 1.0],
      ['1.004268', 'Đăng ký, cấp biển số xe mô tô, xe gắn máy', 'Registration and plates for motorcycles', 'full', '2020-08', 250, 0.5],
      ['2.001997', 'Đăng ký, cấp biển số xe ô tô', 'Registration and plates for cars', 'full', '2020-08', 45, 0.6],
      ['2.002015', 'Thu hồi đăng ký, biển số xe', 'Revocation of vehicle registration and plates', 'full', '2022-03', 20, 0.8],
      ['2.002020', 'Cấp đổi chứng nhận đăng ký xe', 'Replacement of vehicle registration certificates', 'full', '2022-03', 15, 0.9],
      ['1.009434', 'Nộp phạt vi phạm hành chính trong lĩnh vực giao thông đường bộ', 'Payment of road traffic fines', 'full', '2020-03', 180, 1.0],
      ['1.004502', 'Cấp thị thực cho người nước ngoài tại Việt Nam', 'Visas for foreigners in Vietnam', 'full', '2020-07', 6, 1.3],
    ],
  },
  {
    agency: 'Bộ Tài chính',
    ministryRun: true,
    services: [
      ['1.007773', 'Khai thuế giá trị gia tăng', 'Value added tax declaration', 'full', '2019-01', 600, 2.2],
      ['1.007851', 'Khai thuế thu nhập cá nhân', 'Personal income tax declaration', 'full', '2019-01', 300, 2.0],
      ['1.008042', 'Quyết toán thuế thu nhập cá nhân', 'Personal income tax finalisation', 'full', '2019-01', 90, 1.7],
      ['1.007782', 'Đăng ký thuế lần đầu', 'First tax registration', 'full', '2019-03', 25, 1.4],
      ['1.007805', 'Thay đổi thông tin đăng ký thuế', 'Change of tax registration information', 'full', '2019-06', 35, 1.3],
      ['1.008014', 'Hoàn thuế giá trị gia tăng', 'Value added tax refund', 'full', '2019-09', 3, 1.8],
      ['1.007911', 'Khai lệ phí trước bạ nhà, đất', 'Registration fee declaration for houses and land', 'full', '2020-06', 90, 0.6],
      ['1.007920', 'Khai lệ phí trước bạ phương tiện giao thông', 'Registration fee declaration for vehicles', 'full', '2020-06', 220, 0.8],
      ['1.008088', 'Nộp thuế điện tử', 'Electronic tax payment', 'full', '2019-01', 400, 1.9],
      ['1.005218', 'Đăng ký sử dụng hóa đơn điện tử', 'Registration for e-invoices', 'full', '2020-11', 10, 2.0],
      ['2.002102', 'Thủ tục hải quan đối với hàng hóa xuất khẩu', 'Customs clearance of exports', 'full', '2019-01', 180, 2.2],
      ['2.002105', 'Thủ tục hải quan đối với hàng hóa nhập khẩu', 'Customs clearance of imports', 'full', '2019-01', 160, 2.2],
      ['1.008321', 'Miễn, giảm tiền thuê đất', 'Exemption or reduction of land rent', 'partial', '2021-01', 1, 0.015],
      ['1.008404', 'Gia hạn nộp thuế', 'Deferral of tax payment', 'full', '2020-04', 5, 1.2],
      ['1.009488', 'Đăng ký mã số đơn vị có quan hệ với ngân sách', 'Registration of budget-related unit codes', 'full', '2020-01', 2, 1.3],
      ['2.001987', 'Xóa nợ tiền thuế, tiền chậm nộp, tiền phạt', 'Write-off of tax arrears, late-payment interest and penalties', 'full', '2022-01', 0.3, 0.01],
    ],
  },
  {
    agency: 'Bộ Kế hoạch và Đầu tư',
    services: [
      ['2.001610', 'Đăng ký thành lập doanh nghiệp tư nhân', 'Registration of sole proprietorships', 'full', '2019-01', 4, 1.9],
      ['1.001612', 'Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên', 'Registration of single-member limited companies', 'full', '2019-01', 8, 2.2],
      ['2.002038', 'Đăng ký thành lập công ty cổ phần', 'Registration of joint-stock companies', 'full', '2019-01', 3, 2.3],
      ['2.001954', 'Đăng ký thay đổi nội dung đăng ký doanh nghiệp', 'Changes to enterprise registration', 'full', '2019-01', 25, 2.1],
      ['2.002003', 'Thông báo tạm ngừng kinh doanh', 'Notification of business suspension', 'full', '2019-06', 8, 1.8],
      ['2.001240', 'Giải thể doanh nghiệp', 'Dissolution of enterprises', 'partial', '2020-01', 3, 1.0],
      ['1.001599', 'Đăng ký hoạt động chi nhánh, văn phòng đại diện', 'Registration of branches and representative offices', 'full', '2019-06', 5, 1.9],
      ['2.000575', 'Đăng ký thành lập hộ kinh doanh', 'Household business registration', 'full', '2020-01', 30, 0.5],
      ['2.000720', 'Đăng ký thay đổi nội dung đăng ký hộ kinh doanh', 'Changes to household business registration', 'full', '2020-06', 12, 0.45],
      ['1.009772', 'Cấp giấy chứng nhận đăng ký đầu tư', 'Issuance of investment registration certificates', 'partial', '2020-03', 0.6, 0.8],
      ['2.002122', 'Chấm dứt hoạt động hợp tác xã', 'Termination of cooperatives', 'full', '2021-01', 0.2, 0.01],
    ],
  },
  {
    agency: 'Bộ Lao động - Thương binh và Xã hội',
    services: [
      ['1.001978', 'Giải quyết hưởng trợ cấp thất nghiệp', 'Unemployment benefit claims', 'partial', '2020-05', 60, 0.7],
      ['1.000401', 'Cấp giấy phép lao động cho người lao động nước ngoài', 'Work permits for foreign workers', 'full', '2020-01', 6, 1.6],
      ['1.000459', 'Cấp lại giấy phép lao động cho người lao động nước ngoài', 'Re-issuance of work permits for foreign workers', 'full', '2020-06', 1.5, 1.5],
      ['1.000479', 'Gia hạn giấy phép lao động cho người lao động nước ngoài', 'Extension of work permits for foreign workers', 'full', '2020-06', 3, 1.6],
      ['1.001776', 'Thực hiện trợ cấp xã hội hằng tháng', 'Monthly social assistance', 'partial', '2021-03', 20, 0.3],
      ['1.005130', 'Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội', 'Funeral support for social protection beneficiaries', 'partial', '2021-03', 6, 0.1],
      ['2.000286', 'Xác nhận người có công với cách mạng', 'Recognition of people with meritorious services', 'partial', '2022-06', 2, 0.1],
      ['1.003057', 'Đăng ký nội quy lao động', 'Registration of internal labour rules', 'full', '2020-09', 4, 1.0],
      ['1.000105', 'Cấp giấy phép hoạt động dịch vụ việc làm', 'Licences for employment service businesses', 'full', '2022-03', 0.05, 0.01],
    ],
  },
  {
    agency: 'Bộ Giao thông vận tải',
    services: [
      ['1.002804', 'Cấp đổi giấy phép lái xe do ngành giao thông vận tải cấp', 'Renewal of driving licences', 'full', '2019-09', 90, 1.2],
      ['1.002809', 'Cấp lại giấy phép lái xe', 'Re-issuance of driving licences', 'full', '2020-06', 15, 0.8],
      ['1.002835', 'Cấp giấy phép lái xe quốc tế', 'International driving permits', 'full', '2020-06', 1, 1.6],
      ['1.002859', 'Cấp giấy phép kinh doanh vận tải bằng xe ô tô', 'Licences for road transport businesses', 'full', '2020-01', 2, 1.3],
      ['1.002869', 'Cấp phù hiệu xe ô tô kinh doanh vận tải', 'Badges for commercial road vehicles', 'full', '2020-01', 25, 1.5],
      ['1.001023', 'Cấp giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn', 'Permits for overweight and oversized vehicles', 'full', '2021-01', 3, 1.2],
      ['1.004993', 'Đăng ký phương tiện thủy nội địa lần đầu', 'First registration of inland waterway vessels', 'partial', '2021-06', 2, 0.3],
      ['1.001765', 'Chấp thuận xây dựng nút giao đấu nối vào quốc lộ', 'Approval of junctions connecting to national roads', 'full', '2022-06', 0.1, 0.01],
    ],
  },
  {
    agency: 'Bộ Tài nguyên và Môi trường',
    services: [
      ['1.004227', 'Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất', 'Registration of changes in land use and property rights', 'partial', '2020-01', 130, 0.3],
      ['1.004221', 'Đăng ký đất đai, cấp giấy chứng nhận quyền sử dụng đất lần đầu', 'First land registration and land use right certificates', 'partial', '2020-06', 25, 0.15],
      ['1.004203', 'Cấp đổi giấy chứng nhận quyền sử dụng đất', 'Replacement of land use right certificates', 'partial', '2020-06', 30, 0.25],
      ['1.005399', 'Cung cấp thông tin, dữ liệu đất đai', 'Provision of land information and data', 'full', '2020-06', 40, 0.8],
      ['1.004253', 'Chuyển mục đích sử dụng đất', 'Change of land use purpose', 'partial', '2020-06', 12, 0.1],
      ['1.004250', 'Tách thửa hoặc hợp thửa đất', 'Subdivision or consolidation of land parcels', 'partial', '2021-01', 35, 0.25],
      ['1.010727', 'Cấp giấy phép môi trường', 'Environmental permits', 'partial', '2022-06', 1, 0.4],
      ['1.010733', 'Đăng ký môi trường', 'Environmental registration', 'full', '2023-01', 6, 0.9],
      ['1.000987', 'Cấp giấy phép khai thác khoáng sản', 'Mineral extraction licences', 'partial', '2020-06', 0.1, 0.012],
      ['1.000994', 'Gia hạn giấy phép khai thác khoáng sản', 'Extension of mineral extraction licences', 'full', '2021-06', 0.05, 0.01],
    ],
  },
  {
    agency: 'Bộ Y tế',
    services: [
      ['1.002198', 'Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh', 'Medical practice certificates', 'partial', '2020-06', 3, 0.6],
      ['1.004604', 'Cấp giấy phép hoạt động đối với phòng khám', 'Operating licences for clinics', 'partial', '2020-06', 0.8, 0.5],
      ['1.004616', 'Cấp chứng chỉ hành nghề dược', 'Pharmacy practice certificates', 'full', '2020-01', 3, 1.2],
      ['1.004622', 'Cấp giấy chứng nhận đủ điều kiện kinh doanh dược', 'Certificates of eligibility for pharmaceutical business', 'full', '2020-01', 2, 1.1],
      ['1.001905', 'Công bố đủ điều kiện sản xuất trang thiết bị y tế', 'Declaration of eligibility to manufacture medical devices', 'full', '2019-01', 0.2, 1.5],
      ['1.003012', 'Cấp số lưu hành trang thiết bị y tế', 'Registration numbers for medical devices', 'full', '2019-06', 0.5, 1.8],
      ['1.002458', 'Tiếp nhận phiếu công bố sản phẩm mỹ phẩm', 'Notification of cosmetic products', 'full', '2019-01', 2, 2.0],
      ['1.003348', 'Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm', 'Food safety eligibility certificates', 'full', '2020-06', 8, 0.015],
      ['1.002592', 'Khám giám định y khoa khả năng lao động', 'Medical assessment of working capacity', 'partial', '2022-09', 2, 0.1],
      ['1.012032', 'Cấp giấy khám sức khỏe người lái xe điện tử', 'Electronic health certificates for drivers', 'full', '2024-02', 40, 0.8],
      ['1.004569', 'Cấp phép nhập khẩu thuốc chưa có giấy đăng ký lưu hành', 'Import licences for unregistered medicines', 'full', '2020-01', 0.1, 1.5],
    ],
  },
  {
    agency: 'Bộ Giáo dục và Đào tạo',
    services: [
      ['1.005092', 'Cấp bản sao văn bằng, chứng chỉ từ sổ gốc', 'Copies of diplomas from the master register', 'full', '2020-06', 15, 0.7],
      ['1.005098', 'Công nhận văn bằng do cơ sở giáo dục nước ngoài cấp', 'Recognition of foreign diplomas', 'full', '2020-03', 1.5, 1.6],
      ['1.004435', 'Chuyển trường đối với học sinh trung học cơ sở', 'Transfer of lower secondary pupils', 'full', '2021-06', 6, 0.3],
      ['1.004438', 'Chuyển trường đối với học sinh trung học phổ thông', 'Transfer of upper secondary pupils', 'full', '2021-06', 3, 0.35],
      ['1.004444', 'Tuyển sinh trung học cơ sở', 'Lower secondary school admission', 'full', '2022-03', 50, 0.5],
      ['1.006390', 'Tuyển sinh vào lớp một', 'Grade one enrolment', 'full', '2022-03', 45, 0.6],
      ['1.001639', 'Xét, cấp học bổng chính sách', 'Policy scholarships', 'full', '2022-09', 0.8, 0.015],
      ['1.000280', 'Cấp phép tổ chức hoạt động dạy thêm, học thêm', 'Licences for extra tutoring', 'partial', '2023-09', 2, 0.2],
    ],
  },
  {
    agency: 'Bảo hiểm xã hội Việt Nam',
    ministryRun: true,
    services: [
      ['1.003476', 'Cấp lại, đổi thẻ bảo hiểm y tế', 'Re-issuance and replacement of health insurance cards', 'full', '2019-06', 120, 1.5],
      ['1.003467', 'Đăng ký đóng bảo hiểm xã hội, bảo hiểm y tế cho người lao động', 'Enrolment of employees in social and health insurance', 'full', '2019-01', 220, 2.0],
      ['1.003480', 'Đăng ký đóng bảo hiểm xã hội tự nguyện', 'Voluntary social insurance enrolment', 'full', '2019-09', 40, 1.0],
      ['1.003483', 'Đăng ký đóng bảo hiểm y tế hộ gia đình', 'Household health insurance enrolment', 'full', '2020-01', 250, 0.9],
      ['1.003490', 'Giải quyết hưởng chế độ ốm đau, thai sản', 'Sickness and maternity benefits', 'full', '2020-01', 110, 1.6],
      ['1.003496', 'Giải quyết hưởng bảo hiểm xã hội một lần', 'Lump-sum social insurance withdrawal', 'full', '2020-06', 80, 0.9],
      ['1.003505', 'Giải quyết hưởng lương hưu', 'Pension claims', 'partial', '2020-06', 20, 0.5],
      ['1.003509', 'Cấp lại, điều chỉnh sổ bảo hiểm xã hội', 'Re-issuance or amendment of social insurance books', 'full', '2019-09', 35, 1.3],
      ['1.003514', 'Giải quyết hưởng chế độ tử tuất', 'Survivor benefits', 'partial', '2021-03', 12, 0.4],
      ['1.003518', 'Hoàn trả tiền đã đóng trùng bảo hiểm y tế', 'Refund of duplicate health insurance contributions', 'full', '2021-06', 2, 0.015],
      ['1.003522', 'Thanh toán trực tiếp chi phí khám bệnh, chữa bệnh bảo hiểm y tế', 'Direct reimbursement of health insurance costs', 'full', '2020-09', 10, 0.5],
      ['1.003526', 'Thay đổi thông tin người tham gia bảo hiểm xã hội, bảo hiểm y tế', 'Changes to insured persons’ details', 'full', '2019-06', 45, 1.4],
    ],
  },
  {
    agency: 'Bộ Xây dựng',
    services: [
      ['1.009972', 'Cấp giấy phép xây dựng nhà ở riêng lẻ', 'Building permits for individual houses', 'partial', '2020-01', 40, 0.35],
      ['1.009974', 'Cấp giấy phép xây dựng mới công trình', 'Building permits for new works', 'partial', '2020-01', 4, 0.6],
      ['1.009980', 'Gia hạn giấy phép xây dựng', 'Extension of building permits', 'partial', '2021-01', 1.5, 0.3],
      ['1.009982', 'Điều chỉnh giấy phép xây dựng', 'Amendment of building permits', 'partial', '2021-01', 1.5, 0.35],
      ['1.009985', 'Cấp giấy phép di dời công trình', 'Permits to relocate works', 'partial', '2022-06', 0.05, 0.01],
      ['1.010002', 'Cấp chứng chỉ hành nghề hoạt động xây dựng', 'Construction practice certificates', 'full', '2020-01', 5, 1.5],
      ['1.010006', 'Cấp chứng chỉ năng lực hoạt động xây dựng', 'Construction capacity certificates', 'full', '2020-06', 2, 1.4],
      ['1.010012', 'Cấp chứng chỉ hành nghề kiến trúc', 'Architecture practice certificates', 'full', '2021-06', 0.3, 1.0],
      ['1.010020', 'Thông báo nhà ở hình thành trong tương lai đủ điều kiện được bán', 'Notice of off-plan housing eligible for sale', 'partial', '2023-06', 0.1, 0.2],
    ],
  },
  {
    agency: 'Bộ Công Thương',
    services: [
      ['2.000205', 'Cấp giấy phép bán lẻ rượu', 'Retail alcohol licences', 'partial', '2020-01', 3, 0.4],
      ['2.000199', 'Cấp giấy phép bán lẻ sản phẩm thuốc lá', 'Retail tobacco licences', 'partial', '2020-01', 2, 0.4],
      ['2.000633', 'Cấp giấy chứng nhận xuất xứ hàng hóa', 'Certificates of origin of goods', 'full', '2019-01', 40, 2.2],
      ['2.000620', 'Cấp giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu', 'Eligibility certificates for fuel retail stores', 'partial', '2020-06', 0.8, 0.5],
      ['2.001241', 'Đăng ký tổ chức hoạt động bán hàng đa cấp tại địa phương', 'Local registration of multi-level marketing', 'full', '2020-06', 0.2, 1.0],
      ['2.000143', 'Thông báo thực hiện khuyến mại', 'Notification of sales promotions', 'full', '2019-06', 40, 2.0],
      ['2.000131', 'Đăng ký thực hiện khuyến mại theo hình thức mang tính may rủi', 'Registration of lucky-draw promotions', 'full', '2019-06', 3, 1.8],
      ['2.000660', 'Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm thuộc ngành công thương', 'Food safety eligibility certificates (industry and trade)', 'partial', '2021-06', 1, 0.012],
      ['2.001261', 'Cấp giấy phép hoạt động điện lực', 'Electricity operation licences', 'partial', '2022-01', 0.2, 0.4],
      ['1.000327', 'Cấp giấy phép sử dụng vật liệu nổ công nghiệp', 'Licences to use industrial explosives', 'none', null, 0.05, 0],
    ],
  },
  {
    agency: 'Bộ Nông nghiệp và Phát triển nông thôn',
    services: [
      ['1.003605', 'Cấp giấy chứng nhận kiểm dịch động vật vận chuyển ra khỏi địa bàn cấp tỉnh', 'Quarantine certificates for animals leaving the province', 'full', '2020-06', 20, 0.9],
      ['1.004363', 'Cấp giấy chứng nhận kiểm dịch thực vật nhập khẩu', 'Plant quarantine certificates for imports', 'full', '2019-06', 15, 2.0],
      ['1.003397', 'Cấp giấy phép khai thác thủy sản', 'Fishing licences', 'partial', '2021-06', 4, 0.3],
      ['1.004917', 'Đăng ký tàu cá', 'Fishing vessel registration', 'partial', '2021-06', 1, 0.2],
      ['1.007916', 'Phê duyệt phương án khai thác thực vật rừng thông thường', 'Approval of forest plant harvesting plans', 'partial', '2022-01', 0.3, 0.012],
      ['1.008003', 'Cấp chứng chỉ hành nghề thú y', 'Veterinary practice certificates', 'partial', '2022-06', 0.4, 0.4],
    ],
  },
  {
    agency: 'Bộ Văn hóa, Thể thao và Du lịch',
    services: [
      ['1.001029', 'Cấp giấy phép đủ điều kiện kinh doanh dịch vụ karaoke', 'Karaoke business licences', 'partial', '2020-06', 1, 0.3],
      ['1.004663', 'Cấp thẻ hướng dẫn viên du lịch nội địa', 'Domestic tour guide cards', 'full', '2020-01', 1, 1.2],
      ['1.004628', 'Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa', 'Domestic travel business licences', 'full', '2020-01', 0.5, 1.1],
      ['1.001008', 'Cấp giấy phép tổ chức biểu diễn nghệ thuật', 'Licences for art performances', 'partial', '2021-01', 1.5, 0.3],
    ],
  },
  {
    agency: 'Bộ Thông tin và Truyền thông',
    services: [
      ['1.003811', 'Cấp giấy phép xuất bản bản tin', 'Licences to publish newsletters', 'full', '2021-06', 0.1, 0.012],
      ['1.004002', 'Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp', 'Licences for aggregated news websites', 'full', '2020-06', 0.1, 1.6],
      ['1.004073', 'Cấp giấy phép bưu chính', 'Postal licences', 'full', '2022-06', 0.05, 1.1],
    ],
  },
  {
    agency: 'Bộ Nội vụ',
    services: [
      ['1.005385', 'Thi tuyển công chức', 'Civil servant recruitment', 'partial', '2024-03', 5, 0.2],
      ['1.001078', 'Đăng ký hoạt động tín ngưỡng', 'Registration of religious belief activities', 'full', '2021-06', 0.6, 0.013],
      ['1.000960', 'Tặng giấy khen của Chủ tịch Ủy ban nhân dân', 'Commendations by People’s Committee chairpersons', 'partial', '2024-06', 2, 0.2],
    ],
  },
  // Not offered online at all: the counter is the only way in (online_level 'none').
  {
    agency: 'Bộ Quốc phòng',
    services: [['2.001780', 'Đăng ký nghĩa vụ quân sự lần đầu', 'First registration for military service', 'none', null, 8, 0]],
  },
  {
    agency: 'Thanh tra Chính phủ',
    services: [['2.001909', 'Giải quyết khiếu nại lần đầu', 'First-instance resolution of complaints', 'none', null, 3, 0]],
  },
];

/** Services of provincial-looking agencies that the ministry itself handles on its national system. */
const MINISTRY_RUN_SERVICES: ReadonlySet<string> = new Set([
  '1.002020', // security interests: the national registration agency
  '1.005098', // foreign diplomas: the ministry's quality assurance department
  '1.001905', '1.003012', '1.002458', '1.004569', // medical devices, cosmetics, medicine imports
  '2.000633', // certificates of origin: the ministry's regional offices
  '1.004363', // plant quarantine at the border
  '1.004073', // postal licences
]);

/** A fee is due, but some people are exempt (poor households, people with meritorious services…). */
const F = 0.95;

/**
 * Fee-bearing services: the share of dossiers that carry a fee or charge, and optionally the
 * appetite for paying it online (1 = typical). Every other service is free.
 */
const FEES: Readonly<Record<string, number | readonly [fee: number, pay: number]>> = {
  // Justice: certified copies and signatures are paid at the counter, extracts and records online.
  '1.004859': 0.6, '1.004884': F, '2.000635': 0.3, '1.000593': F, '2.000815': [F, 0.35], '2.000884': [F, 0.4],
  '1.001417': [0.9, 1.2], '1.002020': F, '1.005461': F, '2.000927': F,
  // Police: residence, identity cards, passports, vehicles, fines.
  '2.001159': 0.8, '2.001153': 0.8, '2.001187': 0.8, '2.000734': 0.3, '2.000740': 0.6, '2.000744': F,
  '1.003652': [F, 1.3], '1.003640': [F, 1.3], '1.004268': [F, 0.8], '2.001997': F, '2.002020': F, '1.009434': [F, 1.5], '1.004502': [F, 1.3],
  // Finance: registration fees and customs charges (taxes themselves are not fees).
  '1.007911': [F, 0.5], '1.007920': [F, 1.1], '2.002102': [F, 1.6], '2.002105': [F, 1.6],
  // Planning and investment: enterprise and household business registration.
  '2.001610': F, '1.001612': F, '2.002038': F, '2.001954': F, '1.001599': F, '2.000575': [F, 0.6], '2.000720': [F, 0.6],
  // Labour: work permits and employment service licences.
  '1.000401': F, '1.000459': F, '1.000479': F, '1.000105': F,
  // Transport: driving licences, transport licences and permits.
  '1.002804': [F, 1.2], '1.002809': F, '1.002835': F, '1.002859': F, '1.002869': F, '1.001023': F, '1.004993': [F, 0.6],
  // Land and environment: fees still mostly paid at the land office or the treasury.
  '1.004227': [F, 0.45], '1.004221': [F, 0.35], '1.004203': [F, 0.45], '1.005399': F, '1.004253': [F, 0.35], '1.004250': [F, 0.4],
  '1.010727': F, '1.000987': F, '1.000994': F,
  // Health.
  '1.002198': F, '1.004604': F, '1.004616': F, '1.004622': F, '1.001905': F, '1.003012': F, '1.002458': F, '1.003348': F,
  '1.002592': [F, 0.5], '1.012032': [F, 1.2], '1.004569': F,
  // Education: copies of diplomas, recognition of foreign ones.
  '1.005092': F, '1.005098': F,
  // Construction.
  '1.009972': [F, 0.6], '1.009974': F, '1.009980': F, '1.009982': F, '1.009985': F, '1.010002': F, '1.010006': F, '1.010012': F,
  // Industry and trade.
  '2.000205': F, '2.000199': F, '2.000633': [F, 1.5], '2.000620': F, '2.000660': F, '2.001261': F, '1.000327': F,
  // Agriculture.
  '1.003605': F, '1.004363': [F, 1.4], '1.003397': F, '1.004917': F, '1.008003': F,
  // Culture, tourism, information, home affairs.
  '1.001029': F, '1.004663': F, '1.004628': F, '1.001008': F, '1.004073': F, '1.005385': F,
};

function toInput(agency: string, [code, nameVi, nameEn, level, since]: Spec): ServiceInput {
  return { code, name_vi: nameVi, name_en: nameEn, agency, online_level: level, online_since: since };
}

function profile(agency: Agency, [code, , , level, , volume, uptake]: Spec): ServiceProfile {
  const fee = FEES[code];
  const [share, pay] = typeof fee === 'number' ? [fee, 1] : (fee ?? [0, 0]);
  return { volume, uptake, online_level: level, ministry: agency.ministryRun === true || MINISTRY_RUN_SERVICES.has(code), fee: share, pay };
}

export const DEMO_SERVICES: ServiceInput[] = AGENCIES.flatMap((a) => a.services.map((spec) => toInput(a.agency, spec)));

export const DEMO_PROFILES: ReadonlyMap<string, ServiceProfile> = new Map(AGENCIES.flatMap((a) => a.services.map((spec) => [spec[0], profile(a, spec)] as const)));

/** Services whose dossiers the ministries handle themselves (the "ministries and sectors" line of the national figures). */
export const DEMO_MINISTRY_RUN: ReadonlySet<string> = new Set([...DEMO_PROFILES].filter(([, p]) => p.ministry).map(([code]) => code));
