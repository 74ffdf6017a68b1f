package geo

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// Goals: Compute on Hòa Bình ≤ 20 ms, on Vietnam (121,087 footprints)
// ≤ 2 s and ≤ 2 GB peak. Run with
//
//	go test ./geo/ -run XXX -bench . -benchmem

func BenchmarkNewSurface(b *testing.B) {
	cases := []struct {
		name, file string
		load       func() ([]Commune, error)
	}{
		{"HoaBinh", hoaBinhCommunesFile, hoaBinhCommunes},
		{"Vietnam", vietnamCommunesFile, vietnamCommunes},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			cs := loadCommunes(b, tc.file, tc.load)
			var s *Surface
			for b.Loop() {
				var err error
				if s, err = NewSurface(cs, SurfaceOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(s.Stats().Cells), "cells")
			b.ReportMetric(float64(len(cs)), "communes")
			reportPeakRSS(b)
		})
	}
}

// computeBench times Compute of the footprints, every layer and breakdown.
func computeBench(b *testing.B, s *Surface, fps []Footprint) {
	b.Helper()
	opt := DefaultOptions()
	var res *Result
	for b.Loop() {
		var err error
		if res, err = s.Compute(fps, nil, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(fps)), "footprints")
	b.ReportMetric(100*res.Layer(Mobile).Breakdown(KindAll).Province.Share, "%covered")
	reportPeakRSS(b)
}

// reportPeakRSS reports the process's peak resident memory (Linux VmHWM) in
// MB. It covers everything the process did so far, loading the inputs
// included, so "make bench" runs each benchmark in a process of its own.
func reportPeakRSS(b *testing.B) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			if _, err := fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb); err == nil {
				b.ReportMetric(kb/1024, "MB-peak-RSS")
			}
		}
	}
}

func BenchmarkCompute_HoaBinh(b *testing.B) {
	cs := loadCommunes(b, hoaBinhCommunesFile, hoaBinhCommunes)
	fps := loadFootprints(b, hoaBinhMobileFile, hoaBinhMobile)
	s, err := NewSurface(cs, SurfaceOptions{})
	if err != nil {
		b.Fatal(err)
	}
	computeBench(b, s, fps)
}

func BenchmarkCompute_Vietnam(b *testing.B) {
	cs := loadCommunes(b, vietnamCommunesFile, vietnamCommunes)
	fps := loadFootprints(b, vietnamMobileFile, vietnamMobile)
	s, err := NewSurface(cs, SurfaceOptions{})
	if err != nil {
		b.Fatal(err)
	}
	computeBench(b, s, fps)
}

// BenchmarkCompute_WhatIf_HoaBinh is a planner's what-if: the seed-1
// scenario plus one 4G site of 3 km radius in the commune with the least
// coverage.
func BenchmarkCompute_WhatIf_HoaBinh(b *testing.B) {
	whatIfBench(b, loadCommunes(b, hoaBinhCommunesFile, hoaBinhCommunes), loadFootprints(b, hoaBinhMobileFile, hoaBinhMobile))
}

// BenchmarkCompute_WhatIf_Vietnam is the same what-if on the national set
// (goal: ≤ 200 ms). Compute recomputes everything, so it costs a full
// national recompute.
func BenchmarkCompute_WhatIf_Vietnam(b *testing.B) {
	whatIfBench(b, loadCommunes(b, vietnamCommunesFile, vietnamCommunes), loadFootprints(b, vietnamMobileFile, vietnamMobile))
}

func whatIfBench(b *testing.B, cs []Commune, base []Footprint) {
	s, err := NewSurface(cs, SurfaceOptions{})
	if err != nil {
		b.Fatal(err)
	}
	res, err := s.Compute(base, nil, DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	worst := 0
	figs := res.Layer(Mobile).Breakdown(KindAll).Communes
	for i, f := range figs {
		if f.Population > 0 && (figs[worst].Population == 0 || f.Share < figs[worst].Share) {
			worst = i
		}
	}
	site := Footprint{Provider: "vnpt", Layer: Mobile, Technology: "4G",
		Geometry: orb.MultiPolygon{{circle(cs[worst].Geometry.Bound().Center(), 3000)}}}
	fps := append(base[:len(base):len(base)], site)
	computeBench(b, s, fps)
}

// circle is a 32-vertex circle of r metres around c, as the scenarios draw
// their sites.
func circle(c orb.Point, r float64) orb.Ring {
	ring := make(orb.Ring, 0, 33)
	for k := range 32 {
		t := 2 * math.Pi * float64(k) / 32
		ring = append(ring, orb.Point{
			c[0] + r*math.Cos(t)/(111320*math.Cos(c[1]*math.Pi/180)),
			c[1] + r*math.Sin(t)/110574,
		})
	}
	return append(ring, ring[0])
}
