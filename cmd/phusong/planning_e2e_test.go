package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func (s *server) getJSON(t *testing.T, path string, v any) {
	t.Helper()
	res, err := http.Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// On first start the binary lists the four targets with their history and
// forecast; "phusong import remote" refuses while it serves and, run once it
// is stopped, reaches its answers at the next start; a file that matches
// nothing changes nothing.
func TestE2E_TargetsAndRemoteImport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "phusong.gpkg")
	newDatabase(t, db)
	s := startServer(t, db)
	var targets struct {
		Targets []struct {
			Layer   string `json:"layer"`
			History []struct {
				Date string `json:"date"`
			} `json:"history"`
			Forecast struct {
				Outcome string `json:"outcome"`
			} `json:"forecast"`
		} `json:"targets"`
	}
	s.getJSON(t, "/api/v1/targets", &targets)
	if len(targets.Targets) != 4 {
		t.Fatalf("%d targets, want 4", len(targets.Targets))
	}
	for _, tg := range targets.Targets {
		if len(tg.History) < 5 || tg.Forecast.Outcome == "" {
			t.Fatalf("%s: %d history dates, forecast %q", tg.Layer, len(tg.History), tg.Forecast.Outcome)
		}
	}

	list := filepath.Join(t.TempDir(), "xa_dbkk.csv")
	if err := os.WriteFile(list, []byte("\xEF\xBB\xBFma_xa,ten\n4807,Phương Lâm\n05011,x\n99999,none\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runCLI(t, "import", "remote", list, "--db", db, "--column", "ma_xa"); err == nil || !strings.Contains(out, "PUT /api/v1/remote-communes") {
		t.Fatalf("import remote while the service holds the database: %v\n%s", err, out)
	}
	s.stop(t)
	out, err := runCLI(t, "import", "remote", list, "--db", db, "--column", "ma_xa")
	if err != nil || !strings.Contains(out, "2 marked remote") || !strings.Contains(out, "99999") {
		t.Fatalf("import remote: %v\n%s", err, out)
	}
	var r struct {
		RemoteSet struct {
			Communes int    `json:"communes"`
			Source   string `json:"source"`
		} `json:"remote_set"`
	}
	startServer(t, db).getJSON(t, "/api/v1/remote-communes", &r)
	if r.RemoteSet.Communes != 2 || r.RemoteSet.Source != "xa_dbkk.csv" {
		t.Fatalf("after the import the service has %+v", r.RemoteSet)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("code\n88888\n"), 0o644)
	if out, err := runCLI(t, "import", "remote", bad, "--db", db); err == nil || !strings.Contains(out, "nothing was changed") {
		t.Fatalf("a list matching nothing: %v\n%s", err, out)
	}
	if out, err := runCLI(t, "import", "remote", list, "--column", "ma_xa", "--db", filepath.Join(t.TempDir(), "none.gpkg")); err == nil || !strings.Contains(out, "no such database") {
		t.Fatalf("a missing database: %v\n%s", err, out)
	}
}
