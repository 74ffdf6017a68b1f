package rest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// storeState is what must not change when a filing is rejected: the
// filings, the audit log and the calculator's inputs.
func storeState(t *testing.T, store *data.Store) string {
	t.Helper()
	ctx := context.Background()
	fs, err := store.Filings(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	audit, err := store.Audit(ctx, 10000)
	if err != nil {
		t.Fatal(err)
	}
	v, err := store.InputsVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fps, decls, err := store.InForce(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d filings, %d audit entries, inputs %s, %d footprints, %d declarations in force",
		len(fs), len(audit), v, len(fps), len(decls))
}

// TestFilings_BrokenCatalogue submits every broken filing of
// testdata/filings over a real socket and checks the status, the problem
// codes and that nothing was stored.
func TestFilings_BrokenCatalogue(t *testing.T) {
	s, store, _ := writableServer(t)
	token, err := store.AddProvider(context.Background(), "tester", []geo.Layer{geo.Mobile, geo.Phone, geo.Broadcast}, "test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	dir := filepath.Join("..", "..", "testdata", "filings")
	raw, err := os.ReadFile(filepath.Join(dir, "catalogue.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		F      string   `json:"file"`
		CT     string   `json:"content_type"`
		Q      string   `json:"query"`
		Status int      `json:"status"`
		Codes  []string `json:"codes"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 30 {
		t.Fatalf("the catalogue has %d broken filings, want at least 30", len(cases))
	}
	before := storeState(t, store)
	for _, c := range cases {
		t.Run(c.F, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(dir, c.F))
			if err != nil {
				t.Fatal(err)
			}
			for _, dry := range []string{"", "dry_run=true"} {
				q := strings.Trim(strings.Join([]string{c.Q, dry}, "&"), "&")
				req, _ := http.NewRequest("POST", srv.URL+"/api/v1/filings?"+q, strings.NewReader(string(body)))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", c.CT)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				answer, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != c.Status || res.Header.Get("Content-Type") != "application/problem+json" {
					t.Fatalf("%s: %d %s, want %d problem+json\n%s", q, res.StatusCode, res.Header.Get("Content-Type"), c.Status, answer)
				}
				var p Problem
				if err := json.Unmarshal(answer, &p); err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, pr := range p.Problems {
					if pr.Message == "" || pr.Code == "" {
						t.Fatalf("a problem without code or message: %+v", pr)
					}
					if !slices.Contains(got, pr.Code) {
						got = append(got, pr.Code)
					}
				}
				for _, want := range c.Codes {
					if !slices.Contains(got, want) {
						t.Fatalf("problems %v lack %q\n%s", got, want, answer)
					}
				}
				if len(c.Codes) == 1 && len(got) != 1 {
					t.Fatalf("a file with one problem got codes %v\n%s", got, answer)
				}
			}
			if after := storeState(t, store); after != before {
				t.Fatalf("the store changed: %s → %s", before, after)
			}
		})
	}
}

func TestFilings_Limits(t *testing.T) {
	s, store, _ := writableServer(t)
	token, _ := store.AddProvider(context.Background(), "tester", []geo.Layer{geo.Phone}, "test")
	s.cfg.MaxFilingBytes = 2 << 10
	s.cfg.MaxFilingFeatures = 3
	before := storeState(t, store)
	post := func(body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/api/v1/filings", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/geo+json")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	decl := `{"type":"Feature","geometry":null,"properties":{"commune_code":"04807","technology":"fixed_line","share":0.5}}`
	big := `{"type":"FeatureCollection","layer":"phone","as_of":"2025-01-01","features":[` + decl + `],"pad":"` + strings.Repeat("x", 3<<10) + `"}`
	if rec := post(big); rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("over the byte limit: %d %s", rec.Code, rec.Body)
	}
	many := `{"type":"FeatureCollection","layer":"phone","as_of":"2025-01-01","features":[` + strings.Repeat(decl+",", 3) + decl + `]}`
	rec := post(many)
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), geo.ProblemTooManyFeatures) {
		t.Fatalf("over the feature limit: %d %s", rec.Code, rec.Body)
	}
	if after := storeState(t, store); after != before {
		t.Fatalf("the store changed: %s → %s", before, after)
	}
}
