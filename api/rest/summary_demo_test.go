package rest

import (
	"encoding/json"
	"testing"
)

// The summary says whether demonstration filings give its figures: true on
// the demonstration seed, false on a store seeded without them, for the province and the layer summaries alike.
func TestSummary_Demo(t *testing.T) {
	writable, _, _ := writableServer(t)
	demo := func(t *testing.T, s *Server, target string) bool {
		t.Helper()
		rec := get(t, s, "GET", target)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
		}
		var out struct {
			Demo *bool `json:"demo"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Demo == nil {
			t.Fatalf("%s: no demo field (%v): %s", target, err, rec.Body)
		}
		return *out.Demo
	}
	for _, target := range []string{"/api/v1/summary", "/api/v1/summary?layer=mobile"} {
		t.Run(target, func(t *testing.T) {
			if !demo(t, testServer(t), target) {
				t.Error("demonstration seed: demo = false")
			}
			if demo(t, writable, target) {
				t.Error("seed without demonstration filings: demo = true")
			}
		})
	}
}
