package rest

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/geo"
)

// A withdrawal stops a filing counting from the day it is made on: the
// figures of every earlier date, and the targets' history points on them,
// stay what they were; today's drop.
func TestWithdrawal_LeavesThePastAsItWas(t *testing.T) {
	s, store, _ := writableServer(t)
	ctx := context.Background()
	token, err := store.AddProvider(ctx, "viettel", []geo.Layer{geo.Mobile}, "test")
	if err != nil {
		t.Fatal(err)
	}
	rec := post(t, s, "/api/v1/filings", token, "application/geo+json", "", goodFiling) // as_of 2025-06-30
	if rec.Code != http.StatusCreated {
		t.Fatalf("filing: %d %s", rec.Code, rec.Body)
	}
	id := decode[filingAnswer](t, rec).ID
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	covered := func(asOf string) float64 {
		t.Helper()
		path := "/api/v1/summary?layer=mobile"
		if asOf != "" {
			path += "&as_of=" + asOf
		}
		return decodeAs[summaryLayer](t, get(t, s, http.MethodGet, path), http.StatusOK).Province.Covered
	}
	history := func() []api.HistoryPoint {
		t.Helper()
		ts := decodeAs[struct {
			Targets []api.TargetAnswer `json:"targets"`
		}](t, get(t, s, http.MethodGet, "/api/v1/targets"), http.StatusOK)
		for _, tg := range ts.Targets {
			if tg.Layer == geo.Mobile && tg.Measure == geo.MeasurePopulation {
				return tg.History
			}
		}
		t.Fatal("no mobile population target")
		return nil
	}
	before, beforeToday, beforeHistory := covered(yesterday), covered(""), history()
	if before == 0 || beforeToday != before {
		t.Fatalf("with the filing: %v people covered yesterday, %v today; want the same, not 0", before, beforeToday)
	}
	if rec := do(t, s, http.MethodDelete, "/api/v1/filings/"+strconv.FormatInt(id, 10), token, ""); rec.Code != http.StatusOK {
		t.Fatalf("withdrawal: %d %s", rec.Code, rec.Body)
	}
	if got := covered(yesterday); got != before {
		t.Errorf("after the withdrawal yesterday's figure is %v, was %v: the past was rewritten", got, before)
	}
	if got := covered(""); got != 0 {
		t.Errorf("after the withdrawal today's figure is %v, want 0", got)
	}
	after := history()
	for _, p := range beforeHistory {
		found := false
		for _, q := range after {
			if q.Date == p.Date {
				found = true
				if q != p {
					t.Errorf("history point %s changed: %+v, was %+v", p.Date, q, p)
				}
			}
		}
		if !found {
			t.Errorf("history point %s is gone", p.Date)
		}
	}
	if last := after[len(after)-1]; last.Value != 0 || last.Date != time.Now().UTC().Format(time.DateOnly) {
		t.Errorf("the history ends with %+v; want today's withdrawal, with value 0", last)
	}
}

// A correction filed later with an earlier as_of changes the past as known
// now; the target's history shows the value first published beside it.
func TestCorrection_HistoryShowsThePublishedValue(t *testing.T) {
	s, store, _ := writableServer(t)
	ctx := context.Background()
	viettel, _ := store.AddProvider(ctx, "viettel", []geo.Layer{geo.Mobile}, "test")
	vnpt, _ := store.AddProvider(ctx, "vnpt", []geo.Layer{geo.Mobile}, "test")
	if rec := post(t, s, "/api/v1/filings", viettel, "application/geo+json", "", goodFiling); rec.Code != http.StatusCreated {
		t.Fatalf("filing: %d %s", rec.Code, rec.Body)
	}
	point := func(day string) api.HistoryPoint {
		t.Helper()
		ts := decodeAs[struct {
			Targets []api.TargetAnswer `json:"targets"`
		}](t, get(t, s, http.MethodGet, "/api/v1/targets"), http.StatusOK)
		for _, tg := range ts.Targets {
			if tg.Layer == geo.Mobile && tg.Measure == geo.MeasurePopulation {
				for _, p := range tg.History {
					if p.Date == day {
						return p
					}
				}
			}
		}
		t.Fatalf("no mobile history point on %s", day)
		return api.HistoryPoint{}
	}
	published := point("2025-06-30")
	if published.PublishedValue != nil {
		t.Fatalf("a first value says it differs from what was published: %+v", published)
	}
	// vnpt's correction: it served another area since March.
	if rec := post(t, s, "/api/v1/filings", vnpt, "application/geo+json", "", correctionFiling()); rec.Code != http.StatusCreated {
		t.Fatalf("correction: %d %s", rec.Code, rec.Body)
	}
	now := point("2025-06-30")
	if now.Value <= published.Value || now.PublishedValue == nil || *now.PublishedValue != published.Value || *now.PublishedMet != published.Met {
		t.Fatalf("after the correction: %+v (value %v, published %v); want the new value with the published one beside it",
			now, now.Value, published.Value)
	}
}

// correctionFiling is goodFiling moved east and dated earlier (as_of
// 2025-03-01): filed later, it changes the past.
func correctionFiling() string {
	c := strings.Replace(goodFiling, `"as_of":"2025-06-30"`, `"as_of":"2025-03-01"`, 1)
	return strings.NewReplacer("105.28", "105.40", "105.38", "105.50").Replace(c)
}
