package rest

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/planar"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/api/apitest"
	"github.com/phusong/phusong/geo"
)

type whatIfBody struct {
	Layers  map[geo.Layer]api.LayerChange `json:"layers"`
	Targets []api.TargetChange            `json:"targets"`
	Items   int                           `json:"items"`
}

func postWhatIf(t *testing.T, s *Server, body string) *httptest.ResponseRecorder {
	t.Helper()
	return do(t, s, "POST", "/api/v1/whatif", "", body)
}

// uncoveredSite finds a commune nobody covers on the mobile layer and a
// circle about its point that lies inside it, so that a site there can
// change that commune only.
func uncoveredSite(t testing.TB, snap *api.Snapshot) (geo.Commune, float64) {
	t.Helper()
	figs := snap.Result.Layer(geo.Mobile).Breakdown(geo.KindAll).Communes
	for i, f := range figs {
		cm := snap.Communes[i]
		if f.Covered != 0 || f.Population == 0 {
			continue
		}
		for r := 2000.0; r >= 250; r /= 2 {
			inside := true
			for _, v := range geo.Circle(cm.Point, r)[0] {
				inside = inside && planar.MultiPolygonContains(cm.Geometry, v)
			}
			if inside {
				return cm, r
			}
		}
	}
	t.Fatal("no commune without mobile coverage and room for a site")
	return geo.Commune{}, 0
}

func TestWhatIf_SiteOverUncoveredCommune(t *testing.T) {
	s := testServer(t)
	snap, _ := s.core.Current()
	cm, r := uncoveredSite(t, snap)
	v0, _ := s.store.InputsVersion(context.Background())
	rec := postWhatIf(t, s, fmt.Sprintf(`{"sites":[{"lon":%v,"lat":%v,"radius_m":%v,"technology":"4G","provider":"viettel"}]}`, cm.Point[0], cm.Point[1], r))
	b := decodeAs[whatIfBody](t, rec, 200)
	mobile, ok := b.Layers[geo.Mobile]
	if !ok || len(mobile.Communes) != 1 || mobile.Communes[0].Code != cm.Code || !(mobile.Communes[0].Change > 0) {
		t.Fatalf("mobile changes %+v, want a gain in %s (%s) only", mobile.Communes, cm.Code, cm.Name)
	}
	gain := mobile.Communes[0].Change
	if math.Abs(mobile.Province.Change.Covered-gain) > 1e-6 || mobile.Province.After.Covered <= mobile.Province.Before.Covered {
		t.Fatalf("province change %+v, commune gain %v", mobile.Province.Change, gain)
	}
	districtGain := 0.0
	for _, d := range mobile.Districts {
		if d.Change.Covered != 0 && d.Before.Code != cm.DistrictCode {
			t.Fatalf("district %s changed", d.Before.Code)
		}
		districtGain += d.Change.Covered
	}
	if math.Abs(districtGain-gain) > 1e-6 {
		t.Fatalf("districts gain %v, commune %v", districtGain, gain)
	}
	// 4G counts as phone too: only the same commune may change there.
	for _, c := range b.Layers[geo.Phone].Communes {
		if c.Code != cm.Code {
			t.Fatalf("phone changed in %s", c.Code)
		}
	}
	if _, ok := b.Layers[geo.Broadband]; ok {
		t.Fatal("broadband listed though nothing changed there")
	}
	for _, tc := range b.Targets {
		if tc.Layer == geo.Mobile && !(tc.After.Value > tc.Before.Value) {
			t.Fatalf("mobile target %+v", tc)
		}
	}
	// Nothing is stored.
	if v, _ := s.store.InputsVersion(context.Background()); v != v0 {
		t.Fatal("the what-if changed the store")
	}
	if after, _ := s.core.Current(); after != snap {
		t.Fatal("the what-if changed the figures")
	}
}

func TestWhatIf_NoChangeAndPolygons(t *testing.T) {
	s := testServer(t)
	// A site far from the province changes nothing, and says so.
	b := decodeAs[whatIfBody](t, postWhatIf(t, s, `{"sites":[{"lon":0,"lat":0,"radius_m":1000,"technology":"5G"}]}`), 200)
	if m, ok := b.Layers[geo.Mobile]; !ok || len(m.Communes) != 0 || m.Province.Change.Covered != 0 {
		t.Fatalf("far away: %+v", b.Layers)
	}
	// A fibre polygon over a whole commune lifts its fixed broadband.
	snap, _ := s.core.Current()
	figs := snap.Result.Layer(geo.Broadband).Breakdown(geo.KindAll).Communes
	i := slices.IndexFunc(figs, func(f geo.CommuneFigure) bool { return f.Share < 0.5 && f.Population > 0 })
	bound := snap.Communes[i].Geometry.Bound()
	poly := fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%[1]v,%[2]v],[%[3]v,%[2]v],[%[3]v,%[4]v],[%[1]v,%[4]v],[%[1]v,%[2]v]]]}`,
		bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1])
	b = decodeAs[whatIfBody](t, postWhatIf(t, s, `{"polygons":[{"layer":"broadband","technology":"FTTH","geometry":`+poly+`}]}`), 200)
	bb := b.Layers[geo.Broadband]
	k := slices.IndexFunc(bb.Communes, func(c api.CommuneChange) bool { return c.Code == snap.Communes[i].Code })
	if k < 0 || bb.Communes[k].ShareAfter != 1 {
		t.Fatalf("fibre over %s: %+v", snap.Communes[i].Code, bb.Communes)
	}
}

func TestWhatIf_Validation(t *testing.T) {
	s := testServer(t)
	site := func(fields string) string { return `{"sites":[{` + fields + `}]}` }
	many := `{"sites":[` + strings.TrimSuffix(strings.Repeat(`{"lon":105,"lat":20,"radius_m":100,"technology":"4G"},`, 101), ",") + `]}`
	cases := []struct{ name, body string }{
		{"empty body", ``},
		{"no items", `{}`},
		{"unknown field", `{"sites":[],"colour":1}`},
		{"101 sites", many},
		{"missing lon", site(`"lat":20,"radius_m":100,"technology":"4G"`)},
		{"latitude 95", site(`"lon":105,"lat":95,"radius_m":100,"technology":"4G"`)},
		{"radius 5 m", site(`"lon":105,"lat":20,"radius_m":5,"technology":"4G"`)},
		{"radius 60 km", site(`"lon":105,"lat":20,"radius_m":60000,"technology":"4G"`)},
		{"unknown technology", site(`"lon":105,"lat":20,"radius_m":100,"technology":"6G"`)},
		{"fibre is not mobile", site(`"lon":105,"lat":20,"radius_m":100,"technology":"FTTH"`)},
		{"unknown layer", site(`"lon":105,"lat":20,"radius_m":100,"technology":"4G","layer":"tv"`)},
		{"bad provider", site(`"lon":105,"lat":20,"radius_m":100,"technology":"4G","provider":"Viettel Group"`)},
		{"broadcast without programme", site(`"lon":105,"lat":20,"radius_m":100,"technology":"FM","layer":"broadcast"`)},
		{"polygon not closed", `{"polygons":[{"technology":"4G","geometry":{"type":"Polygon","coordinates":[[[105,20],[105.1,20],[105.1,20.1],[105,20.1]]]}}]}`},
		{"polygon a point", `{"polygons":[{"technology":"4G","geometry":{"type":"Point","coordinates":[105,20]}}]}`},
		{"polygon out of range", `{"polygons":[{"technology":"4G","geometry":{"type":"Polygon","coordinates":[[[105,20],[205,20],[205,21],[105,20]]]}}]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := postWhatIf(t, s, c.body)
			if rec.Code != 400 || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%d %s: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
		})
	}
}

// BenchmarkWhatIf times a planner's what-if through the router on the
// default data (Hòa Bình): one 4G site of 3 km over the commune with the
// most people not covered. The goal is p95 ≤ 5 ms; it reports p50 and p95
// in ms.
func BenchmarkWhatIf(b *testing.B) {
	benchWhatIf(b, testServer(b))
}

// BenchmarkWhatIf_Vietnam is the same what-if on the national commune set
// (11,163 communes) with the national mobile scenario filed (121,087
// footprints), through the router. The goal is p95 ≤ 50 ms. Building the
// store takes about a minute and is not timed.
func BenchmarkWhatIf_Vietnam(b *testing.B) {
	dir := filepath.Dir(sharedData(b, "vietnam/communes_2013_pop2019.geojson"))
	store := apitest.NationalStore(b, filepath.Dir(dir))
	cfg := DefaultConfig()
	cfg.WritesPerPrincipal, cfg.ComputePerAddress, cfg.AuthFailuresPerAddress = RateLimit{}, RateLimit{}, RateLimit{}
	s := newTestServer(cfg, store, quietLog())
	if err := s.core.Recompute(context.Background()); err != nil {
		b.Fatal(err)
	}
	benchWhatIf(b, s)
}

func benchWhatIf(b *testing.B, s *Server) {
	snap, _ := s.core.Current()
	figs, _ := snap.FiguresAt("")
	worst := snap.Communes[geo.RankGaps(figs[geo.Mobile], nil)[0].Index]
	body := fmt.Sprintf(`{"sites":[{"lon":%v,"lat":%v,"radius_m":3000,"technology":"4G"}]}`, worst.Point[0], worst.Point[1])
	var took []time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/whatif", strings.NewReader(body)))
		took = append(took, time.Since(start))
		if rec.Code != 200 {
			b.Fatalf("%d: %s", rec.Code, rec.Body)
		}
	}
	slices.Sort(took)
	at := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.5), "ms-p50")
	b.ReportMetric(at(0.95), "ms-p95")
}
