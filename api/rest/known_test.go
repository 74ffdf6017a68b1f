package rest

import (
	"context"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/api/apitest"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/data/pgtest"
	"github.com/phusong/phusong/geo"
)

// ?known_at= gives the figures as known on a day: a correction filed later
// with an earlier as_of changes the figures as known now, and leaves those
// published on the day before it exactly as they were, on the summary, the
// layer and the gaps alike.
func TestKnownAt_ReproducesWhatWasPublished(t *testing.T) {
	s, store, _ := writableServer(t)
	ctx := context.Background()
	viettel, _ := store.AddProvider(ctx, "viettel", []geo.Layer{geo.Mobile}, "test")
	vnpt, _ := store.AddProvider(ctx, "vnpt", []geo.Layer{geo.Mobile}, "test")
	if rec := post(t, s, "/api/v1/filings", viettel, "application/geo+json", "", goodFiling); rec.Code != http.StatusCreated {
		t.Fatalf("filing: %d %s", rec.Code, rec.Body)
	}
	// viettel's filing was received on 1 July 2025.
	db, err := pgtest.OpenDB(store.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("UPDATE filings SET submitted_at = '2025-07-01T09:00:00Z' WHERE provider = 'viettel'"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := s.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	summary := func(query string) summaryLayer {
		t.Helper()
		return decodeAs[summaryLayer](t, get(t, s, http.MethodGet, "/api/v1/summary?layer=mobile"+query), http.StatusOK)
	}
	published := summary("&as_of=2025-06-30").Province.Covered
	if published == 0 {
		t.Fatal("viettel's filing covers nobody")
	}
	// vnpt's correction, received today: it served another area since March.
	if rec := post(t, s, "/api/v1/filings", vnpt, "application/geo+json", "", correctionFiling()); rec.Code != http.StatusCreated {
		t.Fatalf("correction: %d %s", rec.Code, rec.Body)
	}
	if now := summary("&as_of=2025-06-30").Province.Covered; now <= published {
		t.Fatalf("as known now, 2025-06-30 has %v people covered; want more than the %v published", now, published)
	}
	known := summary("&as_of=2025-06-30&known_at=2025-07-02")
	if known.Province.Covered != published || known.KnownAt != "2025-07-02" || known.AsOf != "2025-06-30" {
		t.Errorf("as known on 2025-07-02: %v people covered (known_at %q, as_of %q); want the published %v",
			known.Province.Covered, known.KnownAt, known.AsOf, published)
	}
	if alone := summary("&known_at=2025-07-02"); alone.AsOf != "2025-07-02" || alone.Province.Covered != published {
		t.Errorf("known_at alone: as of %s, %v covered; want as of 2025-07-02, %v", alone.AsOf, alone.Province.Covered, published)
	}
	rec := get(t, s, http.MethodGet, "/api/v1/layers/mobile/communes?as_of=2025-06-30&known_at=2025-07-02")
	fc := decodeAs[struct {
		KnownAt  string `json:"known_at"`
		Features []struct {
			Properties struct {
				PopulationCovered float64 `json:"population_covered"`
			} `json:"properties"`
		} `json:"features"`
	}](t, rec, http.StatusOK)
	if fc.KnownAt != "2025-07-02" {
		t.Errorf("the layer says known_at %q", fc.KnownAt)
	}
	total := 0.0
	for _, f := range fc.Features {
		total += f.Properties.PopulationCovered
	}
	if math.Abs(total-published) > float64(len(fc.Features))/2+1 {
		t.Errorf("the layer as known on 2025-07-02 has %v people covered, the summary %v", total, published)
	}
	gaps := decodeAs[struct {
		KnownAt string `json:"known_at"`
		Total   struct {
			PeopleNotCovered float64 `json:"people_not_covered"`
		} `json:"total"`
	}](t, get(t, s, http.MethodGet, "/api/v1/gaps?layer=mobile&as_of=2025-06-30&known_at=2025-07-02"), http.StatusOK)
	if gaps.KnownAt != "2025-07-02" || math.Abs(gaps.Total.PeopleNotCovered-(float64(known.Province.Population)-published)) > 1 {
		t.Errorf("gaps as known on 2025-07-02: %+v; want %v people not covered", gaps, float64(known.Province.Population)-published)
	}
	for _, bad := range []string{"&known_at=2999-01-01", "&known_at=yesterday", "&as_of=2025-08-01&known_at=2025-07-02"} {
		if rec := get(t, s, http.MethodGet, "/api/v1/summary?layer=mobile"+bad); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, rec.Code)
		}
	}
}

// The targets as known on a day give the value published that day.
func TestKnownAt_Targets(t *testing.T) {
	s, store, _ := writableServer(t)
	ctx := context.Background()
	viettel, _ := store.AddProvider(ctx, "viettel", []geo.Layer{geo.Mobile}, "test")
	if rec := post(t, s, "/api/v1/filings", viettel, "application/geo+json", "", goodFiling); rec.Code != http.StatusCreated {
		t.Fatalf("filing: %d %s", rec.Code, rec.Body)
	}
	mobile := func(query string) (api.TargetAnswer, string) {
		t.Helper()
		ans := decodeAs[struct {
			KnownAt string             `json:"known_at"`
			Targets []api.TargetAnswer `json:"targets"`
		}](t, get(t, s, http.MethodGet, "/api/v1/targets"+query), http.StatusOK)
		for _, tg := range ans.Targets {
			if tg.Layer == geo.Mobile && tg.Measure == geo.MeasurePopulation {
				return tg, ans.KnownAt
			}
		}
		t.Fatal("no mobile population target")
		return api.TargetAnswer{}, ""
	}
	now, _ := mobile("?as_of=2025-06-30")
	before, knownAt := mobile("?as_of=2025-06-30&known_at=2025-07-02") // the filing was received today
	if now.Current.Value == 0 || before.Current.Value != 0 || knownAt != "2025-07-02" {
		t.Fatalf("mobile target as of 2025-06-30: %v as known now, %v as known on %s; want > 0 and 0", now.Current.Value, before.Current.Value, knownAt)
	}
}

// An export as known on a day carries the figures published that day and
// says so in its source.
func TestKnownAt_Export(t *testing.T) {
	s, store, _ := writableServer(t)
	viettel, _ := store.AddProvider(context.Background(), "viettel", []geo.Layer{geo.Mobile}, "test")
	if rec := post(t, s, "/api/v1/filings", viettel, "application/geo+json", "", goodFiling); rec.Code != http.StatusCreated {
		t.Fatalf("filing: %d %s", rec.Code, rec.Body)
	}
	covered := func(query string) (float64, string) {
		t.Helper()
		rec := get(t, s, http.MethodGet, "/api/v1/export/mobile.geojson?as_of=2025-06-30"+query)
		fc := decodeAs[struct {
			Source   string `json:"source"`
			Features []struct {
				Properties struct {
					PopulationCovered float64 `json:"population_covered"`
				} `json:"properties"`
			} `json:"features"`
		}](t, rec, http.StatusOK)
		sum := 0.0
		for _, f := range fc.Features {
			sum += f.Properties.PopulationCovered
		}
		return sum, fc.Source
	}
	now, _ := covered("")
	then, source := covered("&known_at=2025-07-02") // the filing was received today
	if now == 0 || then != 0 || !strings.Contains(source, "as known on 2025-07-02") {
		t.Fatalf("export as of 2025-06-30: %v people covered as known now, %v as known on 2025-07-02 (source %q)", now, then, source)
	}
}

// A printed report can be checked later: asked again with its as_of and
// known_at it has the same digest after a correction of the past, while
// the report as known now, which counts the correction, has another.
func TestReport_DigestChecksAPrintedCopy(t *testing.T) {
	store := apitest.SmallStore(t)
	s := newTestServer(DefaultConfig(), store, quietLog())
	ctx := context.Background()
	if err := s.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	digest := func(query string) string {
		t.Helper()
		rec := get(t, s, http.MethodGet, "/api/v1/report?format=csv&"+query)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", query, rec.Code, rec.Body)
		}
		first, _, _ := strings.Cut(rec.Body.String(), "\n")
		return first[strings.LastIndex(first, ",")+1:]
	}
	printed := digest("as_of=" + apitest.GoldenDay + "&known_at=" + apitest.GoldenKnownAt)
	if len(printed) != 19 {
		t.Fatalf("digest %q", printed)
	}
	// A correction received today: viettel covered the approximate commune too since March.
	if _, err := store.AddFilings(ctx, []data.Filing{{Provider: "mobifone", Layer: geo.Mobile, AsOf: "2025-03-01",
		Declarations: []geo.Declaration{{Provider: "mobifone", Layer: geo.Mobile, Technology: "4G", CommuneCode: "90003", Share: 0.8}}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	if again := digest("as_of=" + apitest.GoldenDay + "&known_at=" + apitest.GoldenKnownAt); again != printed {
		t.Errorf("the printed report's digest was %s; asked again after the correction it is %s", printed, again)
	}
	if now := digest("as_of=" + apitest.GoldenDay); now == printed {
		t.Errorf("the report as known now, with the correction, has the printed digest %s", now)
	}
}
