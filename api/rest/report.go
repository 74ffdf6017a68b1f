package rest

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"html/template"
	"math"
	"net/http"
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
.legend{list-style:none;padding:0}.legend li{display:inline-block;margin-right:1.2em}.legend svg{vertical-align:middle;margin-right:.3em}
svg.chart{max-width:100%;height:auto}.targets td:first-child{min-width:11em}.targets td:nth-child(3){min-width:8em}svg.bar{max-width:100%;height:auto}
@media (max-width:40em){body{margin:.8em}.wide{overflow-x:auto}}
@page{size:A4 portrait;margin:12mm}
@media print{body{margin:0;max-width:none;font-size:10pt}table{font-size:8.5pt}h2{break-after:avoid}tr,svg,.legend{break-inside:avoid}}`

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
	AsOf, DataAsOf, GeneratedAt       string
	KnownAt, Digest, CheckQuery       string
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

// reportBoardOf writes the board the Vietnamese way; an indicator without
// a value says "chưa có số liệu", never a number.
func reportBoardOf(b api.Board) reportBoard {
	out := reportBoard{Headline: b.HeadlineVI, Rule: "Chỉ tiêu đạt khi giá trị tại ngày báo cáo không thấp hơn mục tiêu " +
		"(không cao hơn, với chỉ tiêu càng thấp càng tốt); chỉ tiêu chưa có số liệu hoặc không có mục tiêu bằng số không được tính là đạt."}
	for _, r := range b.Resolutions {
		s := "Nghị quyết " + r.Number
		if r.Date != "" {
			s += " ngày " + dateVI(r.Date)
		}
		if r.Note != "" {
			s += ": " + r.Note
		}
		out.Resolutions = append(out.Resolutions, s)
	}
	unitVI := func(unit string, v float64) string {
		if unit == "percent" {
			return numberVI(v, 2) + "%"
		}
		return numberVI(v, 2)
	}
	for _, e := range b.Indicators {
		row := reportIndicator{Title: e.TitleVI, Value: "chưa có số liệu", Date: "—", Target: "—", Met: "—", Source: "—"}
		if e.Latest != nil {
			row.Value, row.Date, row.Source = unitVI(e.Unit, e.Latest.Value), dateVI(e.Latest.AsOf), e.Latest.Source
		}
		if e.Target != nil {
			row.Target = unitVI(e.Unit, *e.Target)
			if e.Direction == "lower" {
				row.Target = "≤ " + row.Target
			}
		}
		if e.Met != nil {
			row.Met = map[bool]string{true: "Đạt", false: "Chưa đạt"}[*e.Met]
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
	GapPeople, GapCommunes, Deadline, Forecast string
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
}

type reportGapData struct {
	target geo.Target
	ranked []geo.Gap
	plan   geo.Plan
}

// handleReport answers the progress report as of ?as_of= (default today):
// a printable HTML page in Vietnamese, or with ?format=csv the same
// figures as CSV (UTF-8 with a byte-order mark, so that spreadsheets show
// the diacritics).
func (s *Server) handleReport(c *gin.Context) {
	format := c.DefaultQuery("format", "html")
	if format != "html" && format != "csv" {
		s.fail(c, invalid("format %s: want html or csv", quote(format)))
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
	rd := reportData{asOf: asOf, knownAt: knownAt, dataAsOf: dataAsOf}
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
		if t.Retired() {
			continue
		}
		a, _ := snap.AnswerTargetKnown(t.ID, asOf, known)
		rd.answers = append(rd.answers, a)
		f := figs[t.Layer]
		rd.gaps = append(rd.gaps, reportGapData{t, geo.RankGaps(f, snap.Keeps(t.Filter)), t.Plan(f, snap.Remote(), nil)})
	}
	ind, err := api.ReadIndicators(c.Request.Context(), s.store)
	if err != nil {
		s.fail(c, err)
		return
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
		body, err = reportCSV(rd, snap)
		contentType = "text/csv; charset=utf-8"
		c.Header("Content-Disposition", `attachment; filename="phusong-bao-cao-`+rd.asOf+`.csv"`)
	} else {
		body, err = reportPageHTML(rd, snap)
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

func layerTitleVI(l geo.Layer) string {
	for _, li := range layerInfos {
		if li.ID == l {
			return li.TitleVI
		}
	}
	return string(l)
}

func statusVI(s geo.Status) string {
	switch s {
	case geo.StatusCovered:
		return "phủ sóng"
	case geo.StatusPartial:
		return "một phần"
	}
	return "chưa có"
}

// numberVI writes v with d decimals the Vietnamese way: 854.131 and 93,98.
func numberVI(v float64, d int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', d, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && s != strconv.FormatFloat(0, 'f', d, 64) {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}

func percentVI(share float64) string { return numberVI(100*share, 2) + "%" }

func dateVI(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("02/01/2006")
}

func measureVI(t geo.Target) string {
	if t.Measure == geo.MeasureCommunes {
		s := "tỷ lệ số xã đạt (xã có từ " + percentVI(t.Threshold) + " dân số được phủ)"
		if t.Filter == geo.FilterRemote {
			s += ", chỉ xã vùng sâu, vùng xa"
		}
		return s
	}
	if t.Filter == geo.FilterRemote {
		return "tỷ lệ dân số được phủ, chỉ xã vùng sâu, vùng xa"
	}
	return "tỷ lệ dân số được phủ"
}

func reportPageHTML(rd reportData, snap *api.Snapshot) ([]byte, error) {
	page := reportPage{
		CSS: template.CSS(reportCSS), AsOf: dateVI(rd.asOf), DataAsOf: dateVI(rd.dataAsOf),
		KnownAt: dateVI(rd.knownAt), Digest: rd.digest, CheckQuery: "/api/v1/report?as_of=" + rd.asOf + "&known_at=" + rd.knownAt,
		GeneratedAt: time.Now().UTC().Format("15:04 02/01/2006") + " (UTC)", BarWidth: reportBarWidth,
		Board: reportBoardOf(rd.board),
		ReachedRule: "Xã được tính là đạt khi tỷ lệ dân số được phủ của xã không thấp hơn ngưỡng của mục tiêu. " +
			"Số người còn thiếu của mục tiêu theo số xã là số dân chưa được phủ ở các xã cần phủ thêm.",
		PlanRule: "Nhóm xã cần phủ là nhóm ít xã nhất mà nếu được phủ sóng toàn bộ thì mục tiêu đạt, chọn lần lượt " +
			"(xã còn nhiều người chưa được phủ nhất trước, với mục tiêu theo dân số; xã ít người chưa được phủ nhất trước, với mục tiêu theo số xã).",
		MethodNote: "Phương pháp: dân số điều tra 2019 được phân bố trên lưới ô " + numberVI(snap.Result.Method.CellSizeM, 0) +
			" m " + populationVI(snap.Result.Method.Population) + "; một ô được phủ khi tâm ô nằm trong vùng phủ sóng đã đăng ký (" + snap.Result.Method.Name + "). " +
			"Dự báo: đường thẳng bình phương tối thiểu qua các số liệu của 3 năm gần nhất (ít nhất 3 mốc), tính từ giá trị mới nhất.",
	}
	if rd.demo {
		page.Notes = append(page.Notes, "Số liệu minh họa do Phủ Sóng tạo ra, không phải số liệu do doanh nghiệp báo cáo.")
	}
	for _, cm := range snap.Communes {
		if cm.Boundary == geo.BoundaryApproximate {
			page.Notes = append(page.Notes, "Ranh giới xã là hình gần đúng, không phải ranh giới chính thức.")
			break
		}
	}
	if snap.RemoteSet().Source == seed.RemoteApproximate {
		page.Notes = append(page.Notes, "Danh sách xã vùng sâu, vùng xa là ước tính theo mật độ dân số thấp nhất, không phải danh sách chính thức.")
	}
	for _, a := range rd.answers {
		t := a.Target
		rt := reportTarget{Layer: t.Layer, Title: t.TitleVI, Measure: measureVI(t), Value: percentVI(a.Current.Value),
			Goal: percentVI(t.Value), Colour: layerColours[t.Layer], Met: a.Current.Met,
			BarFill: svgNum(reportBarWidth * a.Current.Value), BarGoal: svgNum(math.Min(reportBarWidth-1, reportBarWidth*t.Value)),
			GapPeople: numberVI(a.Current.GapPeople, 0), GapCommunes: strconv.Itoa(a.Current.GapCommunes),
			Deadline: dateVI(t.Deadline), Forecast: a.Forecast.NoteVI}
		if !a.Current.Met && a.Forecast.Outcome == geo.OutcomeForecast && !a.Forecast.OnTrack {
			rt.Forecast += " (sau thời hạn)"
		}
		page.Targets = append(page.Targets, rt)
	}
	page.Chart = trendChart(rd.answers)
	for _, g := range rd.gaps {
		rg := reportGaps{Title: layerTitleVI(g.target.Layer) + ": " + g.target.TitleVI}
		inPlan := map[string]bool{}
		for _, pc := range g.plan.Communes {
			inPlan[pc.Code] = true
		}
		switch {
		case len(g.plan.Communes) == 0:
			rg.Plan = "Mục tiêu đã đạt."
		case g.plan.Meets:
			rg.Plan = fmt.Sprintf("Cần phủ sóng toàn bộ %d xã (thêm %s người) để đạt mục tiêu.", len(g.plan.Communes), numberVI(g.plan.PeopleAdded, 0))
		default:
			rg.Plan = fmt.Sprintf("Kể cả khi phủ sóng toàn bộ %d xã còn thiếu, mục tiêu vẫn chưa đạt.", len(g.plan.Communes))
		}
		for k, gap := range g.ranked {
			if k == reportGapRows {
				break
			}
			cm := snap.Communes[gap.Index]
			rg.Rows = append(rg.Rows, reportGapRow{Rank: k + 1, Name: cm.Name, District: cm.District, Population: numberVI(float64(gap.Population), 0),
				NotCovered: numberVI(gap.Uncovered, 0), Share: percentVI(gap.Share), Status: statusVI(gap.Status),
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

func svgNum(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// reportCSV writes the report's three tables one under the other, each
// with its header, separated by an empty line: targets, history, gaps.
// Text cells (titles, names, codes, notes) go through export.CSVText, so
// that a spreadsheet never runs one as a formula; numbers are written as
// numbers.
func reportCSV(rd reportData, snap *api.Snapshot) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	pct := func(v float64) string { return strconv.FormatFloat(math.Round(v*1e4)/100, 'f', -1, 64) }
	num := func(v float64) string { return strconv.FormatFloat(math.Round(v), 'f', 0, 64) }
	text := export.CSVText
	w.Write([]string{"Báo cáo tiến độ – số liệu tính đến ngày", rd.asOf, "hồ sơ mới nhất có hiệu lực từ", rd.dataAsOf,
		"theo hồ sơ đã nhận đến ngày", rd.knownAt, "mã kiểm tra số liệu", rd.digest})
	w.Write(nil)
	w.Write([]string{"Mã mục tiêu", "Mục tiêu", "Lĩnh vực", "Chỉ tiêu", "Giá trị (%)", "Mục tiêu (%)", "Đạt",
		"Còn thiếu (người)", "Còn thiếu (xã)", "Thời hạn", "Dự báo", "Ngày dự báo đạt"})
	for _, a := range rd.answers {
		met := "không"
		if a.Current.Met {
			met = "có"
		}
		w.Write([]string{strconv.FormatInt(a.ID, 10), text(a.TitleVI), text(layerTitleVI(a.Layer)), text(measureVI(a.Target)), pct(a.Current.Value), pct(a.Value), met,
			num(a.Current.GapPeople), strconv.Itoa(a.Current.GapCommunes), a.Deadline, text(a.Forecast.NoteVI), a.Forecast.Date})
	}
	w.Write(nil)
	w.Write([]string{"Mã mục tiêu", "Ngày", "Giá trị (%)", "Đạt"})
	for _, a := range rd.answers {
		for _, h := range a.History {
			w.Write([]string{strconv.FormatInt(a.ID, 10), h.Date, pct(h.Value), strconv.FormatBool(h.Met)})
		}
	}
	w.Write(nil)
	w.Write([]string{"Mã mục tiêu", "Hạng", "Mã xã", "Tên xã", "Huyện", "Dân số", "Chưa được phủ (người)", "Tỷ lệ phủ (%)",
		"Trạng thái", "Vùng sâu, vùng xa", "Trong nhóm cần phủ"})
	for _, g := range rd.gaps {
		inPlan := map[string]bool{}
		for _, pc := range g.plan.Communes {
			inPlan[pc.Code] = true
		}
		for k, gap := range g.ranked {
			cm := snap.Communes[gap.Index]
			w.Write([]string{strconv.FormatInt(g.target.ID, 10), strconv.Itoa(k + 1), text(gap.Code), text(cm.Name), text(cm.District),
				strconv.Itoa(gap.Population), num(gap.Uncovered), pct(gap.Share), statusVI(gap.Status),
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

// populationVI says in Vietnamese how people are placed within communes.
func populationVI(method string) string {
	switch {
	case method == "even":
		return "đều trong mỗi xã"
	case strings.HasPrefix(method, "grid-worldpop-"):
		return "theo mật độ dân cư của lưới WorldPop 2020 (" + method + "), tổng mỗi xã đúng bằng số dân điều tra"
	case strings.HasPrefix(method, "grid-"):
		return "theo mật độ của lưới dân số đã nhập (" + method + "), tổng mỗi xã đúng bằng số dân điều tra"
	}
	return "theo các điểm dân cư đã nhập, tổng mỗi xã đúng bằng số dân điều tra"
}
