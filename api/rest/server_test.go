package rest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/data/pgtest"
	"github.com/phusong/phusong/geo"
)

// seeded is one server on a seeded store, shared by the read-only tests of
// this file: seeding and the first recompute are the slow part.
var seeded struct {
	once sync.Once
	dir  string
	srv  *Server
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if seeded.srv != nil {
		seeded.srv.store.Close()
	}
	if seeded.dir != "" {
		os.RemoveAll(seeded.dir)
	}
	os.Exit(code)
}

func testServer(t testing.TB) *Server {
	t.Helper()
	seeded.once.Do(func() {
		dir, err := os.MkdirTemp("", "phusong-api")
		if err != nil {
			seeded.err = err
			return
		}
		seeded.dir = dir
		ctx := context.Background()
		path := filepath.Join(dir, "api.gpkg")
		if pgtest.Postgres() {
			// The cluster is thrown away after the tests: no drop.
			if path, _, err = pgtest.NewURL(); err != nil {
				seeded.err = err
				return
			}
		}
		store, err := data.Open(ctx, path)
		if err != nil {
			seeded.err = err
			return
		}
		if _, err := store.SeedDefault2019(ctx, true); err != nil {
			seeded.err = err
			return
		}
		cfg := DefaultConfig()
		// Benchmarks and tests send many computing requests at once; the
		// rate-limit test has a server of its own.
		cfg.WritesPerPrincipal, cfg.ComputePerAddress, cfg.AuthFailuresPerAddress = RateLimit{}, RateLimit{}, RateLimit{}
		seeded.srv = newTestServer(cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
		seeded.err = seeded.srv.core.Recompute(ctx)
	})
	if seeded.err != nil {
		t.Fatal(seeded.err)
	}
	return seeded.srv
}

func get(t *testing.T, s *Server, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

func TestRoutes_StatusAndContentType(t *testing.T) {
	s := testServer(t)
	cases := []struct {
		method, target string
		status         int
		contentType    string
	}{
		{"GET", "/healthz", 200, "application/json"},
		{"GET", "/api/v1/layers", 200, "application/json"},
		{"GET", "/api/v1/layers/mobile/communes", 200, "application/geo+json"},
		{"GET", "/api/v1/layers/broadcast/communes", 200, "application/geo+json"},
		{"GET", "/api/v1/layers/radio/communes", 404, "application/problem+json"},
		{"GET", "/api/v1/nothing", 404, "application/problem+json"},
		{"GET", "/api/v2/layers", 404, "application/problem+json"},
		{"POST", "/api/v1/layers", 405, "application/problem+json"},
		{"GET", "/api/v1/summary", 200, "application/json"},
		{"GET", "/api/v1/summary?layer=phone", 200, "application/json"},
		{"GET", "/api/v1/summary?layer=mobile&breakdown=provider", 200, "application/json"},
		{"GET", "/api/v1/summary?layer=mobile&breakdown=colour", 400, "application/problem+json"},
		{"GET", "/api/v1/summary?layer=tv", 400, "application/problem+json"},
		{"GET", "/", 200, "text/html"},
		{"GET", "/api/v1/config", 200, "application/json"},
		{"GET", "/api/v1/communes/04882", 200, "application/json"},
		{"GET", "/../../etc/passwd", 404, "application/problem+json"},
		{"GET", "/missing.png", 404, "application/problem+json"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.target, func(t *testing.T) {
			rec := get(t, s, c.method, c.target)
			if rec.Code != c.status || !strings.HasPrefix(rec.Header().Get("Content-Type"), c.contentType) {
				t.Fatalf("%d %q, want %d %q\n%s", rec.Code, rec.Header().Get("Content-Type"), c.status, c.contentType, rec.Body)
			}
			if c.contentType == "application/problem+json" {
				var p Problem
				if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != c.status || p.Detail == "" || p.Type == "" {
					t.Fatalf("problem document %s (%v)", rec.Body, err)
				}
			}
		})
	}
}

func TestLayerCommunes_FiguresAgreeWithSummary(t *testing.T) {
	s := testServer(t)
	var fc struct {
		Features []struct {
			Properties struct {
				Population        int     `json:"population"`
				PopulationCovered float64 `json:"population_covered"`
				Share             float64 `json:"share_covered"`
				Status            string  `json:"status"`
			} `json:"properties"`
		} `json:"features"`
		Method map[string]any `json:"method"`
	}
	if err := json.Unmarshal(get(t, s, "GET", "/api/v1/layers/mobile/communes").Body.Bytes(), &fc); err != nil {
		t.Fatal(err)
	}
	var sum struct {
		Province struct {
			Population int     `json:"population"`
			Covered    float64 `json:"covered"`
		} `json:"province"`
	}
	if err := json.Unmarshal(get(t, s, "GET", "/api/v1/summary?layer=mobile").Body.Bytes(), &sum); err != nil {
		t.Fatal(err)
	}
	pop, covered := 0, 0.0
	for _, f := range fc.Features {
		p := f.Properties
		pop += p.Population
		covered += p.PopulationCovered
		if p.Share < 0 || p.Share > 1 || p.PopulationCovered > float64(p.Population)+0.5 {
			t.Fatalf("impossible figures %+v", p)
		}
	}
	if pop != 854131 || sum.Province.Population != pop {
		t.Fatalf("populations: layer %d, summary %d, want 854,131", pop, sum.Province.Population)
	}
	// The layer rounds each commune to whole people.
	if d := covered - sum.Province.Covered; d > 210 || d < -210 {
		t.Fatalf("covered: layer %.0f, summary %.0f", covered, sum.Province.Covered)
	}
	if len(fc.Method) == 0 {
		t.Fatal("the layer does not state its method")
	}
}

func TestLayerCommunes_Breakdown(t *testing.T) {
	s := testServer(t)
	type fc struct {
		Breakdown      string `json:"breakdown"`
		BreakdownValue string `json:"breakdown_value"`
		Features       []struct {
			Properties struct {
				Code              string  `json:"code"`
				PopulationCovered float64 `json:"population_covered"`
				Share             float64 `json:"share_covered"`
			} `json:"properties"`
		} `json:"features"`
	}
	read := func(target string) fc {
		t.Helper()
		rec := get(t, s, "GET", target)
		var out fc
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
			t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
		}
		return out
	}
	all := read("/api/v1/layers/mobile/communes")
	if all.Breakdown != "all" {
		t.Fatalf("breakdown %q, want all", all.Breakdown)
	}
	snap, _ := s.core.Current()
	lr := snap.Result.Layer("mobile")
	for _, key := range []string{"provider:viettel", "technology:4G", "largest", "multi"} {
		t.Run(key, func(t *testing.T) {
			want := lr.Breakdown(key)
			if want == nil {
				t.Fatalf("the demonstration data has no breakdown %s", key)
			}
			got := read("/api/v1/layers/mobile/communes?breakdown=" + key)
			if got.Breakdown != key || got.BreakdownValue != want.Value || len(got.Features) != len(want.Communes) {
				t.Fatalf("breakdown %q value %q, %d features", got.Breakdown, got.BreakdownValue, len(got.Features))
			}
			differs := false
			for i, f := range got.Features {
				w := want.Communes[i]
				if f.Properties.Code != w.Code || f.Properties.PopulationCovered != math.Round(w.Covered) || f.Properties.Share != round4(w.Share) {
					t.Fatalf("commune %s: %+v, calculator %+v", w.Code, f.Properties, w)
				}
				differs = differs || f.Properties.PopulationCovered != all.Features[i].Properties.PopulationCovered
			}
			if !differs && key != "largest" {
				t.Fatalf("%s equals the union of all providers in every commune", key)
			}
		})
	}
	for _, bad := range []string{"provider:nobody", "programme:local", "colour", strings.Repeat("x", 300)} {
		t.Run("bad "+bad[:min(len(bad), 20)], func(t *testing.T) {
			rec := get(t, s, "GET", "/api/v1/layers/mobile/communes?breakdown="+bad)
			if rec.Code != 400 || rec.Header().Get("Content-Type") != "application/problem+json" ||
				!strings.Contains(rec.Body.String(), "provider:viettel") {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
		})
	}
}

func TestCommune_Card(t *testing.T) {
	s := testServer(t)
	snap, _ := s.core.Current()
	cm := snap.Communes[7]
	rec := get(t, s, "GET", "/api/v1/communes/"+cm.Code)
	var card communeCard
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &card) != nil {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if card.Code != cm.Code || card.Name != cm.Name || card.District != cm.District || card.Population != cm.Population ||
		card.Boundary != cm.Boundary || card.Boundary == geo.BoundaryApproximate || card.BoundaryNote != "" || len(card.Layers) != 4 {
		t.Fatalf("card %+v", card)
	}
	for i, l := range card.Layers {
		lr := snap.Result.Layer(l.Layer)
		if l.Layer != geo.Layers[i] || l.PopulationCovered != math.Round(lr.Breakdown("all").Communes[7].Covered) {
			t.Fatalf("layer %d: %+v", i, l)
		}
		if len(l.Breakdowns) != len(lr.Breakdowns)-1 {
			t.Fatalf("%s: %d breakdowns, want %d", l.Layer, len(l.Breakdowns), len(lr.Breakdowns)-1)
		}
		for _, b := range l.Breakdowns {
			if want := lr.Breakdown(b.Key).Communes[7]; b.ShareCovered != round4(want.Share) || b.Status != want.Status {
				t.Fatalf("%s %s: %+v, calculator %+v", l.Layer, b.Key, b, want)
			}
		}
	}
	for target, status := range map[string]int{
		"/api/v1/communes/99999":                      404,
		"/api/v1/communes/" + strings.Repeat("0", 40): 400,
	} {
		if rec := get(t, s, "GET", target); rec.Code != status || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
		}
	}
}

// newTestServer is the HTTP adapter over a real core on store, or over a
// core that has computed nothing (notReady) when store is nil.
func newTestServer(cfg Config, store *data.Store, log *slog.Logger) *Server {
	if store == nil {
		return New(cfg, notReady{}, nil, log)
	}
	return New(cfg, api.New(cfg.Core, store, log), store, log)
}

// notReady is a Core that has published no figures yet: every figure is
// api.ErrNotReady. The handlers that need no figures (static files, the
// page's settings) are tested over it, and so is the 503 of the others.
type notReady struct{}

func (notReady) Current() (*api.Snapshot, error)     { return nil, api.ErrNotReady }
func (notReady) Recompute(ctx context.Context) error { return api.ErrNotReady }
func (notReady) Lineage(context.Context, *api.Snapshot, int) (api.Lineage, error) {
	return api.Lineage{}, api.ErrNotReady
}
func (notReady) PeopleOn(context.Context, *api.Snapshot, int) (int, error) { return 0, api.ErrNotReady }
func (notReady) FiguresUnits(context.Context, string, string, string) (*api.Figures, error) {
	return nil, api.ErrNotReady
}
func (notReady) View(context.Context, *api.Snapshot, string, string) (*api.Snapshot, error) {
	return nil, api.ErrNotReady
}
func (notReady) FiguresOn(context.Context, string) (*api.Figures, error) {
	return nil, api.ErrNotReady
}
func (notReady) ResultAt(context.Context, *api.Snapshot, string) (*geo.Result, string, error) {
	return nil, "", api.ErrNotReady
}
func (notReady) ResultKnown(context.Context, *api.Snapshot, string, string) (*geo.Result, string, error) {
	return nil, "", api.ErrNotReady
}
func (notReady) WhatIf(context.Context, *api.WhatIfRequest) (*api.WhatIfAnswer, error) {
	return nil, api.ErrNotReady
}
func (notReady) DryRun(context.Context, *api.Snapshot, data.Filing) (api.DryRunResult, error) {
	return api.DryRunResult{}, api.ErrNotReady
}
func (notReady) ExportBreakdown(context.Context, io.Writer, geo.Layer, string, string, string, string, string, string) (string, error) {
	return "", api.ErrNotReady
}
func (notReady) Changes(context.Context, string, int) ([]data.FigureChange, error) {
	return nil, api.ErrNotReady
}

// Before the core has published figures, every figure is a 503 problem
// that says to try again, and the page's settings still answer.
func TestServer_NotReadyIs503(t *testing.T) {
	s := newTestServer(DefaultConfig(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, target := range []string{"/api/v1/summary", "/api/v1/layers/mobile/communes", "/api/v1/targets",
		"/api/v1/gaps?layer=mobile", "/api/v1/export/mobile.csv", "/ogc/collections/mobile/items", "/tiles/mobile/0/0/0.mvt"} {
		rec := get(t, s, http.MethodGet, target)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s, want a 503 problem: %s", target, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
	if rec := get(t, s, http.MethodGet, "/api/v1/config"); rec.Code != http.StatusOK {
		t.Errorf("/api/v1/config: %d, want 200", rec.Code)
	}
}
