package data

import (
	"context"
	"database/sql"
)

// ArticleSource is the source of every default indicator value: the
// article of 9 December 2016 on the results of resolution 05-NQ/TU, as
// issue 19 quotes it.
const ArticleSource = "Bài báo ngày 9/12/2016 về kết quả thực hiện Nghị quyết 05-NQ/TU (theo nội dung issue 19)"

// resolution0511 is Hòa Bình's resolution on ICT. It sets 15 indicators;
// the issue names 12, and those are the default board.
var resolution0511 = Resolution{Number: "05-NQ/TU", Date: "2011-12-23",
	Title: "Nghị quyết 05-NQ/TU ngày 23/12/2011 của Tỉnh ủy Hòa Bình về công nghệ thông tin và truyền thông"}

const resolution0511Note = "Nghị quyết đặt 15 chỉ tiêu; bài báo ngày 9/12/2016 cho biết đến hết năm 2015 có 8/15 chỉ tiêu đạt và vượt. " +
	"Chỉ 12 chỉ tiêu được nêu tên, nên bảng có 12 chỉ tiêu; 3 chỉ tiêu còn lại chưa biết nội dung. " +
	"/ The resolution sets 15 indicators; the article of 9 December 2016 counted 8 of the 15 met or exceeded by the end of 2015. " +
	"Only 12 are named, so the board lists 12; the other 3 are not known."

// reviewNote explains the deadline of the entered default indicators.
const reviewNote = "Hạn 31/12/2015 là ngày bài báo tổng kết, không phải thời hạn do Nghị quyết nêu. " +
	"/ 2015-12-31 is the date the article reviews, not a deadline stated by the resolution."

// computedNote explains the computed default indicators.
const computedNote = "Tính từ chỉ tiêu phủ sóng tương ứng của Phủ Sóng (giá trị, lịch sử, dự báo). " +
	"/ Computed from Phủ Sóng's coverage target (value, history, forecast)."

func pct(v float64) *float64 { return &v }

// DefaultIndicators returns the 12 named indicators of resolution 05-NQ/TU
// in the board's order: the four coverage ones computed from the seeded
// targets (ids 1–4, see migration 0006), the others entered.
func DefaultIndicators() []Indicator {
	computed := func(id, vi, en string, target float64, targetID int64) Indicator {
		return Indicator{ID: id, TitleVI: vi, TitleEN: en, Unit: "percent", Direction: "higher", Target: pct(target),
			Kind: KindComputed, TargetID: targetID, Note: computedNote}
	}
	entered := func(id, vi, en, unit string, target *float64, note string) Indicator {
		if note == "" {
			note = reviewNote
		} else {
			note += " " + reviewNote
		}
		return Indicator{ID: id, TitleVI: vi, TitleEN: en, Unit: unit, Direction: "higher", Target: target,
			Deadline: "2015-12-31", Kind: KindEntered, Note: note}
	}
	inds := []Indicator{
		computed("broadcast-communes", "100% số xã thu được phát thanh, truyền hình",
			"Radio and television received in 100% of communes", 100, 2),
		computed("phone-communes", "100% số xã có điện thoại", "Telephone in 100% of communes", 100, 3),
		computed("broadband-communes", "Băng rộng đến các xã, kể cả xã vùng sâu, vùng xa",
			"Broadband to the communes, remote ones included", 100, 4),
		computed("mobile-broadband-population", "Băng rộng di động phủ sóng 95% dân số",
			"Mobile broadband reaching 95% of the population", 95, 1),
		entered("internet-users", "Trên 70% người dân sử dụng Internet", "Internet users over 70% of people",
			"percent", pct(70), ""),
		entered("households-computer-broadband", "60% hộ gia đình có máy tính và kết nối băng rộng",
			"60% of households with a computer and broadband", "percent", pct(60), ""),
		entered("officials-it-skills", "80% cán bộ, công chức các sở, ngành được đào tạo kỹ năng công nghệ thông tin",
			"80% of officials of departments trained in IT skills", "percent", pct(80), ""),
		entered("documents-online", "60% văn bản được lưu chuyển trên mạng",
			"60% of documents circulated over the network", "percent", pct(60), ""),
		entered("pupils-it", "100% học sinh trung học phổ thông được học tin học",
			"100% of upper-secondary pupils taught IT", "percent", pct(100),
			"Bài báo năm 2016 cho biết chỉ tiêu này vượt 20 điểm; con số cụ thể không được nêu nên chưa nhập giá trị. "+
				"/ The 2016 article reports this target exceeded by 20 points; its figure is not given, so no value is entered."),
		entered("public-services-online", "Phần lớn dịch vụ công trực tuyến ở mức độ 3 và 4",
			"Most public services online at levels 3 and 4", "level", nil,
			"Nghị quyết nêu “phần lớn dịch vụ công”, không nêu con số. / The resolution says “most public services”, with no number."),
		entered("enterprises-it", "100% doanh nghiệp, tổ chức xã hội ứng dụng công nghệ thông tin trong quản lý",
			"100% of enterprises and social organisations using IT in management", "percent", pct(100), ""),
		entered("pci-transparency", "Chỉ số thành phần Tính minh bạch của Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)",
			"Transparency sub-index of the Provincial Competitiveness Index (PCI)", "score", nil,
			"Nghị quyết không nêu con số mục tiêu; điểm theo bài báo. / No target number is stated; the scores are the article's."),
	}
	for i := range inds {
		inds[i].Order = i + 1
		inds[i].Resolution = resolution0511
		inds[i].Territory = "17"
	}
	return inds
}

// DefaultIndicatorValues returns the article's figures: the PCI
// transparency sub-index of 2010, 2011, 2012 and 2015, each at the end of
// its year. No other indicator has a figure in the article as quoted, and
// none is invented.
func DefaultIndicatorValues() []IndicatorValue {
	var out []IndicatorValue
	for _, v := range []struct {
		asOf  string
		score float64
	}{{"2010-12-31", 3.32}, {"2011-12-31", 5.87}, {"2012-12-31", 5.9}, {"2015-12-31", 6.32}} {
		out = append(out, IndicatorValue{Indicator: "pci-transparency", AsOf: v.asOf, Value: v.score, Source: ArticleSource})
	}
	return out
}

// seedIndicators writes the default resolution, indicators and values in
// tx, unaudited like the rest of the seed (seeded_at and seed in meta
// say what it wrote).
func seedIndicators(ctx context.Context, tx *sql.Tx) error {
	n := 15
	if err := addResolution(ctx, tx, ResolutionEntry{Resolution: resolution0511, Indicators: &n, Note: resolution0511Note}); err != nil {
		return err
	}
	for _, ind := range DefaultIndicators() {
		if _, err := addIndicator(ctx, tx, ind, "seed"); err != nil {
			return err
		}
	}
	_, err := addIndicatorValues(ctx, tx, DefaultIndicatorValues(), "seed")
	return err
}
