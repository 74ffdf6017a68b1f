package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/phusong/phusong/data"
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
		store, err := data.Open(ctx, filepath.Join(dir, "api.gpkg"))
		if err != nil {
			seeded.err = err
			return
		}
		if _, err := store.SeedDefault(ctx, true); err != nil {
			seeded.err = err
			return
		}
		seeded.srv = New(DefaultConfig(), store, slog.New(slog.NewTextHandler(io.Discard, nil)))
		seeded.err = seeded.srv.Recompute(ctx)
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
		{"GET", "/app.js", 200, "text/javascript"},
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
