package api

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// The what-if rasterises only its items on the coverage kept by the
// recompute; its answer must be exactly the answer of a full recompute
// with the items added to the filings in force, for items of every layer.
func TestWhatIf_EqualsFullRecompute(t *testing.T) {
	t.Run("on the 2019 communes", func(t *testing.T) { whatIfEqualsFullRecompute(t, demoService) })
	// Today's units are counted on the 2019 set's population surface and
	// the declarations made on the 2019 communes are carried to them.
	t.Run("on the default database's 2025 units", func(t *testing.T) { whatIfEqualsFullRecompute(t, defaultService) })
}

func whatIfEqualsFullRecompute(t *testing.T, service func(testing.TB) (*Service, *data.Store)) {
	s, _ := service(t)
	snap, err := s.Current()
	if err != nil {
		t.Fatal(err)
	}
	c0, c1 := snap.Communes[0].Point, snap.Communes[len(snap.Communes)/2].Point
	square := func(p orb.Point, d float64) json.RawMessage {
		b, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{
			{p[0] - d, p[1] - d}, {p[0] + d, p[1] - d}, {p[0] + d, p[1] + d}, {p[0] - d, p[1] + d}, {p[0] - d, p[1] - d}}}})
		return b
	}
	lon, lat := func(p orb.Point) *float64 { return &p[0] }, func(p orb.Point) *float64 { return &p[1] }
	for _, tc := range []struct {
		name string
		req  WhatIfRequest
	}{
		{"one 4G site", WhatIfRequest{Sites: []WhatIfSite{{Lon: lon(c0), Lat: lat(c0), RadiusM: 3000, WhatIfKind: WhatIfKind{Technology: "4G"}}}}},
		{"a large 5G site of another provider", WhatIfRequest{Sites: []WhatIfSite{{Lon: lon(c1), Lat: lat(c1), RadiusM: 20000,
			WhatIfKind: WhatIfKind{Technology: "5g", Provider: "mobifone"}}}}},
		{"broadcast central and local", WhatIfRequest{Sites: []WhatIfSite{
			{Lon: lon(c0), Lat: lat(c0), RadiusM: 8000, WhatIfKind: WhatIfKind{Layer: geo.Broadcast, Technology: "DVB-T2", Programme: "central"}},
			{Lon: lon(c1), Lat: lat(c1), RadiusM: 8000, WhatIfKind: WhatIfKind{Layer: geo.Broadcast, Technology: "FM", Programme: "local"}}}}},
		{"broadband and phone polygons", WhatIfRequest{Polygons: []WhatIfPolygon{
			{Geometry: square(c0, 0.05), WhatIfKind: WhatIfKind{Layer: geo.Broadband, Technology: "FTTH"}},
			{Geometry: square(c1, 0.02), WhatIfKind: WhatIfKind{Layer: geo.Phone, Technology: "fixed_line"}}}}},
		{"a site far from every commune", WhatIfRequest{Sites: []WhatIfSite{{Lon: ptr(100.0), Lat: ptr(10.0), RadiusM: 1000,
			WhatIfKind: WhatIfKind{Technology: "4G"}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.req
			got, err := s.WhatIf(context.Background(), &req)
			if err != nil {
				t.Fatal(err)
			}
			fps, decls, err := s.store.InForce(context.Background(), snap.Day)
			if err != nil {
				t.Fatal(err)
			}
			full, err := s.compute(context.Background(), snap, append(fps, req.footprints...), decls)
			if err != nil {
				t.Fatal(err)
			}
			want := snap.whatIfAnswer(&req, full)
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Fatalf("incremental what-if differs from a full recompute:\n got %.600s\nwant %.600s", g, w)
			}
			if tc.name != "a site far from every commune" && len(got.Layers) == 0 {
				t.Fatal("the items changed no layer")
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
