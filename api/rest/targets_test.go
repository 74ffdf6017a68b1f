package rest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/data/pgtest"
	"github.com/phusong/phusong/geo"
)

// demoServer is a server on a store of its own seeded with the
// demonstration filings, for tests that write.
func demoServer(t *testing.T) (*Server, *data.Store) {
	t.Helper()
	return seededServer(t, func(ctx context.Context, store *data.Store) (bool, error) { return store.SeedDefault2019(ctx, true) })
}

// defaultServer is a server on a store of its own seeded as a new user's:
// three unit sets, today's the 46 units of 2025.
func defaultServer(t *testing.T) (*Server, *data.Store) {
	t.Helper()
	return seededServer(t, func(ctx context.Context, store *data.Store) (bool, error) { return store.SeedDefault(ctx, true) })
}

func seededServer(t *testing.T, seed func(context.Context, *data.Store) (bool, error)) (*Server, *data.Store) {
	t.Helper()
	ctx := context.Background()
	store, err := data.Open(ctx, pgtest.Path(t, t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := seed(ctx, store); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(DefaultConfig(), store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := s.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	return s, store
}

// decodeAs decodes an answer's JSON body, failing on another status.
func decodeAs[T any](t *testing.T, rec *httptest.ResponseRecorder, status int) T {
	t.Helper()
	var v T
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	return v
}

type targetsBody struct {
	AsOf     string             `json:"as_of"`
	DataAsOf string             `json:"data_as_of"`
	Targets  []api.TargetAnswer `json:"targets"`
	Rules    map[string]string
}

func targetsAt(t *testing.T, s *Server, query string) targetsBody {
	t.Helper()
	return decodeAs[targetsBody](t, get(t, s, "GET", "/api/v1/targets"+query), 200)
}

// On first start the four targets have a value, a history of at least five
// dates and a forecast (or "not at the current pace").
func TestTargets_FirstStart(t *testing.T) {
	s := testServer(t)
	body := targetsAt(t, s, "")
	if len(body.Targets) != 4 || body.DataAsOf == "" || body.Rules["reached"] == "" || body.Rules["forecast"] == "" {
		t.Fatalf("%d targets, data as of %q, rules %v", len(body.Targets), body.DataAsOf, body.Rules)
	}
	layers := map[geo.Layer]bool{}
	for _, a := range body.Targets {
		layers[a.Layer] = true
		dates := map[string]bool{}
		for _, h := range a.History {
			dates[h.Date] = true
		}
		last := a.History[len(a.History)-1]
		switch {
		case len(dates) < 5:
			t.Errorf("target %d: history of %d dates, want at least 5", a.ID, len(dates))
		case last.Value != a.Current.Value || last.Date != body.DataAsOf:
			t.Errorf("target %d: the history ends at %+v, not at the current value %v", a.ID, last, a.Current.Value)
		case a.Current.Denominator == 0 || a.Current.Value <= 0 || a.Current.Value > 1:
			t.Errorf("target %d: current %+v", a.ID, a.Current)
		case a.Current.Met && a.Forecast.Outcome != geo.OutcomeMet,
			!a.Current.Met && a.Forecast.Outcome != geo.OutcomeForecast && a.Forecast.Outcome != geo.OutcomeNotPace,
			a.Forecast.Outcome == geo.OutcomeForecast && a.Forecast.Date <= last.Date,
			a.Forecast.Outcome == geo.OutcomeNotPace && a.Forecast.Note == "":
			t.Errorf("target %d: met %v, forecast %+v", a.ID, a.Current.Met, a.Forecast)
		case a.Filter == geo.FilterAll && a.RemoteCommunes == nil:
			t.Errorf("target %d counts remote communes but does not show them alone", a.ID)
		}
		if !a.Current.Met && (a.Current.GapCommunes == 0 || a.Current.GapPeople <= 0) {
			t.Errorf("target %d: not met, but no gap: %+v", a.ID, a.Current)
		}
		t.Logf("%-9s %.4f met=%v gap %v people, %d communes; %d dates; %s", a.Layer, a.Current.Value, a.Current.Met,
			a.Current.GapPeople, a.Current.GapCommunes, len(dates), a.Forecast.Note)
	}
	if len(layers) != 4 {
		t.Fatalf("targets of layers %v, want all four", layers)
	}
}

func TestTargets_AsOf(t *testing.T) {
	s := testServer(t)
	now := targetsAt(t, s, "")
	cases := []struct {
		name, query string
		status      int
	}{
		{"not a date", "?as_of=2020-13-01", 400},
		{"another format", "?as_of=01/01/2020", 400},
		{"the future", "?as_of=" + time.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly), 400},
		{"retired not a bool", "?retired=yes", 400},
		{"before every filing", "?as_of=2000-01-01", 200},
		{"between filings", "?as_of=2020-01-01", 200},
		{"today", "?as_of=" + time.Now().UTC().Format(time.DateOnly), 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := get(t, s, "GET", "/api/v1/targets"+c.query)
			if rec.Code != c.status {
				t.Fatalf("%d, want %d: %s", rec.Code, c.status, rec.Body)
			}
		})
	}
	before := targetsAt(t, s, "?as_of=2000-01-01")
	for _, a := range before.Targets {
		if a.Current.Value != 0 || len(a.History) != 0 || a.Current.Met || before.DataAsOf != "" {
			t.Fatalf("before any filing: %+v, %d history points, data as of %q", a.Current, len(a.History), before.DataAsOf)
		}
	}
	// Between two filing dates: the figures of the latest date before it.
	mid := targetsAt(t, s, "?as_of=2020-01-01")
	for i, a := range mid.Targets {
		h := a.History[len(a.History)-1]
		full := now.Targets[i].History[len(a.History)-1]
		if h.Date > "2020-01-01" || h != full || a.Current.Value != h.Value || mid.DataAsOf != h.Date || mid.AsOf != "2020-01-01" {
			t.Fatalf("target %d as of 2020-01-01: current %v, last point %+v (today's history has %+v there); data as of %s",
				a.ID, a.Current.Value, h, full, mid.DataAsOf)
		}
	}
}

// A new filing raises the mobile target's value, narrows its gap and adds
// a date to its history; as of the day before, the old value stands.
func TestTargets_NewFilingChangesMobileTarget(t *testing.T) {
	s, store := demoServer(t)
	ctx := context.Background()
	mobile := func(b targetsBody) api.TargetAnswer {
		for _, a := range b.Targets {
			if a.Layer == geo.Mobile {
				return a
			}
		}
		t.Fatal("no mobile target")
		return api.TargetAnswer{}
	}
	before := mobile(targetsAt(t, s, ""))
	layerBefore := get(t, s, "GET", "/api/v1/layers/mobile/communes").Body.String()
	summaryBefore := get(t, s, "GET", "/api/v1/summary?layer=mobile").Body.String()

	// A 4G site of a new operator (a filing supersedes its provider's earlier
	// ones of the technology) over the commune with the most people not covered.
	snap, _ := s.core.Current()
	figs, _ := snap.FiguresAt("")
	worst := geo.RankGaps(figs[geo.Mobile], nil)[0]
	today := time.Now().UTC().Format(time.DateOnly)
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	site := geo.Footprint{Technology: "4G", Geometry: orb.MultiPolygon{geo.Circle(snap.Communes[worst.Index].Point, 3000)}}
	if _, err := store.AddFilings(ctx, []data.Filing{{Provider: "newtel", Layer: geo.Mobile, AsOf: today, Footprints: []geo.Footprint{site}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	after := mobile(targetsAt(t, s, ""))
	if !(after.Current.Value > before.Current.Value) || !(after.Current.GapPeople < before.Current.GapPeople) {
		t.Fatalf("after the filing: %+v, before %+v", after.Current, before.Current)
	}
	if len(after.History) != len(before.History)+1 || after.History[len(after.History)-1].Date != today ||
		after.History[len(after.History)-1].Value != after.Current.Value {
		t.Fatalf("history: %d points ending %+v; before %d points", len(after.History), after.History[len(after.History)-1], len(before.History))
	}
	for i, h := range before.History {
		if after.History[i] != h {
			t.Fatalf("an earlier point changed: %+v, was %+v", after.History[i], h)
		}
	}
	old := mobile(targetsAt(t, s, "?as_of="+yesterday))
	if old.Current != before.Current || len(old.History) != len(before.History) {
		t.Fatalf("as of %s: %+v with %d points, want the old %+v with %d", yesterday, old.Current, len(old.History), before.Current, len(before.History))
	}
	// The layer and the summary as of yesterday are as they were.
	strip := func(s string) string { // computed_at and as_of differ; the figures must not
		var m map[string]any
		json.Unmarshal([]byte(s), &m)
		delete(m, "computed_at")
		delete(m, "as_of")
		b, _ := json.Marshal(m)
		return string(b)
	}
	if got := get(t, s, "GET", "/api/v1/layers/mobile/communes?as_of="+yesterday).Body.String(); strip(got) != strip(layerBefore) {
		t.Fatal("the layer as of yesterday differs from the layer before the filing")
	}
	if got := get(t, s, "GET", "/api/v1/summary?layer=mobile&as_of="+yesterday).Body.String(); strip(got) != strip(summaryBefore) {
		t.Fatalf("the summary as of yesterday differs from before the filing:\n%s\n%s", got, summaryBefore)
	}
	if got := get(t, s, "GET", "/api/v1/summary?layer=mobile").Body.String(); strip(got) == strip(summaryBefore) {
		t.Fatal("the summary now has not changed")
	}
}

func TestTargets_AdminWrites(t *testing.T) {
	s, store, _ := writableServer(t)
	ctx := context.Background()
	admin, provider := adminAndProvider(t, store)
	valid := `{"layer":"mobile","measure":"population","value":0.8,"deadline":"2028-12-31","filter":"remote",
		"title_vi":"Di động phủ 80% dân số xã vùng sâu","title_en":"Mobile reaches 80% of people in remote communes"}`
	cases := []struct {
		name, method, path, token, body string
		status                          int
	}{
		{"no token", "POST", "/api/v1/targets", "", valid, 401},
		{"provider token", "POST", "/api/v1/targets", provider, valid, 403},
		{"not JSON", "POST", "/api/v1/targets", admin, "{", 400},
		{"unknown field", "POST", "/api/v1/targets", admin, `{"layer":"mobile","colour":"red"}`, 400},
		{"value out of range", "POST", "/api/v1/targets", admin, strings.Replace(valid, "0.8", "80", 1), 400},
		{"communes without threshold", "POST", "/api/v1/targets", admin, strings.Replace(valid, `"population"`, `"communes"`, 1), 400},
		{"create", "POST", "/api/v1/targets", admin, valid, 201},
		{"change nothing", "PATCH", "/api/v1/targets/5", admin, `{}`, 400},
		{"change into invalid", "PATCH", "/api/v1/targets/5", admin, `{"deadline":"soon"}`, 400},
		{"change unknown", "PATCH", "/api/v1/targets/99", admin, `{"value":0.9}`, 404},
		{"change", "PATCH", "/api/v1/targets/5", admin, `{"value":0.9,"title_en":"Mobile reaches 90% in remote communes"}`, 200},
		{"retire unknown", "DELETE", "/api/v1/targets/x", admin, "", 404},
		{"retire", "DELETE", "/api/v1/targets/5", admin, "", 200},
		{"retire again", "DELETE", "/api/v1/targets/5", admin, "", 409},
		{"change retired", "PATCH", "/api/v1/targets/5", admin, `{"value":0.95}`, 409},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := do(t, s, c.method, c.path, c.token, c.body)
			if rec.Code != c.status {
				t.Fatalf("%d, want %d: %s", rec.Code, c.status, rec.Body)
			}
			if c.status >= 400 && rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Fatalf("error answered as %s", rec.Header().Get("Content-Type"))
			}
			if c.name == "change" {
				a := decodeAs[struct{ Target api.TargetAnswer }](t, rec, 200).Target
				if a.Value != 0.9 || a.Filter != geo.FilterRemote || a.TitleVI == "" || a.Current.Denominator == 0 {
					t.Fatalf("changed target %+v", a)
				}
			}
		})
	}
	if n := len(targetsAt(t, s, "").Targets); n != 4 {
		t.Fatalf("%d targets listed, want the 4 in force", n)
	}
	all := targetsAt(t, s, "?retired=true").Targets
	if len(all) != 5 || all[4].RetiredAt == "" || all[4].Value != 0.9 {
		t.Fatalf("with retired: %d, last %+v", len(all), all[len(all)-1])
	}
	if rec := get(t, s, "GET", "/api/v1/targets/5"); rec.Code != 200 {
		t.Fatalf("a retired target by id: %d", rec.Code)
	}
	if rec := get(t, s, "GET", "/api/v1/targets/77"); rec.Code != 404 {
		t.Fatalf("an unknown target: %d", rec.Code)
	}
	entries, _ := store.Audit(ctx, 20)
	var actions []string
	for _, e := range entries {
		if strings.HasPrefix(e.Action, "target.") {
			actions = append(actions, e.Action+" by "+e.Actor)
		}
	}
	if strings.Join(actions, ", ") != "target.retire by admin, target.change by admin, target.add by admin" {
		t.Fatalf("audit: %v", actions)
	}
}
