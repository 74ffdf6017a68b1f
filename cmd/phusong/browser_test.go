package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phusong/phusong/frontend"
)

// TestE2E_Browser runs the map application's browser tests
// (frontend/e2e/app.test.mjs: playwright-core driving Debian's Chromium)
// against the real binary, started on a free port with a temporary
// database, a provider that may file every layer and an admin token (for
// the indicator values' form), and a second time on a database whose
// demonstration filings `phusong demo remove` deleted, and a third time
// with a local basemap (--basemap on a generated archive). It needs node, the
// browser and a built frontend (make test builds it): where one is missing
// it skips with a message, and in CI it fails.
func TestE2E_Browser(t *testing.T) {
	frontendDir, err := filepath.Abs(filepath.Join("..", "..", "frontend"))
	if err != nil {
		t.Fatal(err)
	}
	chromiumPath := envOr("PHUSONG_CHROMIUM", "/usr/bin/chromium")
	_, nodeErr := exec.LookPath("node")
	_, chromiumErr := os.Stat(chromiumPath)
	_, playwrightErr := os.Stat(filepath.Join(frontendDir, "node_modules", "playwright-core"))
	for _, n := range []struct {
		missing bool
		what    string
	}{
		{nodeErr != nil, "node (Node.js 20 or later)"},
		{chromiumErr != nil, chromiumPath + " (Debian package chromium)"},
		{playwrightErr != nil, "frontend/node_modules (run `make test`, which runs npm ci)"},
		{!frontend.Built(), "the built frontend (run `make test`, which builds it)"},
	} {
		if n.missing {
			if os.Getenv("CI") != "" {
				t.Fatalf("CI needs %s for the browser tests", n.what)
			}
			t.Skipf("skipped: the browser tests need %s", n.what)
		}
	}

	// The tests of the map on one district-level set run on the 2019
	// communes alone (newDatabase); units.test.mjs runs on the default
	// database's three sets (PHUSONG_SETS_URL below).
	db := filepath.Join(t.TempDir(), "phusong.gpkg")
	newDatabase(t, db)
	token := addProvider(t, db, "mobile,phone,broadband,broadcast", "e2e-telecom")
	adminToken := issueAdminToken(t, db)
	s := startServer(t, db)

	// A second service on a database whose demonstration filings were
	// removed as a deployer does: `phusong demo remove` with no service
	// holding the database, then serve.
	nodemo := filepath.Join(t.TempDir(), "nodemo.gpkg")
	newDatabase(t, nodemo)
	if out, err := runCLI(t, "demo", "remove", "--db", nodemo); err != nil {
		t.Fatalf("demo remove: %v\n%s", err, out)
	}
	noDemoURL := startServer(t, nodemo).url

	// A service on the default database as a new user gets it: the seed
	// territory's three unit sets, today's the 2025 one (units.test.mjs).
	setsURL := startServer(t, filepath.Join(t.TempDir(), "sets.gpkg")).url

	// A second service on the 11,163 communes of Vietnam, where the map
	// draws vector tiles instead of one GeoJSON document.
	tilesURL, provincesURL := "", ""
	vietnam := filepath.Join("..", "..", "..", "shared", "data", "vietnam", "communes_2013_pop2019.geojson")
	if _, err := os.Stat(vietnam); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs %s for the tile-mode browser test: %v", vietnam, err)
		}
		t.Logf("the tile-mode browser test is skipped: reference data %s is absent (it is present in CI)", vietnam)
	} else {
		vdb := filepath.Join(t.TempDir(), "vietnam.gpkg")
		out, err := runCLI(t, "import", "communes", vietnam, "--db", vdb, "--new-set", "--no-demo",
			"--code", "commune_id", "--name", "commune_vn", "--district", "district_vn", "--district-code", "district_id", "--type", "")
		if err != nil {
			t.Fatalf("import the Vietnam communes: %v\n%s", err, out)
		}
		tilesURL = startServer(t, vdb).url

		// A service on the communes of three provinces (Sơn La, Hòa Bình,
		// Phú Thọ), cut from the same file at test time, for the province
		// selector (provinces.test.mjs; skipped with the tile-mode test).
		provincesURL = startServer(t, provincesDatabase(t)).url
	}

	// A service drawing a local basemap (serve --basemap) from a small
	// PMTiles archive of Hòa Bình generated for the test.
	bmDir := t.TempDir()
	bmDB := filepath.Join(bmDir, "basemap.gpkg")
	newDatabase(t, bmDB)
	basemapURL := startServer(t, bmDB, "--basemap", writeBasemap(t, bmDir)).url

	// Every test file of frontend/e2e, one after another: they share the
	// service and its database, and some of them file and withdraw.
	// PHUSONG_E2E=upload runs only the files whose names start so (while
	// working on one path; CI runs them all).
	files, err := filepath.Glob(filepath.Join(frontendDir, "e2e", os.Getenv("PHUSONG_E2E")+"*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no browser test files in %s: %v", filepath.Join(frontendDir, "e2e"), err)
	}
	cmd := exec.Command("node", append([]string{"--test", "--test-concurrency=1", "--test-reporter=spec"}, files...)...)
	cmd.Dir = frontendDir
	cmd.Env = append(os.Environ(),
		"PHUSONG_URL="+s.url,
		"PHUSONG_TILES_URL="+tilesURL,
		"PHUSONG_NODEMO_URL="+noDemoURL,
		"PHUSONG_SETS_URL="+setsURL,
		"PHUSONG_LOCAL_BASEMAP_URL="+basemapURL,
		"PHUSONG_PROVINCES_URL="+provincesURL,
		"PHUSONG_TOKEN="+token,
		"PHUSONG_ADMIN_TOKEN="+adminToken,
		"PHUSONG_CHROMIUM="+chromiumPath,
		"PHUSONG_ARTIFACTS="+filepath.Join(frontendDir, "test-results"),
	)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		t.Log(line)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("browser tests failed (%v); screenshots in frontend/test-results/", err)
	}
}

// issueAdminToken issues an admin token with the command line, on a
// database no service holds, and returns it.
func issueAdminToken(t *testing.T, db string) string {
	t.Helper()
	out, err := runCLI(t, "admin", "token", "--db", db)
	if err != nil {
		t.Fatalf("admin token: %v\n%s", err, out)
	}
	token := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
	if !strings.HasPrefix(token, "ps_") {
		t.Fatalf("no admin token in:\n%s", out)
	}
	return token
}

// provincesDatabase makes a database whose one unit set is the communes of
// Sơn La (14), Hòa Bình (17) and Phú Thọ (25) of the national file, kept in a
// temporary GeoJSON (the file is not committed: ../shared/data has it), and
// returns its path. The province is the file's Vietnamese name, looked up to
// its GSO code; the code is commune_id, as gso_code_2019 is missing on a few.
func provincesDatabase(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(sharedData(t, "vietnam/communes_2013_pop2019.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	var all struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	keep := map[string]bool{"Sơn La": true, "Hòa Bình": true, "Phú Thọ": true}
	var kept []json.RawMessage
	for _, f := range all.Features {
		var p struct {
			Properties struct {
				Province string `json:"province_vn"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(f, &p); err != nil {
			t.Fatal(err)
		}
		if keep[p.Properties.Province] {
			kept = append(kept, f)
		}
	}
	if len(kept) < 600 {
		t.Fatalf("%d communes of the three provinces in the national file, want about 690", len(kept))
	}
	out, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": kept})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "three-provinces.geojson")
	if err := os.WriteFile(file, out, 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "provinces.gpkg")
	if msg, err := runCLI(t, "import", "communes", file, "--db", db, "--new-set", "--no-demo",
		"--code", "commune_id", "--name", "commune_vn", "--district", "district_vn", "--district-code", "district_id", "--type", "",
		"--province", "province_vn"); err != nil {
		t.Fatalf("import the three provinces' communes: %v\n%s", err, msg)
	}
	return db
}
