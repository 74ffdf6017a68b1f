package rest

import (
	"context"
	"net/http"
	"strconv"
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
