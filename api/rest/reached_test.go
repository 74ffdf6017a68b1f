package rest

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/geo"
)

// One number for "communes reached": the summary (every layer, and one
// layer with its districts) counts communes reached at the threshold of
// the layer's communes target, says that threshold, and equals the
// target's own count; changing the target's threshold moves both.
func TestReached_SummaryEqualsTheTarget(t *testing.T) {
	s, store := demoServer(t) // the demonstration filings: counts that are not all 0
	admin, err := store.NewAdminToken(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	check := func(wantThreshold float64) {
		t.Helper()
		all := decodeAs[summaryAll](t, get(t, s, http.MethodGet, "/api/v1/summary"), http.StatusOK)
		phone := decodeAs[summaryLayer](t, get(t, s, http.MethodGet, "/api/v1/summary?layer=phone"), http.StatusOK)
		targets := decodeAs[struct {
			Targets []api.TargetAnswer `json:"targets"`
		}](t, get(t, s, http.MethodGet, "/api/v1/targets"), http.StatusOK)
		var target *api.TargetAnswer
		for i, tg := range targets.Targets {
			if tg.Layer == geo.Phone && tg.Measure == geo.MeasureCommunes && tg.Filter == geo.FilterAll {
				target = &targets.Targets[i]
			}
		}
		if target == nil {
			t.Fatal("no phone communes target")
		}
		if target.Threshold != wantThreshold {
			t.Fatalf("the phone target's threshold is %v, want %v", target.Threshold, wantThreshold)
		}
		for name, r := range map[string]geo.Rollup{"summary of every layer": all.Layers[geo.Phone], "phone summary": phone.Province} {
			if float64(r.CommunesReached) != target.Current.Numerator || r.ReachedThreshold != wantThreshold {
				t.Errorf("%s: %d communes reached at %v; the target counts %v at %v", name, r.CommunesReached, r.ReachedThreshold,
					target.Current.Numerator, target.Threshold)
			}
		}
		// The export's reached column counts the same communes.
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(get(t, s, http.MethodGet, "/api/v1/export/phone.csv").Body.String(), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col, exported := slices.Index(rows[0], "reached"), 0
		for _, r := range rows[1:] {
			if r[col] == "true" {
				exported++
			}
		}
		if exported != phone.Province.CommunesReached {
			t.Errorf("the phone export has %d communes reached, the summary %d", exported, phone.Province.CommunesReached)
		}
		sum := 0
		for _, d := range phone.Districts {
			sum += d.CommunesReached
			if d.ReachedThreshold != wantThreshold {
				t.Errorf("district %s counts at %v", d.Name, d.ReachedThreshold)
			}
		}
		if phone.Province.CommunesReached == 0 || phone.Province.CommunesReached == phone.Province.Communes {
			t.Errorf("%d of %d phone communes reached: the test needs some but not all", phone.Province.CommunesReached, phone.Province.Communes)
		}
		if sum != phone.Province.CommunesReached {
			t.Errorf("districts add up to %d communes reached, the province %d", sum, phone.Province.CommunesReached)
		}
		if all.Layers[geo.Mobile].ReachedThreshold != all.Method.CoveredThreshold {
			t.Errorf("mobile, with no communes target, counts at %v, want the covered threshold", all.Layers[geo.Mobile].ReachedThreshold)
		}
		if all.Method.ReachedThresholds[geo.Phone] != wantThreshold {
			t.Errorf("the method says phone is reached at %v", all.Method.ReachedThresholds[geo.Phone])
		}
	}
	check(0.5)
	// The admin raises the phone target's threshold: the counts follow.
	targets := decodeAs[struct {
		Targets []api.TargetAnswer `json:"targets"`
	}](t, get(t, s, http.MethodGet, "/api/v1/targets"), http.StatusOK)
	for _, tg := range targets.Targets {
		if tg.Layer == geo.Phone && tg.Measure == geo.MeasureCommunes {
			rec := do(t, s, http.MethodPatch, fmt.Sprintf("/api/v1/targets/%d", tg.ID), admin, `{"threshold":0.8}`)
			if rec.Code != http.StatusOK {
				t.Fatalf("PATCH: %d %s", rec.Code, rec.Body)
			}
		}
	}
	check(0.8)
}
