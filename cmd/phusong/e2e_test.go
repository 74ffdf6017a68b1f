package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/data/pgtest"
)

// These tests build the real binary once and drive it as a user would: a
// process listening on a socket, an SQLite file on disk, ogrinfo as a client.

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "phusong-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "phusong")
	if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building phusong: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sharedData returns the path of a file in ../shared/data, skipping the test
// when it is absent (a user's machine) and failing it in CI, where it must be.
func sharedData(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs %s: %v", p, err)
		}
		t.Skipf("skipped: reference data %s is absent (it is present in CI)", p)
	}
	return p
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// server is a running "phusong serve".
type server struct {
	url string
	cmd *exec.Cmd
}

func startServer(t *testing.T, db string, extra ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(binPath, append([]string{"serve", "--addr", addr, "--db", db}, extra...)...)
	logPath := db + ".log"
	if data.IsPostgres(db) {
		// Several instances of one database: a log each.
		logPath = filepath.Join(t.TempDir(), "serve-"+strings.ReplaceAll(addr, ":", "-")+".log")
	}
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{url: "http://" + addr, cmd: cmd}
	t.Cleanup(func() { s.stop(t) })
	// The service listens before its first computation ends, answering
	// 503 on /readyz until it has published figures.
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(s.url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	log, _ := os.ReadFile(logPath)
	t.Fatalf("server did not become ready:\n%s", log)
	return nil
}

// stop sends SIGTERM and waits for the graceful shutdown.
func (s *server) stop(t *testing.T) {
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("server exited with %v after SIGINT", err)
		}
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		t.Errorf("server did not shut down within 20 s")
	}
}

type layerFC struct {
	Type         string `json:"type"`
	BoundaryNote string `json:"boundary_note"`
	Units        struct {
		Name   string `json:"name"`
		Chosen string `json:"chosen"`
	} `json:"units"`
	Features []struct {
		Properties struct {
			Code              string  `json:"code"`
			ParentLevel       string  `json:"parent_level"`
			ParentName        string  `json:"parent_name"`
			Population        int     `json:"population"`
			PopulationCovered float64 `json:"population_covered"`
			Share             float64 `json:"share_covered"`
			Status            string  `json:"status"`
			Boundary          string  `json:"boundary"`
		} `json:"properties"`
	} `json:"features"`
}

// layer returns a layer's GeoJSON; query, if given, is its query string
// (e.g. "units=2019").
func (s *server) layer(t *testing.T, layer string, query ...string) layerFC {
	t.Helper()
	res, err := http.Get(s.url + "/api/v1/layers/" + layer + "/communes?" + strings.Join(query, "&"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("layer %s: %d %s", layer, res.StatusCode, res.Header.Get("Content-Type"))
	}
	var fc layerFC
	if err := json.NewDecoder(res.Body).Decode(&fc); err != nil {
		t.Fatal(err)
	}
	return fc
}

// store is one of the stores the reliability tests (crash, load) run on:
// db gives a new database's --db, a file named file or a PostgreSQL
// database (skipped with a message where PostgreSQL is absent, outside
// CI).
type store struct {
	name string
	db   func(t *testing.T, file string) string
}

func stores() []store {
	return []store{
		{"sqlite", func(t *testing.T, file string) string { return filepath.Join(t.TempDir(), file) }},
		{"postgres", func(t *testing.T, _ string) string { return pgtest.URL(t) }},
	}
}

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(binPath, args...).CombinedOutput()
	return string(out), err
}

// newDatabase creates and seeds the database db as a first start would
// (extra: "--no-demo"), without serving it, so that commands that change a
// database (provider add, import) can run before the service holds it.
//
// The database holds the default data on its 2019 communes alone (one
// set, districts as parents), on which most tests run; a database that
// `serve` or `recompute` seeds itself holds the three default sets, which
// TestE2E_DefaultDataServed and the unit-set tests exercise.
func newDatabase(t *testing.T, db string, extra ...string) {
	t.Helper()
	ctx := context.Background()
	store, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.SeedDefault2019(ctx, !slices.Contains(extra, "--no-demo"))
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("seeding %s: %v", db, err)
	}
	if out, err := runCLI(t, append([]string{"recompute", "--db", db}, extra...)...); err != nil {
		t.Fatalf("creating %s: %v\n%s", db, err, out)
	}
}

// addProvider adds a provider with the command line, on a database no
// service holds, and returns its token.
func addProvider(t *testing.T, db, layers, name string) string {
	t.Helper()
	out, err := runCLI(t, "provider", "add", "--layers", layers, name, "--db", db)
	if err != nil {
		t.Fatalf("provider add: %v\n%s", err, out)
	}
	token := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
	if !strings.HasPrefix(token, "ps_") {
		t.Fatalf("no token in:\n%s", out)
	}
	return token
}

func TestE2E_DefaultDataServed(t *testing.T) {
	db := filepath.Join(t.TempDir(), "phusong.gpkg")
	s := startServer(t, db)
	// Today's units: the 46 communes and wards of Phú Thọ whose territory
	// was Hòa Bình's, with their real boundaries and the province as
	// parent, counting the people of the one population surface.
	for _, layer := range []string{"broadcast", "phone", "broadband", "mobile"} {
		fc := s.layer(t, layer)
		pop := 0
		statuses := map[string]int{}
		for _, f := range fc.Features {
			pop += f.Properties.Population
			statuses[f.Properties.Status]++
			if !strings.Contains(f.Properties.Boundary, "vietnam-3d-map") || f.Properties.ParentLevel != "province" || f.Properties.ParentName != "Tỉnh Phú Thọ" {
				t.Fatalf("%s: commune %s boundary %q, parent %q (%s); want the 2025 map's, Tỉnh Phú Thọ (province)", layer,
					f.Properties.Code, f.Properties.Boundary, f.Properties.ParentName, f.Properties.ParentLevel)
			}
		}
		if len(fc.Features) != 46 || pop != 854131 || fc.Units.Name != "2025" {
			t.Fatalf("%s: %d features, %d people on set %q; want 46 and 854,131 on 2025", layer, len(fc.Features), pop, fc.Units.Name)
		}
		if len(statuses) < 2 {
			t.Fatalf("%s: statuses %v, want at least two kinds", layer, statuses)
		}
		if fc.BoundaryNote != "" {
			t.Fatalf("%s: a note on approximate boundaries where every boundary is real: %q", layer, fc.BoundaryNote)
		}
		t.Logf("%s: %v", layer, statuses)
	}
	// The earlier sets: by name, and by date.
	for _, c := range []struct {
		query, set, level string
		units             int
	}{{"units=2019", "2019", "district", 210}, {"as_of=2022-06-30", "2020", "district", 151}, {"as_of=2019-06-30", "2019", "district", 210}} {
		fc := s.layer(t, "mobile", c.query)
		pop := 0
		for _, f := range fc.Features {
			pop += f.Properties.Population
			if f.Properties.ParentLevel != c.level {
				t.Fatalf("?%s: commune %s parent level %q, want %s", c.query, f.Properties.Code, f.Properties.ParentLevel, c.level)
			}
		}
		if len(fc.Features) != c.units || fc.Units.Name != c.set || pop != 854131 {
			t.Fatalf("?%s: %d features on set %q, %d people; want %d on %s, 854,131", c.query, len(fc.Features), fc.Units.Name, pop, c.units, c.set)
		}
	}
	var sets struct {
		Sets []struct {
			Name      string `json:"name"`
			ValidFrom string `json:"valid_from"`
			Units     int    `json:"units"`
		} `json:"unit_sets"`
	}
	s.getJSON(t, "/api/v1/unit-sets", &sets)
	if len(sets.Sets) != 3 || sets.Sets[0].Units != 210 || sets.Sets[1].Units != 151 || sets.Sets[2].Units != 46 || sets.Sets[2].ValidFrom != "2025-07-01" {
		t.Fatalf("unit sets %+v, want 2019 (210), 2020 (151), 2025 (46, from 2025-07-01)", sets.Sets)
	}
	res, err := http.Get(s.url + "/api/v1/layers/nonsense/communes")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 404 || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("unknown layer: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	s.stop(t)

	t.Run("ogrinfo reads the store", func(t *testing.T) {
		if _, err := exec.LookPath("ogrinfo"); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("CI needs ogrinfo (gdal-bin)")
			}
			t.Skip("skipped: ogrinfo (Debian package gdal-bin) is not installed")
		}
		out, err := exec.Command("ogrinfo", "-ro", "-so", db, "communes").CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo: %v\n%s", err, out)
		}
		// The three sets' units, told apart by set_id.
		for _, want := range []string{"Feature Count: 407", "set_id: Integer", `ID["EPSG",4326]`, "Geometry: Multi Polygon"} {
			if !strings.Contains(string(out), want) {
				t.Fatalf("ogrinfo does not say %q:\n%s", want, out)
			}
		}
		if strings.Contains(string(out), "ERROR") || strings.Contains(string(out), "Warning") {
			t.Fatalf("ogrinfo complains:\n%s", out)
		}
	})

	t.Run("demo remove", func(t *testing.T) {
		s := startServer(t, db)
		if out, err := runCLI(t, "demo", "remove", "--db", db); err == nil || !strings.Contains(out, "stop the service") {
			t.Fatalf("demo remove while the service holds the database: %v\n%s", err, out)
		}
		s.stop(t)
		out, err := runCLI(t, "demo", "remove", "--db", db)
		if err != nil || !strings.Contains(out, "removed") {
			t.Fatalf("demo remove: %v\n%s", err, out)
		}
		covered := 0.0
		for _, f := range startServer(t, db).layer(t, "mobile").Features {
			covered += f.Properties.PopulationCovered
		}
		if covered != 0 {
			t.Fatalf("%.0f people still covered after the demonstration data went", covered)
		}
	})
}

func TestE2E_ImportOfficialBoundaries(t *testing.T) {
	file := sharedData(t, "hoabinh/communes_2019.geojson")
	db := filepath.Join(t.TempDir(), "phusong.gpkg")
	newDatabase(t, db)
	out, err := runCLI(t, "import", "communes", file, "--db", db)
	if err != nil || !strings.Contains(out, "210 matched, 0 stored communes without a boundary in the file, 0 codes in the file not in the store") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	s := startServer(t, db)
	fc := s.layer(t, "mobile")
	for _, f := range fc.Features {
		if f.Properties.Boundary != "communes_2019.geojson" {
			t.Fatalf("commune %s boundary %q after import", f.Properties.Code, f.Properties.Boundary)
		}
	}
	if fc.BoundaryNote != "" {
		t.Fatalf("the layer still notes approximate boundaries")
	}
}

func TestE2E_BrokenImportsChangeNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "phusong.gpkg")
	// Create and seed the database, then stop so the file is checkpointed.
	startServer(t, db, "--no-demo").stop(t)
	sum := func() string {
		b, err := os.ReadFile(db)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%x", sha256.Sum256(b))
	}
	before := sum()
	sq := `{"type":"Polygon","coordinates":[[[105.3,20.8],[105.4,20.8],[105.4,20.9],[105.3,20.8]]]}`
	cases := []struct{ name, body, want string }{
		{"not JSON", "{\"type\": \"FeatureCollection\", \"features\": [\n{oops}", "not valid JSON at line 2"},
		{"not a FeatureCollection", `{"type":"Polygon","coordinates":[]}`, "want a FeatureCollection"},
		{"missing code", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},"geometry":` + sq + `}]}`, "feature 0: properties.gso_code: missing commune code"},
		{"duplicate code", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"gso_code":"04807"},"geometry":` + sq + `},{"type":"Feature","properties":{"gso_code":"04807"},"geometry":` + sq + `}]}`, "feature 1: properties.gso_code: duplicate commune code"},
		{"not a polygon", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"gso_code":"04807"},"geometry":{"type":"Point","coordinates":[105.3,20.8]}}]}`, "feature 0: geometry: is a Point"},
		{"out of range", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"gso_code":"04807"},"geometry":{"type":"Polygon","coordinates":[[[105.3,20.8],[105.4,95],[105.4,20.9],[105.3,20.8]]]}}]}`, "feature 0: geometry: polygon 0 ring 0 position 1 (105.4, 95) is out of range"},
	}
	for _, c := range cases {
		for _, mode := range [][]string{nil, {"--new-set"}} {
			t.Run(c.name+strings.Join(mode, ""), func(t *testing.T) {
				f := filepath.Join(dir, "broken.geojson")
				if err := os.WriteFile(f, []byte(c.body), 0o644); err != nil {
					t.Fatal(err)
				}
				out, err := runCLI(t, append([]string{"import", "communes", f, "--db", db}, mode...)...)
				if err == nil {
					t.Fatalf("import of a broken file succeeded:\n%s", out)
				}
				if !strings.Contains(out, c.want) || !strings.Contains(out, "nothing was changed") {
					t.Fatalf("message does not say %q and that nothing changed:\n%s", c.want, out)
				}
				if after := sum(); after != before {
					t.Fatalf("database changed: %s → %s", before, after)
				}
			})
		}
	}
}

// The command line refuses a day after today as the API does (the core's
// rule, api.Snapshot.CheckDay), and writes no file.
func TestE2E_ExportFutureDayRefused(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "phusong.gpkg")
	startServer(t, db, "--no-demo").stop(t)
	out := filepath.Join(dir, "mobile.csv")
	for _, day := range []string{"9999-12-31", "9999-12-31T00:00:00Z"} {
		msg, err := runCLI(t, "export", "--db", db, "--layer", "mobile", "--format", "csv", "--as-of", day, "-o", out)
		if err == nil || !strings.Contains(msg, "as_of 9999-12-31 is after today (") || !strings.Contains(msg, "figures are known up to today") {
			t.Fatalf("export --as-of %s: %v\n%s", day, err, msg)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Fatalf("export --as-of %s left %s (%v)", day, out, err)
		}
	}
	if msg, err := runCLI(t, "export", "--db", db, "--layer", "mobile", "--format", "csv", "--as-of", "2020-01-01", "-o", out); err != nil {
		t.Fatalf("export --as-of 2020-01-01: %v\n%s", err, msg)
	}
}

func TestE2E_VietnamCommuneSet(t *testing.T) {
	file := sharedData(t, "vietnam/communes_2013_pop2019.geojson")
	db := filepath.Join(t.TempDir(), "vietnam.gpkg")
	out, err := runCLI(t, "import", "communes", file, "--db", db, "--new-set", "--no-demo",
		"--code", "commune_id", "--name", "commune_vn", "--district", "district_vn", "--district-code", "district_id", "--type", "")
	if err != nil || !strings.Contains(out, "11163 communes") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	s := startServer(t, db)
	fc := s.layer(t, "mobile")
	if len(fc.Features) != 11163 {
		t.Fatalf("%d features, want 11,163", len(fc.Features))
	}
	checkVietnamTiles(t, s)
}

// TestE2E_ProviderFilesSeed1 is a provider's day: an admin adds it with the
// command line while the service runs, it files one operator's footprints
// of the seed-1 scenario over HTTP, sees the mobile figures change, retries
// with the same Idempotency-Key, and withdraws.
func TestE2E_ProviderFilesSeed1(t *testing.T) {
	scenario := sharedData(t, "scenarios/hoabinh_mobile_seed1.geojson")
	db := filepath.Join(t.TempDir(), "phusong.gpkg")
	newDatabase(t, db, "--no-demo")
	token := addProvider(t, db, "mobile", "viettel")
	s := startServer(t, db)

	raw, err := os.ReadFile(scenario)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		t.Fatal(err)
	}
	var mine []json.RawMessage
	for _, f := range fc.Features {
		if strings.Contains(string(f), `"operator":"viettel"`) {
			mine = append(mine, f)
		}
	}
	filing, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "layer": "mobile", "as_of": "2026-01-01", "features": mine})

	covered := func() float64 {
		total := 0.0
		for _, f := range s.layer(t, "mobile").Features {
			total += f.Properties.PopulationCovered
		}
		return total
	}
	send := func(method, path, key string, body []byte) (int, []byte, http.Header) {
		req, _ := http.NewRequest(method, s.url+path, strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/geo+json")
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b, res.Header
	}
	type answer struct {
		ID     int64 `json:"id"`
		Before struct {
			Covered float64 `json:"covered"`
		} `json:"before"`
		After struct {
			Covered float64 `json:"covered"`
			Share   float64 `json:"share"`
		} `json:"after"`
	}

	before := covered()
	status, body, _ := send("POST", "/api/v1/filings", "viettel-2026-01", filing)
	var a answer
	json.Unmarshal(body, &a)
	if status != 201 || a.ID == 0 || a.After.Covered <= before {
		t.Fatalf("filing %d of viettel's footprints: %d %s", len(mine), status, body)
	}
	if got := covered(); math.Abs(got-a.After.Covered) > 210 {
		t.Fatalf("the layer serves %.0f covered, the answer said %.0f", got, a.After.Covered)
	}
	t.Logf("viettel's %d footprints: mobile coverage %.0f → %.0f people (%.1f%%)", len(mine), before, a.After.Covered, 100*a.After.Share)

	status, again, hdr := send("POST", "/api/v1/filings", "viettel-2026-01", filing)
	if status != 201 || string(again) != string(body) || hdr.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %d %s", status, again)
	}
	_, list, _ := send("GET", "/api/v1/filings", "", nil)
	if n := strings.Count(string(list), `"provider":"viettel"`); n != 1 {
		t.Fatalf("%d filings after a retry, want 1: %s", n, list)
	}

	status, body, _ = send("DELETE", fmt.Sprintf("/api/v1/filings/%d", a.ID), "", nil)
	if status != 200 {
		t.Fatalf("withdraw: %d %s", status, body)
	}
	if got := covered(); got != before {
		t.Fatalf("after the withdrawal %.0f covered, before the filing %.0f", got, before)
	}
}
