// Vietnamese first, English by a switch remembered in localStorage. Every
// string the page shows is here; numbers are formatted by the language's
// conventions (854.131 and 94,0% in Vietnamese; 854,131 and 94.0% in
// English).

export type Lang = "vi" | "en";

const vi = {
  "app.tagline": "Bản đồ phủ sóng hạ tầng theo xã, phường, thị trấn",
  "app.skip": "Bỏ qua, đến nội dung chính",
  "app.loading": "Đang tải số liệu…",
  "app.error": "Không tải được số liệu từ máy chủ: {detail}",
  "lang.label": "Ngôn ngữ",
  "tabs.label": "Các trang",
  "tab.map": "Bản đồ",
  "tab.targets": "Mục tiêu",
  "tab.gaps": "Vùng chưa phủ",
  "tab.whatif": "Giả định",
  "tab.upload": "Nộp dữ liệu",
  "future.note": "Phần này sẽ hiển thị khi dịch vụ cung cấp dữ liệu. Xem số liệu gốc:",
  "layers.legend": "Lớp bản đồ",
  "filters.provider": "Nhà cung cấp",
  "filters.technology": "Công nghệ",
  "filters.allProviders": "Tất cả nhà cung cấp",
  "filters.allTechnologies": "Tất cả công nghệ",
  "filters.largest": "Nhà cung cấp lớn nhất ({name})",
  "filters.multi": "Từ hai nhà cung cấp trở lên",
  "filters.hint": "Chọn một nhà cung cấp hoặc một công nghệ; bản đồ tô màu theo lựa chọn đó.",
  "filters.none": "Lớp này chưa có dữ liệu theo nhà cung cấp",
  "commune.find": "Tìm xã",
  "commune.choose": "— Chọn xã, phường, thị trấn —",
  "summary.title": "Tổng hợp toàn tỉnh",
  "summary.layer": "Lớp",
  "summary.population": "Dân số được phủ sóng",
  "summary.communes": "Xã đạt",
  "summary.communesAt": "Xã đạt (≥ {threshold} dân số)",
  "summary.people": "{n} / {d} người",
  "summary.communesOf": "{n} / {d} xã",
  "summary.reachedAt": "đạt khi ≥ {threshold} dân số được phủ",
  "changes.title": "Thay đổi gần đây",
  "changes.none": "Chưa có thay đổi nào.",
  "changes.noWrite": "Ngày mới: hồ sơ có hiệu lực từ hôm nay.",
  "changes.from": "có hiệu lực từ {date}",
  "changes.action.filing.submit": "Nộp hồ sơ số {target}",
  "changes.action.filing.withdraw": "Rút hồ sơ số {target}",
  "changes.action.target.add": "Thêm mục tiêu {target}",
  "changes.action.target.change": "Sửa mục tiêu {target}",
  "changes.action.target.retire": "Bỏ mục tiêu {target}",
  "changes.action.commune.remote": "Đổi xã vùng sâu {target}",
  "changes.action.remote.replace": "Nhập danh sách xã vùng sâu",
  "summary.byDistrict": "Theo huyện — {layer}",
  "summary.district": "Huyện, thành phố",
  "summary.selection": "Đang tô màu: {what} — {share} dân số ({n} / {d} người)",
  "legend.title": "Tỷ lệ dân số được phủ sóng",
  "legend.covered": "Phủ kín: từ {threshold}",
  "legend.partial": "Một phần: từ {threshold}",
  "legend.none": "Chưa phủ: dưới {threshold}",
  "legend.noPeople": "Không có dân cư",
  "note.approximate": "Ranh giới xã trên bản đồ là hình gần đúng do Phủ Sóng tính từ điểm trung tâm và diện tích xã, không phải ranh giới chính thức.",
  "method.line": "Phương pháp {name}, ô lưới {cell} m · Số liệu tính lúc {at}",
  "map.label": "Bản đồ các xã tô màu theo tỷ lệ dân số được phủ sóng",
  "status.covered": "Đạt",
  "status.partial": "Một phần",
  "status.none": "Chưa phủ",
  "card.close": "Đóng thẻ xã",
  "card.code": "Mã xã {code}",
  "card.population": "Dân số",
  "card.people": "người",
  "card.layer": "Lớp",
  "card.covered": "Người được phủ",
  "card.share": "Tỷ lệ",
  "card.status": "Tình trạng",
  "card.presence": "Nhà cung cấp và công nghệ có mặt",
  "card.otherLayers": "Các lớp khác",
  "card.providers": "Nhà cung cấp",
  "card.technologies": "Công nghệ",
  "card.nothing": "Chưa có",
  "card.history": "Diễn biến tỷ lệ phủ sóng",
  "card.approximate": "Ranh giới của xã này là hình gần đúng, không phải ranh giới chính thức.",
  "card.loading": "Đang tải thẻ xã…",
  "targets.title": "Mục tiêu của tỉnh",
  "targets.intro": "Giá trị hiện nay của từng mục tiêu so với chỉ tiêu, diễn biến theo thời gian và dự báo với tốc độ hiện tại.",
  "targets.report": "Báo cáo tiến độ để in",
  "targets.dataAsOf": "Số liệu đến ngày {date}",
  "targets.goal": "Chỉ tiêu {goal}",
  "targets.deadline": "Hạn {date}",
  "targets.met": "Đã đạt",
  "targets.notMet": "Chưa đạt",
  "targets.people": "{n} / {d} người",
  "targets.communes": "{n} / {d} xã",
  "targets.gap": "Còn thiếu",
  "targets.gapPeople": "{n} người",
  "targets.gapCommunes": "{n} xã",
  "targets.forecast": "Dự báo",
  "targets.forecastDate": "đạt vào {date}",
  "targets.onTrack": "kịp hạn",
  "targets.late": "sau hạn",
  "targets.notAtPace": "chưa đạt được với tốc độ hiện tại",
  "targets.noForecast": "—",
  "targets.remote": "Riêng xã vùng sâu, vùng xa: {value} ({n} / {d})",
  "targets.measureCommunes": "Xã đạt khi ít nhất {threshold} dân số được phủ sóng",
  "targets.chart": "Diễn biến từ {from} ({a}) đến {to} ({b}); chỉ tiêu {goal}",
  "targets.gapsLink": "Xem các xã chưa phủ",
  "targets.none": "Chưa có mục tiêu nào.",
  "gaps.title": "Vùng chưa phủ sóng",
  "gaps.intro": "Các xã xếp theo số người chưa được phủ sóng, trên lớp đang chọn. Bấm tên xã để xem thẻ xã trên bản đồ.",
  "gaps.layer": "Lớp",
  "gaps.district": "Huyện, thành phố",
  "gaps.allDistricts": "Tất cả huyện, thành phố",
  "gaps.remote": "Xã vùng sâu, vùng xa",
  "gaps.remoteAll": "Tất cả các xã",
  "gaps.remoteOnly": "Chỉ xã vùng sâu, vùng xa",
  "gaps.remoteNot": "Trừ xã vùng sâu, vùng xa",
  "gaps.total": "{n} xã còn {people} người chưa được phủ sóng",
  "gaps.plan": "Kế hoạch nhỏ nhất",
  "gaps.planText": "Phủ kín {n} xã được đánh dấu ★ thì thêm {people} người được phủ sóng; mục tiêu “{target}” từ {before} lên {after}.",
  "gaps.planMeets": "Đủ để đạt mục tiêu.",
  "gaps.planShort": "Chưa đủ để đạt mục tiêu khi chỉ chọn trong các xã đang lọc.",
  "gaps.planNone": "Lớp này không có mục tiêu, hoặc mục tiêu đã đạt.",
  "gaps.csv": "Tải CSV",
  "gaps.rank": "Hạng",
  "gaps.commune": "Xã",
  "gaps.population": "Dân số",
  "gaps.notCovered": "Chưa phủ",
  "gaps.share": "Tỷ lệ phủ",
  "gaps.status": "Tình trạng",
  "gaps.isRemote": "Vùng sâu",
  "gaps.inPlan": "Trong kế hoạch",
  "gaps.yes": "Có",
  "gaps.sortBy": "Sắp xếp theo {col}",
  "gaps.empty": "Không có xã nào chưa được phủ sóng với bộ lọc này.",
  "gaps.loading": "Đang tải…",
  "gaps.legend": "Viền cam: các xã trong bảng; viền đậm: trong kế hoạch nhỏ nhất",
  "gaps.remoteNote": "Danh sách xã vùng sâu, vùng xa là ước tính, không phải danh sách chính thức.",
  "people.legend": "Dân cư trên bản đồ",
  "people.off": "Không hiện",
  "people.people": "Dân cư",
  "people.uncovered": "Người chưa được phủ sóng",
  "people.hint": "Ô vuông khoảng 1 km tô màu theo số người; người chưa được phủ sóng là của lớp bản đồ đang chọn.",
  "people.tiles": "Không có với bộ xã lớn như thế này.",
  "people.titlePeople": "Dân cư: số người mỗi ô khoảng 1 km²",
  "people.titleUncovered": "Số người chưa được phủ sóng mỗi ô khoảng 1 km²",
  "people.captionPeople": "{n} người trong {squares} ô",
  "people.caption": "{n} người chưa được phủ sóng ({layer})",
  "people.method": "Dân cư đặt theo {method}",
  "people.methodGrid": "lưới dân số WorldPop 2020",
  "people.methodEven": "cách chia đều trong mỗi xã",
  "people.loading": "Đang tải các ô dân cư…",
  "people.square": "Ô khoảng 1 km²",
  "people.squarePeople": "Số người",
  "people.squareUncovered": "Chưa được phủ sóng ({layer})",
  "people.squareCommune": "Xã",
  "people.openCard": "Mở thẻ xã",
  "clusters.title": "Cụm dân cư chưa được phủ sóng",
  "clusters.intro": "Các nhóm ô khoảng 1 km liền kề, mỗi ô có từ {min} người chưa được phủ sóng, cụm lớn nhất trước: nơi một trạm mới phục vụ được nhiều người nhất. Tính cho toàn tỉnh, không theo bộ lọc.",
  "clusters.rank": "Cụm {rank}",
  "clusters.uncovered": "{n} người chưa được phủ sóng",
  "clusters.area": "{area} km²",
  "clusters.at": "{lat}° B, {lon}° Đ",
  "clusters.more": "và {n} xã khác",
  "clusters.show": "Xem trên bản đồ",
  "clusters.showLabel": "Xem cụm {rank} trên bản đồ",
  "clusters.none": "Không có cụm nào: không ô nào có từ {min} người chưa được phủ sóng.",
  "clusters.loading": "Đang tìm các cụm…",
  "whatif.title": "Giả định: thêm trạm phát sóng",
  "whatif.intro": "Bấm lên bản đồ để đặt trạm giả định. Số liệu được tính lại ngay; không có gì được lưu.",
  "whatif.technology": "Công nghệ",
  "whatif.radius": "Bán kính phủ sóng (km)",
  "whatif.sites": "Các trạm đã đặt",
  "whatif.site": "Trạm {n}: {tech}, {radius} km, tại {lat}, {lon}",
  "whatif.remove": "Xoá trạm {n}",
  "whatif.removeAll": "Xoá tất cả trạm",
  "whatif.noSites": "Chưa có trạm nào. Bấm lên bản đồ để đặt trạm.",
  "whatif.computing": "Đang tính…",
  "whatif.province": "Toàn tỉnh",
  "whatif.layer": "Lớp",
  "whatif.before": "Trước",
  "whatif.after": "Sau",
  "whatif.change": "Thay đổi",
  "whatif.communes": "Các xã thay đổi ({layer})",
  "whatif.noChange": "Không xã nào thay đổi trên lớp này.",
  "whatif.targets": "Mục tiêu trước và sau",
  "whatif.target": "Mục tiêu",
  "whatif.more": "và {n} xã khác",
  "whatif.tooMany": "Tối đa {n} trạm.",
  "whatif.legend": "Vòng tròn: trạm giả định; viền tím: xã thay đổi",
  "card.historyLabel": "Tỷ lệ phủ sóng lớp {layer} từ {from} ({a}) đến {to} ({b})",
  "upload.title": "Nộp dữ liệu phủ sóng",
  "upload.intro": "Dành cho nhà cung cấp dịch vụ: kiểm tra tệp trước (chạy thử, không lưu gì), xem số liệu trước và sau, rồi nộp chính thức.",
  "upload.token": "Mã truy cập (token)",
  "upload.tokenHelp": "Chỉ lưu trong phiên làm việc này của trình duyệt, không đưa vào địa chỉ trang.",
  "upload.tokenShow": "Hiện",
  "upload.tokenHide": "Ẩn",
  "upload.tokenForget": "Xoá mã",
  "upload.file": "Tệp dữ liệu",
  "upload.drop": "Kéo thả tệp GeoJSON hoặc CSV vào đây, hoặc bấm để chọn tệp",
  "upload.chosen": "Đã chọn: {name} ({size})",
  "upload.csvLayer": "Lớp của tệp CSV",
  "upload.csvAsOf": "Số liệu tính đến ngày",
  "upload.dryRun": "Kiểm tra (chạy thử)",
  "upload.submit": "Nộp chính thức",
  "upload.submitHint": "Nút nộp chỉ bật khi lần chạy thử gần nhất của đúng tệp này không có lỗi.",
  "upload.needToken": "Hãy nhập mã truy cập.",
  "upload.needFile": "Hãy chọn một tệp.",
  "upload.checking": "Đang kiểm tra…",
  "upload.submitting": "Đang nộp…",
  "upload.okDry": "Tệp hợp lệ. Chưa có gì được lưu: đây là số liệu nếu tệp được nộp.",
  "upload.okSubmit": "Đã nộp: hồ sơ số {id}. Bản đồ và số liệu đã được cập nhật.",
  "upload.pending": "Đã lưu hồ sơ; số liệu sẽ được tính lại trong giây lát.",
  "upload.rejected": "Tệp bị từ chối: {n} lỗi. Không có gì được lưu.",
  "upload.truncated": "Còn nhiều lỗi hơn danh sách này.",
  "upload.failed": "Không nộp được ({status}): {detail}",
  "upload.report": "{features} đối tượng: {footprints} vùng phủ, {declarations} khai báo theo xã · Công nghệ: {technologies}",
  "upload.figures": "Toàn tỉnh, lớp {layer}",
  "upload.before": "Trước",
  "upload.after": "Sau",
  "upload.change": "Thay đổi",
  "upload.rowPeople": "Dân số được phủ sóng",
  "upload.rowShare": "Tỷ lệ dân số",
  "upload.rowCommunes": "Xã đạt (≥ {threshold} dân số)",
  "upload.problems": "Các lỗi",
  "upload.feature": "Đối tượng",
  "upload.row": "Dòng CSV",
  "upload.line": "Dòng",
  "upload.problem": "Lỗi",
  "upload.wholeFile": "cả tệp",
  "upload.showOnMap": "Xem trên bản đồ",
  "upload.legendFeatures": "Vùng phủ trong tệp",
  "upload.legendProblems": "Đối tượng có lỗi",
  "upload.notReadable": "Không đọc được tệp: {detail}",
} as const;

export type Key = keyof typeof vi;

const en: Record<Key, string> = {
  "app.tagline": "Infrastructure coverage by commune",
  "app.skip": "Skip to the main content",
  "app.loading": "Loading the figures…",
  "app.error": "The figures could not be loaded from the server: {detail}",
  "lang.label": "Language",
  "tabs.label": "Pages",
  "tab.map": "Map",
  "tab.targets": "Targets",
  "tab.gaps": "Gaps",
  "tab.whatif": "What-if",
  "tab.upload": "Upload",
  "future.note": "This part shows once the service provides its data. The raw figures:",
  "layers.legend": "Map layer",
  "filters.provider": "Provider",
  "filters.technology": "Technology",
  "filters.allProviders": "All providers",
  "filters.allTechnologies": "All technologies",
  "filters.largest": "Largest provider ({name})",
  "filters.multi": "Two or more providers",
  "filters.hint": "Choose one provider or one technology; the map is coloured by that choice.",
  "filters.none": "This layer has no figures by provider yet",
  "commune.find": "Find a commune",
  "commune.choose": "— Choose a commune —",
  "summary.title": "Province summary",
  "summary.layer": "Layer",
  "summary.population": "Population covered",
  "summary.communes": "Communes reached",
  "summary.communesAt": "Communes reached (≥ {threshold} of people)",
  "summary.people": "{n} / {d} people",
  "summary.communesOf": "{n} / {d} communes",
  "summary.reachedAt": "reached at ≥ {threshold} of people covered",
  "changes.title": "Recent changes",
  "changes.none": "No change yet.",
  "changes.noWrite": "A new day: filings dated today came into force.",
  "changes.from": "counts from {date}",
  "changes.action.filing.submit": "Filing {target} submitted",
  "changes.action.filing.withdraw": "Filing {target} withdrawn",
  "changes.action.target.add": "Target {target} added",
  "changes.action.target.change": "Target {target} changed",
  "changes.action.target.retire": "Target {target} retired",
  "changes.action.commune.remote": "Remote commune {target} changed",
  "changes.action.remote.replace": "Remote communes imported",
  "summary.byDistrict": "By district — {layer}",
  "summary.district": "District",
  "summary.selection": "Colouring: {what} — {share} of the population ({n} / {d} people)",
  "legend.title": "Share of the population covered",
  "legend.covered": "Covered: {threshold} or more",
  "legend.partial": "Partial: {threshold} or more",
  "legend.none": "Not covered: under {threshold}",
  "legend.noPeople": "No inhabitants",
  "note.approximate": "Commune shapes on this map are approximations computed by Phủ Sóng from each commune's centre and area, not official boundaries.",
  "method.line": "Method {name}, {cell} m grid · Computed at {at}",
  "map.label": "Map of the communes coloured by the share of the population covered",
  "status.covered": "Covered",
  "status.partial": "Partial",
  "status.none": "Not covered",
  "card.close": "Close the commune card",
  "card.code": "Commune code {code}",
  "card.population": "Population",
  "card.people": "people",
  "card.layer": "Layer",
  "card.covered": "People covered",
  "card.share": "Share",
  "card.status": "Status",
  "card.presence": "Providers and technologies present",
  "card.otherLayers": "Other layers",
  "card.providers": "Providers",
  "card.technologies": "Technologies",
  "card.nothing": "None yet",
  "card.history": "Share covered over time",
  "card.approximate": "This commune's shape is an approximation, not its official boundary.",
  "card.loading": "Loading the commune card…",
  "targets.title": "The province's targets",
  "targets.intro": "Each target's value now against its goal, its trend over time and the forecast at the current pace.",
  "targets.report": "Printable progress report",
  "targets.dataAsOf": "Figures as of {date}",
  "targets.goal": "Goal {goal}",
  "targets.deadline": "Deadline {date}",
  "targets.met": "Met",
  "targets.notMet": "Not met",
  "targets.people": "{n} / {d} people",
  "targets.communes": "{n} / {d} communes",
  "targets.gap": "Gap",
  "targets.gapPeople": "{n} people",
  "targets.gapCommunes": "{n} communes",
  "targets.forecast": "Forecast",
  "targets.forecastDate": "met on {date}",
  "targets.onTrack": "on time",
  "targets.late": "after the deadline",
  "targets.notAtPace": "not at the current pace",
  "targets.noForecast": "—",
  "targets.remote": "Remote communes alone: {value} ({n} / {d})",
  "targets.measureCommunes": "A commune counts when at least {threshold} of its people are covered",
  "targets.chart": "From {a} on {from} to {b} on {to}; goal {goal}",
  "targets.gapsLink": "See the communes not covered",
  "targets.none": "No targets yet.",
  "gaps.title": "Gaps in coverage",
  "gaps.intro": "Communes ranked by people not covered, on the layer chosen. Click a commune's name for its card on the map.",
  "gaps.layer": "Layer",
  "gaps.district": "District",
  "gaps.allDistricts": "All districts",
  "gaps.remote": "Remote communes",
  "gaps.remoteAll": "All communes",
  "gaps.remoteOnly": "Remote communes only",
  "gaps.remoteNot": "Other than remote communes",
  "gaps.total": "{n} communes with {people} people not covered",
  "gaps.plan": "Smallest plan",
  "gaps.planText": "Covering the {n} communes marked ★ in full adds {people} people; the target “{target}” goes from {before} to {after}.",
  "gaps.planMeets": "Enough to meet the target.",
  "gaps.planShort": "Not enough to meet the target when choosing among the filtered communes only.",
  "gaps.planNone": "This layer has no target, or its target is met.",
  "gaps.csv": "Download CSV",
  "gaps.rank": "Rank",
  "gaps.commune": "Commune",
  "gaps.population": "Population",
  "gaps.notCovered": "Not covered",
  "gaps.share": "Share covered",
  "gaps.status": "Status",
  "gaps.isRemote": "Remote",
  "gaps.inPlan": "In the plan",
  "gaps.yes": "Yes",
  "gaps.sortBy": "Sort by {col}",
  "gaps.empty": "No commune without full coverage under these filters.",
  "gaps.loading": "Loading…",
  "gaps.legend": "Orange outline: communes in the table; thick: in the smallest plan",
  "gaps.remoteNote": "The remote communes are an approximation, not the official list.",
  "people.legend": "People on the map",
  "people.off": "Off",
  "people.people": "Where people live",
  "people.uncovered": "People not covered",
  "people.hint": "Squares of about 1 km coloured by people; people not covered are those of the map layer chosen.",
  "people.tiles": "Not available with a commune set this large.",
  "people.titlePeople": "Where people live: people per square of about 1 km²",
  "people.titleUncovered": "People not covered per square of about 1 km²",
  "people.captionPeople": "{n} people in {squares} squares",
  "people.caption": "{n} people not covered ({layer})",
  "people.method": "People placed by {method}",
  "people.methodGrid": "the WorldPop 2020 grid",
  "people.methodEven": "an even spread over each commune",
  "people.loading": "Loading the squares…",
  "people.square": "Square of about 1 km²",
  "people.squarePeople": "People",
  "people.squareUncovered": "Not covered ({layer})",
  "people.squareCommune": "Commune",
  "people.openCard": "Open the commune card",
  "clusters.title": "Clusters of people not covered",
  "clusters.intro": "Groups of neighbouring squares of about 1 km, each with {min} or more people not covered, largest first: where a new site would serve the most people. For the whole province, whatever the filters.",
  "clusters.rank": "Cluster {rank}",
  "clusters.uncovered": "{n} people not covered",
  "clusters.area": "{area} km²",
  "clusters.at": "{lat}° N, {lon}° E",
  "clusters.more": "and {n} more",
  "clusters.show": "Show on the map",
  "clusters.showLabel": "Show cluster {rank} on the map",
  "clusters.none": "No cluster: no square has {min} or more people not covered.",
  "clusters.loading": "Finding the clusters…",
  "whatif.title": "What-if: add a site",
  "whatif.intro": "Click the map to place a hypothetical site. The figures are recomputed at once; nothing is stored.",
  "whatif.technology": "Technology",
  "whatif.radius": "Coverage radius (km)",
  "whatif.sites": "Sites placed",
  "whatif.site": "Site {n}: {tech}, {radius} km, at {lat}, {lon}",
  "whatif.remove": "Remove site {n}",
  "whatif.removeAll": "Remove all sites",
  "whatif.noSites": "No site yet. Click the map to place one.",
  "whatif.computing": "Computing…",
  "whatif.province": "Province",
  "whatif.layer": "Layer",
  "whatif.before": "Before",
  "whatif.after": "After",
  "whatif.change": "Change",
  "whatif.communes": "Communes that change ({layer})",
  "whatif.noChange": "No commune changes on this layer.",
  "whatif.targets": "Targets before and after",
  "whatif.target": "Target",
  "whatif.more": "and {n} more communes",
  "whatif.tooMany": "At most {n} sites.",
  "whatif.legend": "Circles: hypothetical sites; purple outline: communes that change",
  "card.historyLabel": "Share covered on the {layer} layer from {a} on {from} to {b} on {to}",
  "upload.title": "Upload coverage",
  "upload.intro": "For service providers: check a file first (a dry run stores nothing), see the figures before and after, then submit.",
  "upload.token": "Access token",
  "upload.tokenHelp": "Kept only for this browser session, never put in the page address.",
  "upload.tokenShow": "Show",
  "upload.tokenHide": "Hide",
  "upload.tokenForget": "Forget token",
  "upload.file": "Data file",
  "upload.drop": "Drop a GeoJSON or CSV file here, or click to choose one",
  "upload.chosen": "Chosen: {name} ({size})",
  "upload.csvLayer": "Layer of the CSV file",
  "upload.csvAsOf": "Figures as of",
  "upload.dryRun": "Check (dry run)",
  "upload.submit": "Submit",
  "upload.submitHint": "Submit is enabled once the latest dry run of this very file found no problem.",
  "upload.needToken": "Enter your access token.",
  "upload.needFile": "Choose a file.",
  "upload.checking": "Checking…",
  "upload.submitting": "Submitting…",
  "upload.okDry": "The file is valid. Nothing was stored: these are the figures if it is submitted.",
  "upload.okSubmit": "Submitted: filing no. {id}. The map and the figures are up to date.",
  "upload.pending": "The filing is stored; the figures are recomputed in a moment.",
  "upload.rejected": "The file was rejected: {n} problem(s). Nothing was stored.",
  "upload.truncated": "There are more problems than listed.",
  "upload.failed": "Could not submit ({status}): {detail}",
  "upload.report": "{features} features: {footprints} footprints, {declarations} commune declarations · Technologies: {technologies}",
  "upload.figures": "Province, {layer} layer",
  "upload.before": "Before",
  "upload.after": "After",
  "upload.change": "Change",
  "upload.rowPeople": "People covered",
  "upload.rowShare": "Share of the population",
  "upload.rowCommunes": "Communes reached (≥ {threshold} of people)",
  "upload.problems": "Problems",
  "upload.feature": "Feature",
  "upload.row": "CSV row",
  "upload.line": "Line",
  "upload.problem": "Problem",
  "upload.wholeFile": "whole file",
  "upload.showOnMap": "Show on the map",
  "upload.legendFeatures": "Footprints in the file",
  "upload.legendProblems": "Features with problems",
  "upload.notReadable": "The file could not be read: {detail}",
};

/** Explanations of the filing problem codes (README, "Errors"), shown beside the service's own message. */
const problemCodes: Record<string, [string, string]> = {
  json_syntax: ["Không phải JSON hợp lệ", "Not valid JSON"],
  invalid_utf8: ["Tệp không phải văn bản UTF-8", "The file is not UTF-8 text"],
  not_feature_collection: ["Không phải một GeoJSON FeatureCollection", "Not a GeoJSON FeatureCollection"],
  no_features: ["Tệp không có đối tượng nào", "The file has no features"],
  too_many_features: ["Quá nhiều đối tượng", "Too many features"],
  missing_layer: ["Thiếu lớp (layer)", "The layer is missing"],
  unknown_layer: ["Lớp không hợp lệ", "Unknown layer"],
  layer_not_allowed: ["Nhà cung cấp không được nộp lớp này", "This provider may not file this layer"],
  missing_as_of: ["Thiếu ngày số liệu (as_of)", "The date (as_of) is missing"],
  bad_as_of: ["Ngày không đúng dạng YYYY-MM-DD", "The date is not YYYY-MM-DD"],
  future_as_of: ["Ngày số liệu ở tương lai", "The date is in the future"],
  not_feature: ["Phần tử không phải Feature", "The element is not a Feature"],
  missing_technology: ["Thiếu công nghệ", "The technology is missing"],
  unknown_technology: ["Công nghệ không hợp lệ", "Unknown technology"],
  technology_not_allowed: ["Công nghệ thuộc lớp khác", "The technology belongs to another layer"],
  bad_programme: ["Chương trình phải là central hoặc local", "The programme must be central or local"],
  bad_service: ["Dịch vụ phải là tv hoặc radio", "The service must be tv or radio"],
  bad_speed: ["Tốc độ không hợp lệ", "Invalid speed"],
  bad_geometry: ["Hình học không hợp lệ", "Invalid geometry"],
  geometry_type: ["Hình học phải là Polygon hoặc MultiPolygon", "The geometry must be a Polygon or MultiPolygon"],
  too_few_positions: ["Vòng có ít hơn 4 điểm", "A ring with fewer than 4 positions"],
  unclosed_ring: ["Vòng không khép kín", "A ring is not closed"],
  self_intersection: ["Đường biên tự cắt nhau", "A ring crosses itself"],
  hole_outside_shell: ["Vòng trong (lỗ) không nằm trong vòng ngoài", "A hole is not inside its outer ring"],
  holes_overlap: ["Các vòng trong (lỗ) chồng lên nhau", "Holes overlap each other"],
  parts_overlap: ["Các đa giác của MultiPolygon chồng lên nhau", "The polygons of a MultiPolygon overlap"],
  coordinate_out_of_range: ["Toạ độ ngoài phạm vi", "A coordinate is out of range"],
  far_from_province: ["Ở quá xa tỉnh (có thể đã đảo kinh độ và vĩ độ)", "Far from the province (latitude and longitude swapped?)"],
  missing_commune_code: ["Thiếu mã xã", "The commune code is missing"],
  unknown_commune: ["Mã xã không có trong tỉnh", "No commune with this code in the province"],
  bad_share: ["Tỷ lệ phải từ 0 đến 1", "The share must be from 0 to 1"],
  duplicate_declaration: ["Khai báo trùng xã và công nghệ", "The same commune and technology twice"],
  csv_header: ["Thiếu cột bắt buộc trong CSV", "A required CSV column is missing"],
  csv_row: ["Dòng CSV không hợp lệ", "An invalid CSV row"],
};

const STORAGE_KEY = "phusong.lang";

let current: Lang = readStoredLang();

function readStoredLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "vi";
  } catch {
    return "vi";
  }
}

export function lang(): Lang {
  return current;
}

/** Switches the language, remembers it, and updates <html lang>. */
export function setLang(l: Lang): void {
  current = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // Private browsing may refuse storage; the switch still works for this page.
  }
  document.documentElement.lang = l;
}

/** The string of key in the current language, with {name} placeholders filled. */
/** Whether key is a string of the tables (for keys built from data, such as an action's name). */
export function isKey(key: string): key is Key {
  return Object.prototype.hasOwnProperty.call(vi, key);
}

export function t(key: Key, params: Record<string, string | number> = {}): string {
  const s: string = current === "en" ? en[key] : vi[key];
  return s.replace(/\{(\w+)\}/g, (_, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}

/** The explanation of a filing problem code, or "" for an unknown code. */
export function problemText(code: string): string {
  const p = problemCodes[code];
  return p ? p[current === "en" ? 1 : 0] : "";
}

const locales: Record<Lang, string> = { vi: "vi-VN", en: "en-GB" };

/** A whole number: 854.131 (vi), 854,131 (en). */
export function fmtInt(n: number): string {
  return new Intl.NumberFormat(locales[current], { maximumFractionDigits: 0 }).format(Math.round(n));
}

/** A decimal number with up to digits decimals: 2,5 (vi), 2.5 (en). */
export function fmtDec(n: number, digits = 2): string {
  return new Intl.NumberFormat(locales[current], { maximumFractionDigits: digits }).format(n);
}

/** A share 0–1 as a percentage with one decimal: 94,0% (vi), 94.0% (en). */
export function fmtPct(share: number, digits = 1): string {
  return new Intl.NumberFormat(locales[current], {
    style: "percent",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(share);
}

/** A change in percentage points with its sign: +1,2 điểm % / +1.2 pts. */
export function fmtPoints(delta: number): string {
  const v = new Intl.NumberFormat(locales[current], {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    signDisplay: "exceptZero",
  }).format(delta * 100);
  return current === "en" ? `${v} pts` : `${v} điểm %`;
}

/** A signed whole number: +1.234 / −56. */
export function fmtSigned(n: number): string {
  return new Intl.NumberFormat(locales[current], { maximumFractionDigits: 0, signDisplay: "exceptZero" }).format(Math.round(n));
}

/** A date and time of the service (RFC 3339) in local time. */
export function fmtDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locales[current], { dateStyle: "medium", timeStyle: "short" }).format(d);
}

/** A date YYYY-MM-DD of the service: 10/06/2028 (vi), 10 Jun 2028 (en). */
export function fmtDate(d: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return d;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(
    locales[current],
    current === "en" ? { dateStyle: "medium", timeZone: "UTC" } : { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" },
  ).format(date);
}

/** A file size: 12,3 kB. */
export function fmtBytes(n: number): string {
  if (n < 1024) return `${fmtInt(n)} B`;
  const kb = n / 1024;
  const f = new Intl.NumberFormat(locales[current], { maximumFractionDigits: 1 });
  return kb < 1024 ? `${f.format(kb)} kB` : `${f.format(kb / 1024)} MB`;
}

/** Applies the language to every element marked data-i18n (text) or data-i18n-aria (aria-label). */
export function translateDocument(root: ParentNode = document): void {
  root.querySelectorAll<HTMLElement>("[data-i18n]").forEach((el) => {
    el.textContent = t(el.dataset.i18n as Key);
  });
  root.querySelectorAll<HTMLElement>("[data-i18n-aria]").forEach((el) => {
    el.setAttribute("aria-label", t(el.dataset.i18nAria as Key));
  });
}

/** How technologies are named to officials; an unknown one is shown as filed. */
const techNames: Record<string, [string, string]> = {
  FTTH: ["Cáp quang (FTTH)", "Fibre (FTTH)"],
  cable: ["Cáp truyền hình", "Cable"],
  fixed_wireless: ["Vô tuyến cố định", "Fixed wireless"],
  fixed_line: ["Điện thoại cố định", "Fixed line"],
  analogue_tv: ["Truyền hình tương tự", "Analogue TV"],
  FM: ["Phát thanh FM", "FM radio"],
  AM: ["Phát thanh AM", "AM radio"],
  satellite: ["Vệ tinh", "Satellite"],
  "DVB-T2": ["Truyền hình số DVB-T2", "DVB-T2 digital TV"],
  "DVB-T": ["Truyền hình số DVB-T", "DVB-T digital TV"],
};

export function techName(v: string): string {
  const n = techNames[v];
  return n ? n[current === "en" ? 1 : 0] : v;
}

/** Providers' own spellings; an unknown provider is shown by its name in the service. */
const providerNames: Record<string, [string, string]> = {
  viettel: ["Viettel", "Viettel"],
  vnpt: ["VNPT", "VNPT"],
  mobifone: ["MobiFone", "MobiFone"],
  vietnamobile: ["Vietnamobile", "Vietnamobile"],
  fpt: ["FPT Telecom", "FPT Telecom"],
  vtv: ["VTV", "VTV"],
  vov: ["VOV", "VOV"],
  "hoabinh-ptth": ["Đài PT-TH Hòa Bình", "Hòa Bình Radio and TV"],
};

export function providerName(v: string): string {
  const n = providerNames[v.toLowerCase()];
  return n ? n[current === "en" ? 1 : 0] : v;
}
