package rest

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/export"
	"github.com/phusong/phusong/geo/seed"
)

//go:embed report.gohtml
var reportHTML string

var reportTemplate = template.Must(template.New("report").Parse(reportHTML))

// reportCSS is the report's only style, allowed by its hash in the
// Content-Security-Policy, so the page needs nothing else.
const reportCSS = `body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;margin:2em;color:#111;max-width:60em}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #999}h3{font-size:1em}
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border:1px solid #bbb;padding:.3em .4em;vertical-align:top;text-align:left}
th{background:#eee}.num{text-align:right;white-space:nowrap}.small{font-size:.85em;color:#444}.meta{color:#333}
.note{background:#fff6d5;border-left:4px solid #d9a400;padding:.3em .6em;font-size:.9em}.ok{color:#176b1f;font-weight:bold}.no{color:#a4161a;font-weight:bold}
.swatch{display:inline-block;width:0;height:.8em;border-left:.8em solid;margin-right:.4em;vertical-align:-.05em}.swatch-mobile{border-color:#1f5fa8}
.swatch-broadcast{border-color:#c23b22}.swatch-phone{border-color:#2e8b3a}.swatch-broadband{border-color:#7a4fa3}
.other-lang{text-align:right;margin:0;font-size:.9em}.legend{list-style:none;padding:0}.legend li{display:inline-block;margin-right:1.2em}.legend svg{vertical-align:middle;margin-right:.3em}
svg.chart{max-width:100%;height:auto}.targets td:first-child{min-width:11em}.targets td:nth-child(3){min-width:8em}svg.bar{max-width:100%;height:auto}
@media (max-width:40em){body{margin:.8em}.wide{overflow-x:auto}}
@page{size:A4 portrait;margin:12mm}
@media print{body{margin:0;max-width:none;font-size:10pt}.other-lang{display:none}table{font-size:8.5pt}h2{break-after:avoid}tr,svg,.legend{break-inside:avoid}}`

// reportCSP allows the inline style above and nothing else: no scripts, no
// external resources.
var reportCSP = func() string {
	h := sha256.Sum256([]byte(reportCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'; base-uri 'none'; form-action 'none'"
}()

// layerColours are the report's colours of the layers' lines and bars.
var layerColours = map[geo.Layer]string{geo.Mobile: "#1f5fa8", geo.Broadcast: "#c23b22", geo.Phone: "#2e8b3a", geo.Broadband: "#7a4fa3"}

// layerDashes tell the layers' chart lines apart where the colours do not
// (a black-and-white print): each its own dash pattern, drawn the same in
// the legend. The targets' own lines are thin and dotted.
var layerDashes = map[geo.Layer]string{geo.Mobile: "", geo.Broadcast: "9 4", geo.Phone: "3 3", geo.Broadband: "12 3 3 3"}

// reportGapRows is how many communes each gap table shows.
const reportGapRows = 10

const reportBarWidth = 220.0

type reportPage struct {
	CSS                               template.CSS
	Lang                              string      // the page's language, vi or en
	W                                 reportWords // the page's fixed texts in that language
	OtherLang, OtherHref              string      // the same report in the other language
	AsOf, DataAsOf, GeneratedAt       string
	KnownAt, Digest, CheckQuery       string
	Scope, ScopeNote                  string // the territory the report covers, and which targets it holds
	Notes                             []string
	BarWidth                          float64
	Board                             reportBoard
	Targets                           []reportTarget
	Chart                             reportChart
	Gaps                              []reportGaps
	ReachedRule, PlanRule, MethodNote string
}

// reportBoard is the indicators' board: the headline and one row each.
type reportBoard struct {
	Headline, Rule string
	Resolutions    []string
	Rows           []reportIndicator
}

type reportIndicator struct {
	Title, Value, Date, Target, Met, Source string
}

// reportBoardOf writes the board in the report's language; an indicator
// without a value says so ("chưa có số liệu", "no data"), never a number.
func reportBoardOf(b api.Board, answers []api.TargetAnswer, l reportLocale) reportBoard {
	out := reportBoard{Headline: l.pick(b.HeadlineVI, b.HeadlineEN), Rule: l.pick(
		"Chỉ tiêu đạt khi giá trị tại ngày báo cáo không thấp hơn mục tiêu "+
			"(không cao hơn, với chỉ tiêu càng thấp càng tốt); chỉ tiêu chưa có số liệu hoặc không có mục tiêu bằng số không được tính là đạt.",
		"An indicator is met when its value on the report's date is not below its target "+
			"(not above, for an indicator where lower is better); an indicator with no data or no target number does not count as met.")}
	for _, r := range b.Resolutions {
		s := l.pick("Nghị quyết ", "Resolution ") + r.Number
		if r.Date != "" {
			s += l.pick(" ngày ", " of ") + l.date(r.Date)
		}
		if note := l.bilingual(r.Note); note != "" {
			s += ": " + note
		}
		out.Resolutions = append(out.Resolutions, s)
	}
	inUnit := func(unit string, v float64) string {
		if unit == "percent" {
			return l.number(v, 2) + "%"
		}
		return l.number(v, 2)
	}
	for _, e := range b.Indicators {
		row := reportIndicator{Title: l.pick(e.TitleVI, e.TitleEN), Value: l.W.NoData, Date: "—", Target: "—", Met: "—", Source: "—"}
		if e.Latest != nil {
			row.Value, row.Date, row.Source = inUnit(e.Unit, e.Latest.Value), l.date(e.Latest.AsOf), e.Latest.Source
			// A computed indicator's source is Phủ Sóng's own words (in
			// Vietnamese on the board): said again in the report's language.
			for _, a := range answers {
				if e.Kind == data.KindComputed && a.ID == e.TargetID && l.en() {
					row.Source = fmt.Sprintf("Phủ Sóng, coverage target %d: %s", a.ID, a.TitleEN)
				}
			}
		}
		if e.Target != nil {
			row.Target = inUnit(e.Unit, *e.Target)
			if e.Direction == "lower" {
				row.Target = "≤ " + row.Target
			}
		}
		if e.Met != nil {
			row.Met = map[bool]string{true: l.W.Met, false: l.W.NotMet}[*e.Met]
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

type reportTarget struct {
	Layer                                      geo.Layer
	Title, Measure, Value, Goal, Colour        string
	BarFill, BarGoal                           string
	Met                                        bool
	GapPeople, GapCommunes, Deadline, Forecast string // the gaps with their words: "9.522 người", "3 communes"
}

type reportGaps struct {
	Title, Plan string
	Rows        []reportGapRow
}

type reportGapRow struct {
	Rank                                                  int
	Name, District, Population, NotCovered, Share, Status string
	Remote, InPlan                                        bool
}

// reportData gathers what both forms of the report show.
type reportData struct {
	asOf, dataAsOf string
	knownAt        string // the day the figures are as known on
	digest         string // of the figures, so that a printed report can be checked (reportDigest)
	answers        []api.TargetAnswer
	board          api.Board // the resolutions' indicators on asOf
	gaps           []reportGapData
	demo           bool
	province       string // the province asked for (?province=), "" for the whole store
	provinceName   string
	// multi is whether the store holds several provinces: the targets'
	// titles then say whose they are.
	multi bool
}

// targetTitle is a target's title in l, with its territory where the
// store holds several provinces.
func (rd reportData) targetTitle(l reportLocale, t geo.Target) string {
	title := l.targetTitle(t)
	if !rd.multi {
		return title
	}
	if t.Territory == "" {
		return title + " (" + l.W.Nationwide + ")"
	}
	return title + " (" + geo.ProvinceName(t.Territory) + ")"
}

type reportGapData struct {
	target geo.Target
	ranked []geo.Gap
	plan   geo.Plan
}

// handleReport answers the progress report as of ?as_of= (default today):
// a printable HTML page, or with ?format=csv the same figures as CSV
// (UTF-8 with a byte-order mark, so that spreadsheets show the
// diacritics), in Vietnamese or with ?lang=en in English. With
// ?province=25 it covers one province of a national store: that province's
// targets and the national ones (over that province's communes, as the
// summary's ?province=), and that province's indicators.
func (s *Server) handleReport(c *gin.Context) {
	format := c.DefaultQuery("format", "html")
	if format != "html" && format != "csv" {
		s.fail(c, invalid("format %s: want html or csv", quote(format)))
		return
	}
	loc, ok := reportLocaleOf(c.DefaultQuery("lang", reportLangs[0]))
	if !ok {
		s.fail(c, invalid("lang %s: want %s", quote(c.Query("lang")), strings.Join(reportLangs, " or ")))
		return
	}
	snap, asOf, err := s.currentAsOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	asOf, knownAt, known, dataAsOf, err := s.targetFigures(c, snap, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	province, err := provinceParam(c, snap)
	if err != nil {
		s.fail(c, err)
		return
	}
	provinces := snap.Provinces()
	rd := reportData{asOf: asOf, knownAt: knownAt, dataAsOf: dataAsOf, province: province, multi: len(provinces) > 1}
	if i := slices.IndexFunc(provinces, func(p api.Province) bool { return p.Code == province }); i >= 0 {
		rd.provinceName = provinces[i].Name
	}
	if rd.asOf == "" {
		rd.asOf = snap.Day
	}
	if rd.knownAt == "" {
		rd.knownAt = snap.Day
	}
	figs := known
	if figs == nil {
		figs, _ = snap.FiguresAt(asOf)
	}
	for _, t := range snap.Targets() {
		if t.Retired() || province != "" && t.Territory != "" && t.Territory != province {
			continue
		}
		a, _ := snap.AnswerTargetKnown(t.ID, asOf, known)
		rd.answers = append(rd.answers, a)
		f := figs[t.Layer]
		rd.gaps = append(rd.gaps, reportGapData{t, geo.RankGaps(f, snap.Keeps(t.Filter, cmp.Or(t.Territory, province))), t.Plan(f, snap.Scope(), nil)})
	}
	ind, err := api.ReadIndicators(c.Request.Context(), s.store)
	if err != nil {
		s.fail(c, err)
		return
	}
	if province != "" {
		ind = indicatorsOf(ind, province)
	}
	rd.board = snap.Board(ind, rd.asOf, false)
	// The computed indicators say what their targets say in this report:
	// as known on known_at, like the targets' table.
	for i, e := range rd.board.Indicators {
		for _, a := range rd.answers {
			if e.Kind == data.KindComputed && e.Latest != nil && a.ID == e.TargetID {
				met := a.Current.Met
				rd.board.Indicators[i].Latest.Value, rd.board.Indicators[i].Met = math.Round(a.Current.Value*1e6)/1e4, &met
			}
		}
	}
	rd.board.Met = 0
	for _, e := range rd.board.Indicators {
		if e.Met != nil && *e.Met {
			rd.board.Met++
		}
	}
	rd.board.HeadlineVI = fmt.Sprintf("%d/%d chỉ tiêu đạt và vượt", rd.board.Met, rd.board.Total)
	rd.board.HeadlineEN = fmt.Sprintf("%d of %d indicators met or exceeded", rd.board.Met, rd.board.Total)
	rd.digest = reportDigest(rd)
	filings, err := s.store.Filings(c.Request.Context(), "")
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, f := range filings {
		rd.demo = rd.demo || f.Demo && f.WithdrawnAt == "" && f.AsOf <= rd.asOf
	}
	var body []byte
	var contentType string
	if format == "csv" {
		body, err = reportCSV(rd, snap, loc)
		contentType = "text/csv; charset=utf-8"
		c.Header("Content-Disposition", `attachment; filename="phusong-`+loc.pick("bao-cao", "report")+`-`+rd.asOf+`.csv"`)
	} else {
		body, err = reportPageHTML(rd, snap, loc)
		contentType = "text/html; charset=utf-8"
		c.Header("Content-Security-Policy", reportCSP)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, contentType, body)
}

// reportCheckQuery is the address of the report with its figures fixed
// (as_of and known_at), in the language lang: the printed copy names it,
// and the two languages link to each other with it.
func reportCheckQuery(rd reportData, lang string) string {
	q := "/api/v1/report?as_of=" + rd.asOf + "&known_at=" + rd.knownAt
	if rd.province != "" {
		q += "&province=" + rd.province
	}
	if lang != reportLangs[0] {
		q += "&lang=" + lang
	}
	return q
}

// indicatorsOf is d with only the indicators of province's territory.
func indicatorsOf(d *api.IndicatorData, province string) *api.IndicatorData {
	out := *d
	out.Indicators = nil
	for _, ind := range d.Indicators {
		if ind.Territory == province {
			out.Indicators = append(out.Indicators, ind)
		}
	}
	return &out
}

func reportPageHTML(rd reportData, snap *api.Snapshot, l reportLocale) ([]byte, error) {
	other := reportLangs[0]
	if l.lang == reportLangs[0] {
		other = reportLangs[1]
	}
	page := reportPage{
		CSS: template.CSS(reportCSS), Lang: l.lang, W: l.W, OtherLang: other, OtherHref: reportCheckQuery(rd, other),
		AsOf: l.date(rd.asOf), DataAsOf: l.date(rd.dataAsOf),
		KnownAt: l.date(rd.knownAt), Digest: rd.digest, CheckQuery: reportCheckQuery(rd, l.lang),
		GeneratedAt: l.generated(time.Now()), BarWidth: reportBarWidth,
		Scope: rd.scope(l),
		Board: reportBoardOf(rd.board, rd.answers, l),
		ReachedRule: l.pick("Xã được tính là đạt khi tỷ lệ dân số được phủ của xã không thấp hơn ngưỡng của mục tiêu. "+
			"Số người còn thiếu của mục tiêu theo số xã là số dân chưa được phủ ở các xã cần phủ thêm.",
			"A commune counts as reached when its share of people covered is not below the target's threshold. "+
				"The people a communes target is short by are the people not covered in the communes still to cover."),
		PlanRule: l.pick("Nhóm xã cần phủ là nhóm ít xã nhất mà nếu được phủ sóng toàn bộ thì mục tiêu đạt, chọn lần lượt "+
			"(xã còn nhiều người chưa được phủ nhất trước, với mục tiêu theo dân số; xã ít người chưa được phủ nhất trước, với mục tiêu theo số xã).",
			"The set to cover is the fewest communes whose full coverage would meet the target, chosen one by one "+
				"(the commune with the most people not covered first for a population target; the one with the fewest first for a communes target)."),
		MethodNote: l.pick("Phương pháp: dân số điều tra 2019 được phân bố trên lưới ô "+l.number(snap.Result.Method.CellSizeM, 0)+
			" m "+l.population(snap.Result.Method.Population)+"; một ô được phủ khi tâm ô nằm trong vùng phủ sóng đã đăng ký ("+snap.Result.Method.Name+"). "+
			"Dự báo: đường thẳng bình phương tối thiểu qua các số liệu của 3 năm gần nhất (ít nhất 3 mốc), tính từ giá trị mới nhất.",
			"Method: the 2019 census population is spread over a grid of "+l.number(snap.Result.Method.CellSizeM, 0)+
				" m cells "+l.population(snap.Result.Method.Population)+"; a cell is covered when its centre lies in a registered coverage footprint ("+snap.Result.Method.Name+"). "+
				"Forecast: the least-squares straight line through the figures of the last 3 years (at least 3 points), drawn from the latest value."),
	}
	if rd.province != "" {
		page.ScopeNote = l.W.ScopeRule
	}
	if rd.demo {
		page.Notes = append(page.Notes, l.pick("Số liệu minh họa do Phủ Sóng tạo ra, không phải số liệu do doanh nghiệp báo cáo.",
			"Demonstration figures made up by Phủ Sóng, not figures reported by the providers."))
	}
	var sources []string
	for _, cm := range snap.Communes {
		if cm.Boundary == geo.BoundaryApproximate {
			page.Notes = append(page.Notes, l.pick("Ranh giới xã là hình gần đúng, không phải ranh giới chính thức.",
				"The communes' boundaries are approximate shapes, not the official boundaries."))
			sources = nil
			break
		}
		if cm.Boundary != "" && !slices.Contains(sources, cm.Boundary) {
			sources = append(sources, cm.Boundary)
		}
	}
	if len(sources) > 0 {
		page.Notes = append(page.Notes, l.pick("Ranh giới xã: ", "The communes' boundaries: ")+strings.Join(sources, "; ")+".")
	}
	if snap.RemoteSet().Source == seed.RemoteApproximate {
		page.Notes = append(page.Notes, l.pick("Danh sách xã vùng sâu, vùng xa là ước tính theo mật độ dân số thấp nhất, không phải danh sách chính thức.",
			"The list of remote communes is an estimate from the lowest population densities, not the official list."))
	}
	for _, a := range rd.answers {
		t := a.Target
		page.Targets = append(page.Targets, reportTarget{Layer: t.Layer, Title: rd.targetTitle(l, t), Measure: l.measure(t), Value: l.percent(a.Current.Value),
			Goal: l.percent(t.Value), Colour: layerColours[t.Layer], Met: a.Current.Met,
			BarFill: svgNum(reportBarWidth * a.Current.Value), BarGoal: svgNum(math.Min(reportBarWidth-1, reportBarWidth*t.Value)),
			GapPeople:   l.count(math.Round(a.Current.GapPeople), "người", "person", "people"),
			GapCommunes: l.count(float64(a.Current.GapCommunes), "xã", "commune", "communes"),
			Deadline:    l.date(t.Deadline), Forecast: l.forecast(a)})
	}
	page.Chart = trendChart(rd.answers, l)
	for _, g := range rd.gaps {
		rg := reportGaps{Title: l.layerTitle(g.target.Layer) + ": " + rd.targetTitle(l, g.target)}
		inPlan := map[string]bool{}
		for _, pc := range g.plan.Communes {
			inPlan[pc.Code] = true
		}
		n := float64(len(g.plan.Communes))
		switch {
		case n == 0:
			rg.Plan = l.pick("Mục tiêu đã đạt.", "The target is met.")
		case g.plan.Meets && l.en():
			more := "more people"
			if l.number(g.plan.PeopleAdded, 0) == "1" {
				more = "more person"
			}
			rg.Plan = fmt.Sprintf("Covering %s in full (%s %s) meets the target.",
				l.count(n, "", "commune", "communes"), l.number(g.plan.PeopleAdded, 0), more)
		case g.plan.Meets:
			rg.Plan = fmt.Sprintf("Cần phủ sóng toàn bộ %d xã (thêm %s người) để đạt mục tiêu.", len(g.plan.Communes), l.number(g.plan.PeopleAdded, 0))
		case l.en():
			rg.Plan = fmt.Sprintf("Even with all %s still short covered in full, the target is not met.", l.count(n, "", "commune", "communes"))
		default:
			rg.Plan = fmt.Sprintf("Kể cả khi phủ sóng toàn bộ %d xã còn thiếu, mục tiêu vẫn chưa đạt.", len(g.plan.Communes))
		}
		for k, gap := range g.ranked {
			if k == reportGapRows {
				break
			}
			cm := snap.Communes[gap.Index]
			rg.Rows = append(rg.Rows, reportGapRow{Rank: k + 1, Name: cm.Name, District: cm.District, Population: l.number(float64(gap.Population), 0),
				NotCovered: l.number(gap.Uncovered, 0), Share: l.percent(gap.Share), Status: l.status(gap.Status),
				Remote: snap.Remote()[gap.Index], InPlan: inPlan[gap.Code]})
		}
		page.Gaps = append(page.Gaps, rg)
	}
	var b bytes.Buffer
	if err := reportTemplate.Execute(&b, page); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// scope says what territory the report covers: one province when asked
// for, else the whole store when it holds several; "" for a one-province
// store, whose report is its province's.
func (rd reportData) scope(l reportLocale) string {
	switch {
	case rd.province != "":
		return rd.provinceName + " (" + rd.province + ")"
	case rd.multi:
		return l.W.Nationwide
	}
	return ""
}

func svgNum(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// reportCSVBooleans are the report CSV's columns of yes-or-no values,
// written true or false in both languages, as in every CSV of the service:
// for each table (targets, history, gaps), the index of its columns.
var reportCSVBooleans = [3][]int{{6}, {3}, {9, 10}}

// reportCSV writes the report's three tables one under the other, each
// with its header, separated by an empty line: targets, history, gaps.
// Headers and words are in the language of l; dates are YYYY-MM-DD,
// numbers are plain (a point for decimals), yes-or-no columns are true or
// false. Text cells (titles, names, codes, notes) go through
// export.CSVText, so that a spreadsheet never runs one as a formula;
// numbers are written as numbers.
func reportCSV(rd reportData, snap *api.Snapshot, l reportLocale) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	pct := func(v float64) string { return strconv.FormatFloat(math.Round(v*1e4)/100, 'f', -1, 64) }
	num := func(v float64) string { return strconv.FormatFloat(math.Round(v), 'f', 0, 64) }
	text := export.CSVText
	hd := l.W.CSVHeaders
	first := []string{hd[0][0], rd.asOf, hd[0][1], rd.dataAsOf, hd[0][2], rd.knownAt, hd[0][3], rd.digest}
	if rd.province != "" {
		first = append(first, l.W.ScopeLabel, text(rd.province+" "+rd.provinceName))
	}
	w.Write(first)
	w.Write(nil)
	w.Write(hd[1])
	for _, a := range rd.answers {
		w.Write([]string{strconv.FormatInt(a.ID, 10), text(rd.targetTitle(l, a.Target)), text(l.layerTitle(a.Layer)), text(l.measure(a.Target)),
			pct(a.Current.Value), pct(a.Value), strconv.FormatBool(a.Current.Met),
			num(a.Current.GapPeople), strconv.Itoa(a.Current.GapCommunes), a.Deadline, text(l.forecast(a)), a.Forecast.Date})
	}
	w.Write(nil)
	w.Write(hd[2])
	for _, a := range rd.answers {
		for _, h := range a.History {
			w.Write([]string{strconv.FormatInt(a.ID, 10), h.Date, pct(h.Value), strconv.FormatBool(h.Met)})
		}
	}
	w.Write(nil)
	w.Write(hd[3])
	for _, g := range rd.gaps {
		inPlan := map[string]bool{}
		for _, pc := range g.plan.Communes {
			inPlan[pc.Code] = true
		}
		for k, gap := range g.ranked {
			cm := snap.Communes[gap.Index]
			w.Write([]string{strconv.FormatInt(g.target.ID, 10), strconv.Itoa(k + 1), text(gap.Code), text(cm.Name), text(cm.District),
				strconv.Itoa(gap.Population), num(gap.Uncovered), pct(gap.Share), l.status(gap.Status),
				strconv.FormatBool(snap.Remote()[gap.Index]), strconv.FormatBool(inPlan[gap.Code])})
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// reportDigest is a short check of a report's figures: the SHA-256 of the
// dates and of every target's value and every commune's people covered it
// shows, in 4 groups of 4 hexadecimal digits. The same report asked again
// with the same as_of and known_at has the same digest, whatever was filed
// since, so that an official can check a printed copy.
func reportDigest(rd reportData) string {
	h := sha256.New()
	fmt.Fprintf(h, "as_of=%s known_at=%s\n", rd.asOf, rd.knownAt)
	if rd.province != "" {
		fmt.Fprintf(h, "province=%s\n", rd.province)
	}
	for _, a := range rd.answers {
		fmt.Fprintf(h, "target %d %.6f %.6f %.6f %t\n", a.ID, a.Current.Value, a.Current.Numerator, a.Current.Denominator, a.Current.Met)
	}
	for _, e := range rd.board.Indicators {
		if e.Kind == data.KindEntered && e.Latest != nil { // the computed ones are the targets'
			met := "none"
			if e.Met != nil {
				met = strconv.FormatBool(*e.Met)
			}
			fmt.Fprintf(h, "indicator %s %.6f %s %s\n", e.ID, e.Latest.Value, e.Latest.AsOf, met)
		}
	}
	for _, g := range rd.gaps {
		for _, r := range g.ranked {
			fmt.Fprintf(h, "gap %d %s %.3f\n", g.target.ID, r.Code, r.Covered)
		}
	}
	x := hex.EncodeToString(h.Sum(nil))
	return x[0:4] + "-" + x[4:8] + "-" + x[8:12] + "-" + x[12:16]
}
