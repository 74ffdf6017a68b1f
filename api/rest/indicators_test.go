package rest

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/phusong/phusong/api"
)

// postCSV sends body as text/csv with token.
func postCSV(t *testing.T, s *Server, target, token, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("POST", target, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/csv; charset=utf-8")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

type problemsBody struct {
	Status   int                `json:"status"`
	Problems []api.ValueProblem `json:"problems"`
}

// The acceptance, over HTTP: create an entered indicator, enter
// values as value and as numerator/denominator per commune, the roll-up is
// Σnumerators/Σdenominators, a correction supersedes without deleting,
// as_of tells the values as they stood, and a bad CSV lists every problem
// and stores nothing.
func TestIndicators_Acceptance(t *testing.T) {
	s, store, _ := writableServer(t)
	ctx := context.Background()
	admin, provider := adminAndProvider(t, store)
	snap, _ := s.core.Current()
	c1, c2 := snap.Communes[0].Code, snap.Communes[1].Code

	create := `{"id":"households-internet","title_vi":"Hộ gia đình có Internet","title_en":"Households with internet",
		"unit":"percent","direction":"higher","target":60,"deadline":"2025-12-31",
		"resolution":{"number":"05-NQ/TU","date":"2011-12-23","title":"x"},"territory":"17","note":"test","order":13}`
	for _, c := range []struct {
		name, token, body string
		status            int
	}{
		{"no token", "", create, 401},
		{"provider", provider, create, 403},
		{"bad unit", admin, strings.Replace(create, `"percent"`, `"kg"`, 1), 400},
		{"unknown field", admin, `{"id":"x","colour":"red"}`, 400},
		{"create", admin, create, 201},
		{"again", admin, create, 409},
	} {
		t.Run(c.name, func(t *testing.T) {
			if rec := do(t, s, "POST", "/api/v1/indicators", c.token, c.body); rec.Code != c.status {
				t.Fatalf("%d, want %d: %s", rec.Code, c.status, rec.Body)
			}
		})
	}

	values := fmt.Sprintf(`{"values":[
		{"as_of":"2024-12-31","unit_code":%q,"numerator":300,"denominator":1000,"source":"khảo sát 2024"},
		{"as_of":"2024-12-31","unit_code":%q,"numerator":1400,"denominator":2000,"source":"khảo sát 2024"},
		{"as_of":"2025-06-30","unit_code":%q,"numerator":1800,"denominator":2000,"source":"khảo sát 2025"}]}`, c1, c2, c2)
	stored := decodeAs[valuesAnswer](t, do(t, s, "POST", "/api/v1/indicators/households-internet/values", admin, values), 201).Values
	if len(stored) != 3 || math.Abs(stored[0].Value-30) > 1e-9 || stored[0].EnteredBy != "admin" {
		t.Fatalf("stored %+v", stored)
	}
	// A value for the territory as a whole, on another indicator.
	if rec := do(t, s, "POST", "/api/v1/indicators/pci-transparency/values", admin,
		`{"values":[{"as_of":"2016-12-31","value":6.5,"source":"PCI 2016"}]}`); rec.Code != 201 {
		t.Fatalf("a value: %d %s", rec.Code, rec.Body)
	}
	board := func(q string) api.Board {
		return decodeAs[api.Board](t, get(t, s, "GET", "/api/v1/indicators"+q), 200)
	}
	entry := func(b api.Board, id string) api.IndicatorEntry {
		for _, e := range b.Indicators {
			if e.ID == id {
				return e
			}
		}
		t.Fatalf("no %s on the board of %s", id, b.AsOf)
		return api.IndicatorEntry{}
	}
	e := entry(board(""), "households-internet")
	if e.Latest == nil || math.Abs(e.Latest.Value-(300+1800)/3000.0*100) > 1e-9 || e.Latest.Units != 2 || !*e.Met ||
		*e.Latest.Numerator != 2100 || *e.Latest.Denominator != 3000 || len(e.Trend) != 2 || !e.PerUnit {
		t.Fatalf("the roll-up is Σnum/Σden: %+v, trend %+v", e.Latest, e.Trend)
	}
	if pci := entry(board(""), "pci-transparency"); pci.Latest.Value != 6.5 || len(pci.Trend) != 5 {
		t.Fatalf("PCI: %+v", pci.Latest)
	}

	// A correction of 2024's first commune: a new row; the old one stays,
	// superseded.
	corr := fmt.Sprintf(`{"values":[{"as_of":"2024-12-31","unit_code":%q,"numerator":500,"denominator":1000,
		"source":"báo cáo sửa","corrects":%d}]}`, c1, stored[0].ID)
	if rec := do(t, s, "POST", "/api/v1/indicators/households-internet/values", admin, corr); rec.Code != 201 {
		t.Fatalf("correction: %d %s", rec.Code, rec.Body)
	}
	det := decodeAs[api.IndicatorDetail](t, get(t, s, "GET", "/api/v1/indicators/households-internet?as_of=2024-12-31"), 200)
	if len(det.Values) != 4 || det.Values[0].Superseded || !det.Values[3].Superseded || det.Values[3].ID != stored[0].ID {
		t.Fatalf("rows: %+v", det.Values)
	}
	if math.Abs(det.Latest.Value-(500+1400)/3000.0*100) > 1e-9 || det.Latest.AsOf != "2024-12-31" || !*det.Met {
		t.Fatalf("as_of 2024-12-31 after the correction: %+v", det.Latest)
	}
	if len(det.Units) != 2 || det.Units[0].Name == "" || det.Units[1].AsOf != "2024-12-31" {
		t.Fatalf("units: %+v", det.Units)
	}
	// as_of tells the values as they stood then.
	if e := entry(board("?as_of=2024-06-30"), "households-internet"); e.Latest != nil || e.Met != nil {
		t.Fatalf("before any value: %+v", e.Latest)
	}
	if b := board("?as_of=2015-12-31"); entry(b, "pci-transparency").Latest.Value != 6.32 || b.AsOf != "2015-12-31" {
		t.Fatalf("2015: %+v", entry(b, "pci-transparency").Latest)
	}

	// A bad CSV: every problem listed, by line, and nothing stored.
	before, _ := store.IndicatorValues(ctx, "")
	bad := "\ufeffchỉ tiêu;ngày;mã đơn vị;giá trị;tử số;mẫu số;nguồn\n" +
		"households-internet;31/12/2025;" + c1 + ";;40;100;khảo sát\n" + // fine
		"no-such-indicator;2025-12-31;;1;;;x\n" + // 3: unknown indicator
		"households-internet;2025-12-31;" + c2 + ";abc;;;x\n" + // 4: bad number
		"households-internet;2025-31-12;" + c2 + ";5;;;x\n" + // 5: bad date
		"households-internet;2025-12-31;99999;5;;;x\n" + // 6: unknown commune
		"households-internet;2025-12-31;" + c1 + ";41,5;;;x\n" // 7: duplicate of line 2
	rec := postCSV(t, s, "/api/v1/indicators/import", admin, bad)
	pb := decodeAs[problemsBody](t, rec, 400)
	var got []string
	for _, p := range pb.Problems {
		got = append(got, fmt.Sprintf("%d:%s", p.Index, p.Code))
	}
	if want := "3:unknown_indicator 4:bad_number 5:bad_date 6:unknown_unit 7:duplicate_row"; strings.Join(got, " ") != want {
		t.Fatalf("problems %v, want %s: %s", got, want, rec.Body)
	}
	if after, _ := store.IndicatorValues(ctx, ""); len(after) != len(before) {
		t.Fatalf("%d rows after a refused file, want %d", len(after), len(before))
	}
	// The same file without its bad lines is stored whole.
	good := strings.Join(strings.Split(bad, "\n")[:2], "\n") + "\n"
	if vals := decodeAs[valuesAnswer](t, postCSV(t, s, "/api/v1/indicators/import", admin, good), 201).Values; len(vals) != 1 ||
		vals[0].AsOf != "2025-12-31" || vals[0].Value != 40 {
		t.Fatalf("good file: %+v", vals)
	}
	if rec := do(t, s, "POST", "/api/v1/indicators/import", admin, "{}"); rec.Code != 415 {
		t.Fatalf("JSON to the import: %d", rec.Code)
	}

	// Retire: it leaves the board and stays listed with ?retired=true.
	if rec := do(t, s, "POST", "/api/v1/indicators/households-internet/retire", admin, ""); rec.Code != 200 {
		t.Fatalf("retire: %d %s", rec.Code, rec.Body)
	}
	if rec := do(t, s, "POST", "/api/v1/indicators/households-internet/retire", admin, ""); rec.Code != 409 {
		t.Fatalf("retire twice: %d", rec.Code)
	}
	if b := board(""); b.Total != 12 {
		t.Fatalf("%d on the board after retiring, want 12", b.Total)
	}
	if b := board("?retired=true"); b.Total != 13 || entry(b, "households-internet").RetiredAt == "" {
		t.Fatalf("with retired: %d", b.Total)
	}
	if rec := get(t, s, "GET", "/api/v1/indicators/nobody"); rec.Code != 404 {
		t.Fatalf("unknown indicator: %d", rec.Code)
	}
	entries, _ := store.Audit(ctx, 20)
	var actions []string
	for _, e := range entries {
		if strings.HasPrefix(e.Action, "indicator.") {
			actions = append(actions, e.Action)
		}
	}
	if strings.Join(actions, ",") != "indicator.retire,indicator.import,indicator.values,indicator.values,indicator.values,indicator.create" {
		t.Fatalf("audit: %v", actions)
	}
}

// The default board of a new database: the resolution's 12 named
// indicators, the article's PCI figures, and its met count on the article's
// review date and today.
func TestIndicators_DefaultBoard(t *testing.T) {
	s := testServer(t)
	b := decodeAs[api.Board](t, get(t, s, "GET", "/api/v1/indicators?as_of=2015-12-31"), 200)
	if b.Total != 12 || b.WithData != 1 || b.Met != 0 || len(b.Resolutions) != 1 || b.Resolutions[0].Number != "05-NQ/TU" {
		t.Fatalf("2015: %+v", b)
	}
	now := decodeAs[api.Board](t, get(t, s, "GET", "/api/v1/indicators"), 200)
	if now.WithData != 5 || now.Total != 12 || now.HeadlineEN != fmt.Sprintf("%d of 12 indicators met or exceeded", now.Met) {
		t.Fatalf("today: with data %d, %q", now.WithData, now.HeadlineEN)
	}
	if rec := get(t, s, "GET", "/api/v1/indicators?as_of=2999-01-01"); rec.Code != 400 {
		t.Fatalf("a future as_of: %d", rec.Code)
	}
}
