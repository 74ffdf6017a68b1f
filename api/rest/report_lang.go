package rest

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/geo"
)

// The report in its two languages: ?lang=vi (the default) or ?lang=en.
// Every text the report writes, in the page and in its CSV, comes from a
// reportLocale: its fixed words (reportWords) and the way it writes
// numbers, dates and the sentences built from figures. Numbers and dates
// follow the web application's formats (frontend/src/i18n.ts, vi-VN and
// en-GB): 854.131 and 93,98% against 854,131 and 93.98%; 31/05/2026
// against 31 May 2026. Names that are data (communes, districts, sources,
// a resolution's title) are written as they were entered.

// reportLangs are the languages of the report, the default first.
var reportLangs = []string{"vi", "en"}

// reportWords are the report's fixed texts in one language.
type reportWords struct {
	PageTitle, Heading                              string
	FiguresAsOf, LatestFiling, KnownBy              string
	DigestLabel, DigestOpen, DigestAfter, OtherLang string
	Section1, Section2, Section3, Section4          string
	IndicatorCols, TargetCols, GapCols              []string
	Goal, BarOf, MetLong, Met, NotMet, NoData       string
	ChartLabel, LegendGoal, RemoteTag, NoGaps       string
	// UnitsLabel names a unit set where the chart marks its start.
	UnitsLabel string
	// ScopeLabel introduces the territory of a report asked for one
	// province; ScopeRule says which targets it holds; Nationwide names
	// the whole country.
	ScopeLabel, ScopeRule, Nationwide string
	// NoIndicators stands for the indicators' table when the territory has none.
	NoIndicators string
	// CSVHeaders are the CSV's first row's labels, then its three tables' headers.
	CSVHeaders [4][]string
}

var reportWordsVI = reportWords{
	PageTitle:     "Báo cáo tiến độ phủ sóng",
	Heading:       "Báo cáo tiến độ thực hiện các mục tiêu hạ tầng thông tin – truyền thông",
	FiguresAsOf:   "Số liệu tính đến ngày",
	LatestFiling:  "hồ sơ mới nhất có hiệu lực từ ngày",
	KnownBy:       "theo các hồ sơ đã nhận đến ngày",
	DigestLabel:   "Mã kiểm tra số liệu",
	DigestOpen:    "mở lại",
	DigestAfter:   "để kiểm tra bản in: cùng mã là cùng số liệu.",
	OtherLang:     "English version",
	Section1:      "1. Các chỉ tiêu của Nghị quyết",
	Section2:      "2. Các mục tiêu",
	Section3:      "3. Diễn biến theo thời gian",
	Section4:      "4. Các xã còn thiếu",
	IndicatorCols: []string{"Chỉ tiêu", "Giá trị", "Ngày số liệu", "Mục tiêu", "Đạt", "Nguồn"},
	TargetCols:    []string{"Mục tiêu", "Hiện trạng", "Tiến độ", "Còn thiếu", "Thời hạn", "Dự báo"},
	GapCols:       []string{"Hạng", "Xã", "Huyện", "Dân số", "Chưa được phủ", "Tỷ lệ phủ", "Trạng thái", "Trong nhóm cần phủ"},
	Goal:          "mục tiêu",
	BarOf:         "trên",
	MetLong:       "Đã đạt",
	Met:           "Đạt",
	NotMet:        "Chưa đạt",
	NoData:        "chưa có số liệu",
	ChartLabel:    "Giá trị các mục tiêu theo thời gian",
	UnitsLabel:    "Đơn vị hành chính",
	ScopeLabel:    "Phạm vi",
	ScopeRule:     "Các mục tiêu của tỉnh và các mục tiêu toàn quốc (giá trị toàn quốc); danh sách xã còn thiếu chỉ gồm các xã của tỉnh.",
	Nationwide:    "toàn quốc",
	NoIndicators:  "Chưa có chỉ tiêu nào của nghị quyết được ghi nhận cho phạm vi này.",
	LegendGoal:    "mục tiêu",
	RemoteTag:     "vùng sâu, vùng xa",
	NoGaps:        "Không còn xã nào thiếu.",
	CSVHeaders: [4][]string{
		{"Báo cáo tiến độ – số liệu tính đến ngày", "hồ sơ mới nhất có hiệu lực từ", "theo hồ sơ đã nhận đến ngày", "mã kiểm tra số liệu"},
		{"Mã mục tiêu", "Mục tiêu", "Lĩnh vực", "Chỉ tiêu", "Giá trị (%)", "Mục tiêu (%)", "Đạt",
			"Còn thiếu (người)", "Còn thiếu (xã)", "Thời hạn", "Dự báo", "Ngày dự báo đạt"},
		{"Mã mục tiêu", "Ngày", "Giá trị (%)", "Đạt"},
		{"Mã mục tiêu", "Hạng", "Mã xã", "Tên xã", "Huyện", "Dân số", "Chưa được phủ (người)", "Tỷ lệ phủ (%)",
			"Trạng thái", "Vùng sâu, vùng xa", "Trong nhóm cần phủ"},
	},
}

var reportWordsEN = reportWords{
	PageTitle:     "Coverage progress report",
	Heading:       "Progress report on the information and communication infrastructure targets",
	FiguresAsOf:   "Figures as of",
	LatestFiling:  "latest filing in force from",
	KnownBy:       "from the filings received by",
	DigestLabel:   "Check code of the figures",
	DigestOpen:    "open",
	DigestAfter:   "again to check a printed copy: the same code means the same figures.",
	OtherLang:     "Bản tiếng Việt",
	Section1:      "1. The resolution's indicators",
	Section2:      "2. Targets",
	Section3:      "3. Over time",
	Section4:      "4. Communes still short",
	IndicatorCols: []string{"Indicator", "Value", "Data date", "Target", "Met", "Source"},
	TargetCols:    []string{"Target", "Current", "Progress", "Short by", "Deadline", "Forecast"},
	GapCols:       []string{"Rank", "Commune", "District", "Population", "Not covered", "Share covered", "Status", "In the set to cover"},
	Goal:          "target",
	BarOf:         "of",
	MetLong:       "Met",
	Met:           "Met",
	NotMet:        "Not met",
	NoData:        "no data",
	ChartLabel:    "The targets' values over time",
	UnitsLabel:    "Units of",
	ScopeLabel:    "Scope",
	ScopeRule:     "The province's targets and the national ones (national values); the lists of communes still short hold the province's communes only.",
	Nationwide:    "whole country",
	NoIndicators:  "No indicator of a resolution is recorded for this territory.",
	LegendGoal:    "target",
	RemoteTag:     "remote",
	NoGaps:        "No commune is short.",
	CSVHeaders: [4][]string{
		{"Progress report – figures as of", "latest filing in force from", "from the filings received by", "check code of the figures"},
		{"Target ID", "Target", "Layer", "Measure", "Value (%)", "Target (%)", "Met",
			"Short by (people)", "Short by (communes)", "Deadline", "Forecast", "Forecast date"},
		{"Target ID", "Date", "Value (%)", "Met"},
		{"Target ID", "Rank", "Commune code", "Commune", "District", "Population", "Not covered (people)", "Share covered (%)",
			"Status", "Remote", "In the set to cover"},
	},
}

// reportLocale is one language of the report.
type reportLocale struct {
	lang string
	W    reportWords
}

func reportLocaleOf(lang string) (reportLocale, bool) {
	switch lang {
	case "vi":
		return reportLocale{"vi", reportWordsVI}, true
	case "en":
		return reportLocale{"en", reportWordsEN}, true
	}
	return reportLocale{}, false
}

func (l reportLocale) en() bool { return l.lang == "en" }

// pick returns the text of the locale's language.
func (l reportLocale) pick(vi, en string) string {
	if l.en() {
		return en
	}
	return vi
}

// bilingual returns the part of a "Vietnamese / English" text (as the seed
// writes its notes) in the locale's language, and a text without the
// separator whole, as the web application does.
func (l reportLocale) bilingual(s string) string {
	vi, en, ok := strings.Cut(s, " / ")
	if !ok {
		return s
	}
	return l.pick(vi, en)
}

// number writes v with d decimals: 854.131 and 93,98 (vi), 854,131 and
// 93.98 (en).
func (l reportLocale) number(v float64, d int) string {
	group, point := ".", ","
	if l.en() {
		group, point = ",", "."
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', d, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && s != strconv.FormatFloat(0, 'f', d, 64) {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	return b.String()
}

// percent writes a share 0–1 as a percentage with 2 decimals.
func (l reportLocale) percent(share float64) string { return l.number(100*share, 2) + "%" }

// monthsENGB are the English month abbreviations, three letters each (Sep,
// not en-GB's "Sept"), as the web application writes them (i18n.ts
// MONTHS_EN): one date style everywhere.
var monthsENGB = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// date writes a day YYYY-MM-DD: 31/05/2026 (vi), 31 May 2026 (en); a text
// that is not a day is returned as it is.
func (l reportLocale) date(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return l.dateOf(t)
}

func (l reportLocale) dateOf(t time.Time) string {
	if l.en() {
		return strconv.Itoa(t.Day()) + " " + monthsENGB[t.Month()-1] + " " + strconv.Itoa(t.Year())
	}
	return t.Format("02/01/2006")
}

// generated says when and by what the report was made, in UTC.
func (l reportLocale) generated(t time.Time) string {
	t = t.UTC()
	if l.en() {
		return "Generated by Phủ Sóng at " + t.Format("15:04") + ", " + l.dateOf(t) + " (UTC)."
	}
	return "Tạo lúc " + t.Format("15:04") + " " + l.dateOf(t) + " (UTC) bởi Phủ Sóng."
}

// count writes n things: "3 xã" (vi), "3 communes", "1 commune" (en).
func (l reportLocale) count(n float64, vi, enOne, enMany string) string {
	s := l.number(n, 0)
	switch {
	case !l.en():
		return s + " " + vi
	case s == "1":
		return s + " " + enOne
	}
	return s + " " + enMany
}

func (l reportLocale) layerTitle(layer geo.Layer) string {
	for _, li := range layerInfos {
		if li.ID == layer {
			return l.pick(li.TitleVI, li.TitleEN)
		}
	}
	return string(layer)
}

func (l reportLocale) targetTitle(t geo.Target) string { return l.pick(t.TitleVI, t.TitleEN) }

func (l reportLocale) status(s geo.Status) string {
	switch s {
	case geo.StatusCovered:
		return l.pick("phủ sóng", "covered")
	case geo.StatusPartial:
		return l.pick("một phần", "partial")
	}
	return l.pick("chưa có", "not covered")
}

// measure says what a target measures.
func (l reportLocale) measure(t geo.Target) string {
	remote := t.Filter == geo.FilterRemote
	if t.Measure == geo.MeasureCommunes {
		s := l.pick("tỷ lệ số xã đạt (xã có từ "+l.percent(t.Threshold)+" dân số được phủ)",
			"share of communes reached (communes with at least "+l.percent(t.Threshold)+" of people covered)")
		if remote {
			s += l.pick(", chỉ xã vùng sâu, vùng xa", ", remote communes only")
		}
		return s
	}
	if remote {
		return l.pick("tỷ lệ dân số được phủ, chỉ xã vùng sâu, vùng xa", "share of people covered, remote communes only")
	}
	return l.pick("tỷ lệ dân số được phủ", "share of people covered")
}

// forecast says when a target is met at its trend, with "after the
// deadline" for a forecast date past it.
func (l reportLocale) forecast(a api.TargetAnswer) string {
	var s string
	switch {
	case !l.en():
		s = a.Forecast.NoteVI
	case a.Forecast.Outcome == geo.OutcomeMet:
		s = "met"
	case a.Forecast.Outcome == geo.OutcomeForecast:
		s = "expected to be met on " + l.date(a.Forecast.Date) + " at the current pace"
	default:
		s = "not met at the current pace"
	}
	if !a.Current.Met && a.Forecast.Outcome == geo.OutcomeForecast && !a.Forecast.OnTrack {
		s += l.pick(" (sau thời hạn)", " (after the deadline)")
	}
	return s
}

// population says how people are placed within communes.
func (l reportLocale) population(method string) string {
	switch {
	case method == "even":
		return l.pick("đều trong mỗi xã", "evenly within each commune")
	case strings.HasPrefix(method, "grid-worldpop-"):
		return l.pick("theo mật độ dân cư của lưới WorldPop 2020 ("+method+"), tổng mỗi xã đúng bằng số dân điều tra",
			"by the settlement density of the WorldPop 2020 grid ("+method+"), each commune's total equal to its census count")
	case strings.HasPrefix(method, "grid-"):
		return l.pick("theo mật độ của lưới dân số đã nhập ("+method+"), tổng mỗi xã đúng bằng số dân điều tra",
			"by the density of the imported population grid ("+method+"), each commune's total equal to its census count")
	}
	return l.pick("theo các điểm dân cư đã nhập, tổng mỗi xã đúng bằng số dân điều tra",
		"by the imported settlement points, each commune's total equal to its census count")
}
