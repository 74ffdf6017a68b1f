package rest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/api/apitest"
	"github.com/phusong/phusong/geo"
)

// smallFiling is a mobile footprint over the north-west of apitest's
// SmallStore, which changes the figures (and the generation).
const smallFiling = `{"type":"FeatureCollection","layer":"mobile","as_of":"2025-06-30","features":[
 {"type":"Feature","properties":{"technology":"4G"},"geometry":{"type":"Polygon","coordinates":[[[105.30,20.84],[105.34,20.84],[105.34,20.88],[105.30,20.84]]]}}]}`

// instanceServer is a server named test-instance on SmallStore, over a
// real socket, whose core has not computed yet; refused tokens get one
// 401 per address, then 429.
func instanceServer(t *testing.T) (*Server, *api.Service, *httptest.Server) {
	t.Helper()
	store := apitest.SmallStore(t)
	cfg := DefaultConfig()
	cfg.WritesPerPrincipal, cfg.ComputePerAddress = RateLimit{}, RateLimit{}
	cfg.AuthFailuresPerAddress = RateLimit{PerSecond: 0.001, Burst: 1}
	cfg.Instance, cfg.Version, cfg.Commit = "test-instance", "v0.0.0-test", "abc123"
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	core := api.New(cfg.Core, store, quiet)
	s := New(cfg, core, store, quiet)
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return s, core, hs
}

// client keeps one connection, so that a request is served only once the
// one before it is done, counted in the metrics included.
var oneConnection = &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}

// send makes a request over the socket and returns its answer, read.
func send(t *testing.T, method, url, token, contentType, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := oneConnection.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// scrape reads /metrics over the socket, parsed.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	res, body := send(t, http.MethodGet, base+"/metrics", "", "", "")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("/metrics: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	mfs, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%.2000s", err, body)
	}
	return mfs
}

// series returns the metrics of family name whose labels include want.
func series(mfs map[string]*dto.MetricFamily, name string, want map[string]string) []*dto.Metric {
	var out []*dto.Metric
	mf := mfs[name]
	if mf == nil {
		return nil
	}
next:
	for _, m := range mf.GetMetric() {
		labels := map[string]string{}
		for _, lp := range m.GetLabel() {
			labels[lp.GetName()] = lp.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		out = append(out, m)
	}
	return out
}

// one returns the one metric of family name with the labels want, failing
// the test when there is not exactly one.
func one(t *testing.T, mfs map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	t.Helper()
	got := series(mfs, name, want)
	if len(got) != 1 {
		t.Fatalf("%s%v: %d series, want 1", name, want, len(got))
	}
	return got[0]
}

// The metrics count what the service answered, by route pattern (never
// the path), method and status: a real route's 200s and 404, a HEAD, an
// error on no route as "unmatched", 429s by the limit that refused, the
// filings stored; and they give the published snapshot's generation (the
// current one only), its age and the recomputes' durations.
func TestMetrics_CountRequestsRefusalsAndSnapshot(t *testing.T) {
	s, core, hs := instanceServer(t)
	ctx := context.Background()
	if mfs := scrape(t, hs.URL); mfs["phusong_snapshot_generation_info"] != nil || mfs["phusong_snapshot_age_seconds"] != nil {
		t.Fatalf("snapshot metrics before the first recompute")
	}
	if err := core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	token, err := s.store.AddProvider(ctx, "viettel", []geo.Layer{geo.Mobile}, "test")
	if err != nil {
		t.Fatal(err)
	}
	first, _ := core.Current()

	requests := []struct {
		method, path, token, body string
		status                    int
	}{
		{"GET", "/api/v1/layers/mobile/communes", "", "", 200},
		{"GET", "/api/v1/layers/mobile/communes?as_of=2025-01-01", "", "", 200},
		{"GET", "/api/v1/layers/radio/communes", "", "", 404},
		{"HEAD", "/api/v1/layers", "", "", 200},
		{"GET", "/api/v1/no-such-thing", "", "", 404},
		{"GET", "/no/such/file.png", "", "", 404},
		{"GET", "/", "", "", 200},
		{"POST", "/api/v1/filings", "", smallFiling, 401},
		{"POST", "/api/v1/filings", "", smallFiling, 429},
		{"POST", "/api/v1/filings", "", smallFiling, 429},
		{"POST", "/api/v1/filings", token, smallFiling, 201},
	}
	for _, r := range requests {
		res, body := send(t, r.method, hs.URL+r.path, r.token, "application/geo+json", r.body)
		if res.StatusCode != r.status {
			t.Fatalf("%s %s: %d, want %d\n%.500s", r.method, r.path, res.StatusCode, r.status, body)
		}
		if got := res.Header.Get("X-Phusong-Instance"); got != "test-instance" {
			t.Errorf("%s %s: X-Phusong-Instance %q", r.method, r.path, got)
		}
	}
	mfs := scrape(t, hs.URL)

	counts := []struct {
		route, method, status string
		want                  float64
	}{
		{"/api/v1/layers/:layer/communes", "GET", "200", 2},
		{"/api/v1/layers/:layer/communes", "GET", "404", 1},
		{"/api/v1/layers", "HEAD", "200", 1},
		{"unmatched", "GET", "404", 2},
		{"static", "GET", "200", 1},
		{"/api/v1/filings", "POST", "401", 1},
		{"/api/v1/filings", "POST", "429", 2},
		{"/api/v1/filings", "POST", "201", 1},
		{"/metrics", "GET", "200", 1}, // the first scrape; this one is counted once answered
	}
	for _, c := range counts {
		labels := map[string]string{"route": c.route, "method": c.method, "status": c.status}
		if got := one(t, mfs, "phusong_http_requests_total", labels).GetCounter().GetValue(); got != c.want {
			t.Errorf("phusong_http_requests_total%v = %v, want %v", labels, got, c.want)
		}
		if got := one(t, mfs, "phusong_http_request_duration_seconds", labels).GetHistogram().GetSampleCount(); float64(got) != c.want {
			t.Errorf("phusong_http_request_duration_seconds%v has %d samples, want %v", labels, got, c.want)
		}
	}
	for _, m := range mfs["phusong_http_requests_total"].GetMetric() {
		for _, lp := range m.GetLabel() {
			if v := lp.GetValue(); lp.GetName() == "route" && (strings.Contains(v, "mobile") || strings.Contains(v, "no-such") || strings.Contains(v, ".png")) {
				t.Errorf("a route label is a path asked for: %q", v)
			}
		}
	}

	refusals := map[string]float64{limitAuthFailures: 2, limitWrites: 0, limitCompute: 0}
	for limit, want := range refusals {
		if got := one(t, mfs, "phusong_rate_limit_refusals_total", map[string]string{"limit": limit}).GetCounter().GetValue(); got != want {
			t.Errorf("phusong_rate_limit_refusals_total{limit=%q} = %v, want %v", limit, got, want)
		}
	}
	if got := one(t, mfs, "phusong_filings_stored_total", nil).GetCounter().GetValue(); got != 1 {
		t.Errorf("phusong_filings_stored_total = %v, want 1", got)
	}

	// The filing changed the generation: only the current one is given.
	cur, _ := core.Current()
	if cur.Generation() == first.Generation() {
		t.Fatalf("the filing did not change the generation %q", cur.Generation())
	}
	gens := series(mfs, "phusong_snapshot_generation_info", nil)
	if len(gens) != 1 || gens[0].GetLabel()[0].GetValue() != cur.Generation() || gens[0].GetGauge().GetValue() != 1 {
		t.Errorf("phusong_snapshot_generation_info: %v, want only {generation=%q} 1", gens, cur.Generation())
	}
	if age := one(t, mfs, "phusong_snapshot_age_seconds", nil).GetGauge().GetValue(); age < 0 || age > 60 {
		t.Errorf("phusong_snapshot_age_seconds = %v", age)
	}
	if at := one(t, mfs, "phusong_snapshot_published_timestamp_seconds", nil).GetGauge().GetValue(); at < 1.7e9 {
		t.Errorf("phusong_snapshot_published_timestamp_seconds = %v", at)
	}
	// The first recompute and the one after the filing.
	if n := one(t, mfs, "phusong_recompute_duration_seconds", nil).GetHistogram().GetSampleCount(); n != 2 {
		t.Errorf("phusong_recompute_duration_seconds has %d samples, want 2", n)
	}
	build := map[string]string{"version": "v0.0.0-test", "commit": "abc123", "instance": "test-instance"}
	if got := one(t, mfs, "phusong_build_info", build).GetGauge().GetValue(); got != 1 {
		t.Errorf("phusong_build_info = %v", got)
	}
	if mfs["go_goroutines"] == nil {
		t.Errorf("no go_goroutines: the Go collector is missing")
	}
	if mfs["process_start_time_seconds"] == nil && runtime.GOOS == "linux" {
		t.Errorf("no process_start_time_seconds: the process collector is missing")
	}
}

// /readyz is 503 with a problem until the core has published figures, and
// then 200 with their generation; HEAD answers the same, and /healthz
// (the database) is 200 throughout.
func TestReadyz_NotReadyThenReady(t *testing.T) {
	_, core, hs := instanceServer(t)
	for _, method := range []string{"GET", "HEAD"} {
		res, body := send(t, method, hs.URL+"/readyz", "", "", "")
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s /readyz before the first recompute: %d %s", method, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if method == "GET" {
			var p Problem
			if err := json.Unmarshal(body, &p); err != nil || !strings.Contains(p.Detail, "no coverage snapshot is published yet") {
				t.Fatalf("the 503's problem: %s (%v)", body, err)
			}
		}
		if res.Header.Get("X-Phusong-Instance") != "test-instance" {
			t.Errorf("the 503 has no X-Phusong-Instance")
		}
	}
	if res, _ := send(t, "GET", hs.URL+"/healthz", "", "", ""); res.StatusCode != http.StatusOK {
		t.Fatalf("/healthz before the first recompute: %d", res.StatusCode)
	}
	if err := core.Recompute(context.Background()); err != nil {
		t.Fatal(err)
	}
	snap, _ := core.Current()
	res, body := send(t, "GET", hs.URL+"/readyz", "", "", "")
	var ready struct {
		Status     string   `json:"status"`
		Generation string   `json:"generation"`
		Age        *float64 `json:"snapshot_age_seconds"`
	}
	if err := json.Unmarshal(body, &ready); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("/readyz after the recompute: %d %s (%v)", res.StatusCode, body, err)
	}
	if ready.Status != "ready" || ready.Generation != snap.Generation() || ready.Age == nil || *ready.Age < 0 || *ready.Age > 60 {
		t.Fatalf("/readyz: %s, want ready at generation %q", body, snap.Generation())
	}
	if res, _ := send(t, "HEAD", hs.URL+"/readyz", "", "", ""); res.StatusCode != http.StatusOK {
		t.Fatalf("HEAD /readyz after the recompute: %d", res.StatusCode)
	}
}

// An instance name goes out in a header: one that could break it is
// refused by Validate.
func TestConfig_Instance(t *testing.T) {
	for _, c := range []struct {
		name, id string
		ok       bool
	}{
		{"none", "", true},
		{"host and port", "web-1.example.org:8080", true},
		{"space", "a b", true},
		{"line break", "bad\r\nX-Injected: 1", false},
		{"not ASCII", "tên", false},
		{"201 bytes", strings.Repeat("x", 201), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Instance = c.id
			if err := cfg.Validate(); (err == nil) != c.ok {
				t.Fatalf("Validate: %v, want ok %v", err, c.ok)
			}
		})
	}
}
