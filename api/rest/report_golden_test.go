package rest

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/phusong/phusong/api/apitest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The printed progress report, HTML and CSV, in Vietnamese and English, is golden on a small store
// whose figures are known: a change to what officials print shows here
// and needs -update.
func TestReport_Golden(t *testing.T) {
	store := apitest.SmallStore(t)
	s := newTestServer(DefaultConfig(), store, quietLog())
	if err := s.core.Recompute(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ query, file string }{
		{"", "report.html"},
		{"&format=csv", "report.csv"},
		{"&lang=en", "report.en.html"},
		{"&format=csv&lang=en", "report.en.csv"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			rec := get(t, s, http.MethodGet, "/api/v1/report?as_of="+apitest.GoldenDay+"&known_at="+apitest.GoldenKnownAt+tc.query)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			apitest.Golden(t, filepath.Join("testdata", tc.file), rec.Body.Bytes(), *update)
		})
	}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
