package rest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/data/pgtest"
	"github.com/phusong/phusong/geo"
)

// twoProvinces serves a national store in miniature: communes P1, P2 in
// Phú Thọ (25) and H1 in Hòa Bình (17), half of P1 covered by mobile.
func twoProvinces(t *testing.T) (*Server, *data.Store) {
	t.Helper()
	ctx := context.Background()
	store, err := data.Open(ctx, pgtest.Path(t, t.TempDir(), "nation.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	var cs []geo.Commune
	for i, c := range []struct{ code, province string }{{"P1", "25"}, {"P2", "25"}, {"H1", "17"}} {
		x := 105 + 0.02*float64(i)
		cs = append(cs, geo.Commune{Code: c.code, Name: "Xã " + c.code, Type: "xã", ProvinceCode: c.province,
			Province: geo.ProvinceName(c.province), Population: 1000 * (i + 1), Point: orb.Point{x + 0.005, 20.005}, AreaKm2: 1,
			Boundary: "test", Geometry: orb.MultiPolygon{{{{x, 20}, {x + 0.01, 20}, {x + 0.01, 20.01}, {x, 20.01}, {x, 20}}}}})
	}
	if err := store.ReplaceCommunes(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddFilings(ctx, []data.Filing{{Provider: "vnpt", Layer: geo.Mobile, AsOf: "2024-01-01",
		Declarations: []geo.Declaration{{CommuneCode: "P1", Technology: "4G", Share: 0.5}}}}); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(DefaultConfig(), store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := s.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	return s, store
}

// A province's admin token changes its province's targets and remote
// communes only: 403 on another province's or the nation's, and on the
// routes of the whole store's admin. Targets of a territory count only its
// communes, and the summary sums one province.
func TestProvinceAdmin_OnlyItsTerritory(t *testing.T) {
	s, store := twoProvinces(t)
	ctx := context.Background()
	nation, _ := store.NewAdminToken(ctx, "test")
	phutho, err := store.NewProvinceAdminToken(ctx, "25", "test")
	if err != nil {
		t.Fatal(err)
	}
	hoabinh, _ := store.NewProvinceAdminToken(ctx, "17", "test")
	if _, err := store.NewProvinceAdminToken(ctx, "99", "test"); err == nil || !strings.Contains(err.Error(), "province") {
		t.Fatalf("a token for a province without units: %v", err)
	}

	// Phú Thọ's admin adds a target: its territory is Phú Thọ.
	body := `{"layer":"mobile","measure":"population","value":0.5,"deadline":"2030-12-31","title_vi":"PT","title_en":"PT"}`
	type answer struct {
		Target struct {
			ID        int64  `json:"id"`
			Territory string `json:"territory"`
			Current   struct {
				Numerator, Denominator float64
			} `json:"current"`
		} `json:"target"`
	}
	a := decodeAs[answer](t, do(t, s, "POST", "/api/v1/targets", phutho, body), http.StatusCreated)
	if a.Target.Territory != "25" || a.Target.Current.Denominator != 3000 || a.Target.Current.Numerator != 500 {
		t.Fatalf("Phú Thọ's target: %+v; want territory 25, 500 of Phú Thọ's 3,000 people", a.Target)
	}
	own := "/api/v1/targets/" + strconv.FormatInt(a.Target.ID, 10)

	for _, c := range []struct {
		name, method, target, token, body string
		status                            int
		says                              string
	}{
		{"the nation's target", "PATCH", "/api/v1/targets/1", phutho, `{"value":0.9}`, 403, "whole store"},
		{"retire the nation's", "DELETE", "/api/v1/targets/1", phutho, "", 403, "whole store"},
		{"another province's", "PATCH", own, hoabinh, `{"value":0.9}`, 403, "province 25 (Phú Thọ)"},
		{"a target of another province", "POST", "/api/v1/targets", phutho,
			strings.Replace(body, `"layer"`, `"territory":"17","layer"`, 1), 403, "province 17"},
		{"moving its target out", "PATCH", own, phutho, `{"territory":"17"}`, 403, "province 17"},
		{"providers", "GET", "/api/v1/providers", phutho, "", 403, "only that province's targets"},
		{"the audit log", "GET", "/api/v1/audit", phutho, "", 403, "only that province's targets"},
		{"another province's commune", "PUT", "/api/v1/remote-communes/H1", phutho, `{"remote":true}`, 403, "commune H1 is in province 17"},
		{"its own target", "PATCH", own, phutho, `{"value":0.9}`, 200, ""},
		{"its own commune", "PUT", "/api/v1/remote-communes/P2", phutho, `{"remote":true}`, 200, ""},
		{"the nation's admin, anywhere", "PATCH", own, nation, `{"deadline":"2029-12-31"}`, 200, ""},
		{"a territory that is no province", "POST", "/api/v1/targets", nation,
			strings.Replace(body, `"layer"`, `"territory":"99","layer"`, 1), 400, "territory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := do(t, s, c.method, c.target, c.token, c.body)
			if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.says) {
				t.Fatalf("%s %s: %d %s; want %d saying %q", c.method, c.target, rec.Code, rec.Body, c.status, c.says)
			}
		})
	}
	// The nation's target is as it was.
	ts, err := store.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ts[0].Value != 0.95 || ts[0].RetiredAt != "" {
		t.Fatalf("the nation's target changed: %+v", ts[0])
	}

	// The summary of one province, and a province with no units.
	type summary struct {
		Province geo.Rollup `json:"province"`
	}
	sum := decodeAs[summary](t, do(t, s, "GET", "/api/v1/summary?layer=mobile&province=25", "", ""), 200)
	if sum.Province.Population != 3000 || sum.Province.Covered != 500 {
		t.Fatalf("summary of Phú Thọ: %+v; want 500 of 3,000", sum.Province)
	}
	all := decodeAs[summary](t, do(t, s, "GET", "/api/v1/summary?layer=mobile", "", ""), 200)
	if all.Province.Population != 6000 {
		t.Fatalf("summary of the nation: %+v; want 6,000 people", all.Province)
	}
	type provinces struct {
		Provinces []struct {
			Code     string     `json:"code"`
			Name     string     `json:"name"`
			Communes int        `json:"communes"`
			People   int        `json:"people"`
			BBox     [4]float64 `json:"bbox"`
		} `json:"provinces"`
	}
	ps := decodeAs[provinces](t, do(t, s, "GET", "/api/v1/provinces", "", ""), 200).Provinces
	if len(ps) != 2 || ps[0].Code != "17" || ps[0].Name != "Hòa Bình" || ps[0].Communes != 1 || ps[0].People != 3000 ||
		ps[1].Code != "25" || ps[1].Communes != 2 || ps[1].People != 3000 || ps[1].BBox != [4]float64{105, 20, 105.03, 20.01} {
		t.Fatalf("provinces: %+v", ps)
	}
	if rec := do(t, s, "GET", "/api/v1/summary?province=99", "", ""); rec.Code != 400 || !strings.Contains(rec.Body.String(), "17 (Hòa Bình), 25 (Phú Thọ)") {
		t.Fatalf("summary of province 99: %d %s", rec.Code, rec.Body)
	}
}

// The report of one province holds that province's targets and the
// national ones, its gap tables that province's communes only, and says
// so; its check code differs from the whole store's, and its check address
// names the province. An unknown province is refused.
func TestReport_PerProvince(t *testing.T) {
	s, store := twoProvinces(t)
	ctx := context.Background()
	nation, _ := store.NewAdminToken(ctx, "test")
	for _, p := range []string{"25", "17"} {
		body := `{"territory":"` + p + `","layer":"phone","measure":"communes","threshold":0.5,"value":1,"deadline":"2030-12-31","title_vi":"Mục tiêu ` + p + `","title_en":"Target ` + p + `"}`
		if rec := do(t, s, "POST", "/api/v1/targets", nation, body); rec.Code != http.StatusCreated {
			t.Fatalf("target of %s: %d %s", p, rec.Code, rec.Body)
		}
	}
	target := 70.0
	if _, err := store.AddIndicator(ctx, data.Indicator{ID: "internet-users", TitleVI: "Tỷ lệ người dùng Internet", TitleEN: "Internet users",
		Unit: "percent", Direction: "higher", Target: &target, Deadline: "2030-12-31", Territory: "17", Kind: data.KindEntered,
		Resolution: data.Resolution{Number: "01-NQ/TEST", Date: "2021-01-02", Title: "Thử"}}, "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	get := func(target string) string {
		t.Helper()
		rec := do(t, s, "GET", target, "", "")
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
		return rec.Body.String()
	}

	csv := get("/api/v1/report?format=csv&lang=en&province=25")
	first, _, _ := strings.Cut(csv, "\n")
	if !strings.HasSuffix(strings.TrimSpace(first), "Scope,25 Phú Thọ") {
		t.Fatalf("CSV's first row %q: want it to end with the scope, 25 Phú Thọ", first)
	}
	if !strings.Contains(csv, "Target 25 (Phú Thọ)") || strings.Contains(csv, "Target 17") || !strings.Contains(csv, "(whole country)") {
		t.Fatalf("CSV of Phú Thọ: want its target and the national ones, not Hòa Bình's:\n%s", csv)
	}
	_, gaps, _ := strings.Cut(csv, "In the set to cover")
	if strings.Contains(gaps, ",H1,") || !strings.Contains(gaps, ",P2,") {
		t.Fatalf("gap rows of Phú Thọ's report: want P2 and never Hòa Bình's H1:\n%s", gaps)
	}
	if whole := get("/api/v1/report?format=csv&lang=en"); !strings.Contains(whole, ",H1,") || !strings.Contains(whole, "Target 17 (Hòa Bình)") {
		t.Fatalf("the whole store's report: want Hòa Bình's target and commune:\n%s", whole)
	}

	page := get("/api/v1/report?province=25")
	if strings.Contains(page, `class="indicators"`) || !strings.Contains(page, `id="no-indicators"`) {
		t.Fatalf("Phú Thọ's page: the one indicator is Hòa Bình's; want none shown, and said:\n%s", page)
	}
	if !strings.Contains(page, `id="scope">Phạm vi: <strong>Phú Thọ (25)</strong>`) || !strings.Contains(page, "&amp;province=25") {
		t.Fatalf("Phú Thọ's page: want its scope and a check address naming the province:\n%s", page)
	}
	digest := func(page string) string {
		_, after, _ := strings.Cut(page, "Mã kiểm tra số liệu: <strong>")
		code, _, _ := strings.Cut(after, "<")
		return code
	}
	if !strings.Contains(get("/api/v1/report?province=17"), `class="indicators"`) {
		t.Fatal("Hòa Bình's page: want its indicator")
	}
	if d25, dAll := digest(page), digest(get("/api/v1/report")); d25 == "" || d25 == dAll {
		t.Fatalf("check codes: Phú Thọ's %q, the whole store's %q; want two different codes", d25, dAll)
	}
	// The indicators' board of one province: that province's only.
	for province, want := range map[string]int{"25": 0, "17": 1, "": 1} {
		var board struct {
			Total      int `json:"total"`
			Indicators []struct {
				ID string `json:"id"`
			} `json:"indicators"`
		}
		rec := do(t, s, "GET", "/api/v1/indicators?province="+province, "", "")
		if err := json.Unmarshal(rec.Body.Bytes(), &board); rec.Code != 200 || err != nil || board.Total != want || len(board.Indicators) != want {
			t.Fatalf("indicators of province %q: %d %s; want %d indicator(s)", province, rec.Code, rec.Body, want)
		}
	}
	if rec := do(t, s, "GET", "/api/v1/indicators?province=99", "", ""); rec.Code != 400 || !strings.Contains(rec.Body.String(), "17 (Hòa Bình), 25 (Phú Thọ)") {
		t.Fatalf("indicators of province 99: %d %s", rec.Code, rec.Body)
	}
	if rec := do(t, s, "GET", "/api/v1/report?province=99", "", ""); rec.Code != 400 || !strings.Contains(rec.Body.String(), "17 (Hòa Bình), 25 (Phú Thọ)") {
		t.Fatalf("report of province 99: %d %s", rec.Code, rec.Body)
	}
}
