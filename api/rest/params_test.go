package rest

import (
	"encoding/json"
	"strings"
	"testing"
)

// A day after today is refused everywhere figures are asked for, as_of or
// OGC's datetime, with the core's words (api.Snapshot.CheckDay): a 400
// problem, never a file or a page labelled with that day.
func TestParams_FutureDayRefusedEverywhere(t *testing.T) {
	s := testServer(t)
	snap := s.mustSnapshot(t)
	asOf := snap.CheckDay("as_of", "9999-12-31").Error()
	datetime := snap.CheckDay("datetime", "9999-12-31").Error()
	cases := []struct {
		target, detail string
	}{
		{"/api/v1/export/mobile.csv?as_of=9999-12-31", asOf},
		{"/api/v1/export/mobile.geojson?as_of=9999-12-31T10:00:00Z", asOf},
		{"/api/v1/summary?as_of=9999-12-31", asOf},
		{"/api/v1/layers/mobile/communes?as_of=9999-12-31", asOf},
		{"/api/v1/report?format=csv&as_of=9999-12-31", asOf},
		{"/ogc/collections/mobile/items?datetime=9999-12-31", datetime},
		{"/ogc/collections/mobile/items?datetime=9999-12-31T10:00:00Z", datetime},
		{"/ogc/collections/communes/items?datetime=9999-12-31", datetime},
		{"/ogc/collections/mobile/items/04807?datetime=9999-12-31", datetime},
	}
	for _, c := range cases {
		t.Run(c.target, func(t *testing.T) {
			rec := get(t, s, "GET", c.target)
			var p Problem
			json.Unmarshal(rec.Body.Bytes(), &p)
			if rec.Code != 400 || rec.Header().Get("Content-Type") != "application/problem+json" || p.Detail != c.detail {
				t.Fatalf("%d %s %.300s, want 400 with %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body, c.detail)
			}
			if strings.Contains(rec.Header().Get("Content-Disposition"), "9999") {
				t.Fatalf("Content-Disposition %q", rec.Header().Get("Content-Disposition"))
			}
		})
	}
}
