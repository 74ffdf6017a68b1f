package rest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestReport_HTML(t *testing.T) {
	s := testServer(t)
	rec := get(t, s, "GET", "/api/v1/report")
	page := rec.Body.String()
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, want := range []string{`<html lang="vi">`, "Báo cáo tiến độ", "Băng rộng di động phủ sóng ít nhất 95% dân số",
		"100% số xã có điện thoại", "kể cả xã vùng sâu, vùng xa", "<polyline", "Các xã còn thiếu", "Số liệu minh họa",
		"không phải danh sách chính thức", "Chưa đạt"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report does not say %q", want)
		}
	}
	// Nothing runs and nothing is fetched: no script, no external resource,
	// and the one style is allowed by its hash. The one link is to the
	// same report in English.
	for _, banned := range []string{"<script", "src=", "http://", "https://", "url(", "@import", " style="} {
		if strings.Contains(strings.ToLower(page), banned) {
			t.Errorf("the report contains %q", banned)
		}
	}
	if links := regexp.MustCompile(`href="[^"]*"`).FindAllString(page, -1); len(links) != 1 || !strings.HasPrefix(links[0], `href="/api/v1/report?`) {
		t.Errorf("the report's links are %q, want the one to its English version", links)
	}
	if handler := regexp.MustCompile(`(?i)\son[a-z]+=`).FindString(page); handler != "" {
		t.Errorf("the report has an event handler: %q", handler)
	}
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(page)
	if style == nil {
		t.Fatal("no style")
	}
	h := sha256.Sum256([]byte(style[1]))
	csp := rec.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "'sha256-"+base64.StdEncoding.EncodeToString(h[:])+"'") {
		t.Fatalf("CSP %q does not allow exactly the page's style", csp)
	}
	if n := strings.Count(page, `class="bar"`); n != 4 {
		t.Fatalf("%d progress bars, want 4", n)
	}
}

func TestReport_CSVAndAsOf(t *testing.T) {
	s := testServer(t)
	rec := get(t, s, "GET", "/api/v1/report?format=csv&as_of=2021-01-01")
	body := rec.Body.Bytes()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "2021-01-01.csv") {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		t.Fatal("no UTF-8 byte-order mark")
	}
	r := csv.NewReader(bytes.NewReader(body[3:]))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var targets, history, gaps int
	section := ""
	for _, row := range rows {
		switch {
		case len(row) > 1 && row[0] == "Mã mục tiêu":
			section = row[1]
		case len(row) == 1 && row[0] == "":
			section = ""
		case section == "Mục tiêu":
			targets++
		case section == "Ngày":
			history++
			if row[1] > "2021-01-01" {
				t.Fatalf("history as of 2021-01-01 has %v", row)
			}
		case section == "Hạng":
			gaps++
		}
	}
	if rows[0][1] != "2021-01-01" || targets != 4 || history < 4*5 || gaps == 0 {
		t.Fatalf("first row %v; %d targets, %d history rows, %d gap rows", rows[0], targets, history, gaps)
	}
	for _, q := range []string{"?format=pdf", "?as_of=2021"} {
		if rec := get(t, s, "GET", "/api/v1/report"+q); rec.Code != 400 {
			t.Errorf("report%s: %d", q, rec.Code)
		}
	}
	old := get(t, s, "GET", "/api/v1/report?as_of=2017-01-01").Body.String()
	if !strings.Contains(old, "01/01/2017") || strings.Contains(old, "31/05/2026") {
		t.Fatal("the report as of 2017 does not say so, or shows later data")
	}
}

// The report's CSV writes a target's title and a commune's code, name and
// district, which come from an admin and from an imported file, so that a
// spreadsheet shows them and never runs them: a leading =, +, -, @, tab or
// carriage return gets a single quote (geo/export.CSVText). Numbers stay
// numbers.
func TestReport_CSVNeutralisesFormulas(t *testing.T) {
	s, store, _ := writableServer(t)
	ctx := context.Background()
	communes, err := store.Communes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	communes[0].Name, communes[0].District = `=HYPERLINK("http://evil.example","Xã")`, "@SUM(A1:A9)"
	if err := store.ReplaceCommunes(ctx, communes, nil); err != nil {
		t.Fatal(err)
	}
	admin, _ := adminAndProvider(t, store)
	title := "-1+1 mục tiêu"
	if rec := do(t, s, "POST", "/api/v1/targets", admin, `{"layer":"mobile","measure":"population","value":0.5,
		"deadline":"2030-12-31","title_vi":"`+title+`","title_en":"+target","source":"test"}`); rec.Code != 201 {
		t.Fatalf("target: %d %s", rec.Code, rec.Body)
	}
	if err := s.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	rec := get(t, s, "GET", "/api/v1/report?format=csv")
	r := csv.NewReader(bytes.NewReader(rec.Body.Bytes()[3:]))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if rec.Code != 200 || err != nil {
		t.Fatalf("%d %v", rec.Code, err)
	}
	var titles, names, districts bool
	for _, row := range rows {
		for i, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %d of %q starts a formula", i, row)
			}
		}
		titles = titles || slices.Contains(row, "'"+title)
		names = names || slices.Contains(row, "'"+communes[0].Name)
		districts = districts || slices.Contains(row, "'"+communes[0].District)
	}
	if !titles || !names || !districts {
		t.Fatalf("the title (%v), the name (%v) or the district (%v) is missing, quoted", titles, names, districts)
	}
}
