package geo

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

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
		worldPop   bool // people placed by the WorldPop grid, not evenly
	}{
		{"HoaBinh", hoaBinhCommunesFile, hoaBinhCommunes, false},
		{"Vietnam", vietnamCommunesFile, vietnamCommunes, false},
		{"HoaBinhWorldPop", hoaBinhCommunesFile, hoaBinhCommunes, true},
		{"VietnamWorldPop", vietnamCommunesFile, vietnamCommunes, true},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			cs := loadCommunes(b, tc.file, tc.load)
			var opt SurfaceOptions
			if tc.worldPop {
				opt.Grid = worldPop(b, cs)
			}
			var s *Surface
			for b.Loop() {
				var err error
				if s, err = NewSurface(cs, opt); err != nil {
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

// BenchmarkCompute_VietnamWorldPop is Compute_Vietnam on the WorldPop
// surface: people placed by the grid cost a lookup per covered run.
func BenchmarkCompute_VietnamWorldPop(b *testing.B) {
	cs := loadCommunes(b, vietnamCommunesFile, vietnamCommunes)
	fps := loadFootprints(b, vietnamMobileFile, vietnamMobile)
	s, err := NewSurface(cs, SurfaceOptions{Grid: worldPop(b, cs)})
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
// national recompute; BenchmarkWhatIf_Vietnam is the same answer from a
// Base.
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
	fps := append(base[:len(base):len(base)], whatIfSite(cs, res))
	computeBench(b, s, fps)
}

// whatIfSite is the benchmarks' what-if: one vnpt 4G site of 3 km radius
// in the populated commune with the least mobile coverage.
func whatIfSite(cs []Commune, res *Result) Footprint {
	return Footprint{Provider: "vnpt", Layer: Mobile, Technology: "4G",
		Geometry: orb.MultiPolygon{{circle(cs[leastCovered(res)].Geometry.Bound().Center(), 3000)}}}
}

// BenchmarkWhatIf_HoaBinh is BenchmarkCompute_WhatIf_HoaBinh answered by
// Base.WhatIf from the seed-1 scenario's Base (goal: ≤ 5 ms).
func BenchmarkWhatIf_HoaBinh(b *testing.B) {
	baseWhatIfBench(b, loadCommunes(b, hoaBinhCommunesFile, hoaBinhCommunes), loadFootprints(b, hoaBinhMobileFile, hoaBinhMobile))
}

// BenchmarkWhatIf_Vietnam is BenchmarkCompute_WhatIf_Vietnam answered by
// Base.WhatIf (goal: p95 ≤ 50 ms).
func BenchmarkWhatIf_Vietnam(b *testing.B) {
	baseWhatIfBench(b, loadCommunes(b, vietnamCommunesFile, vietnamCommunes), loadFootprints(b, vietnamMobileFile, vietnamMobile))
}

// baseWhatIfBench times Base.WhatIf of whatIfSite, reporting besides the
// mean the median and 95th percentile of the iterations (ms-p50, ms-p95)
// and the memory the Base holds (MB-base).
func baseWhatIfBench(b *testing.B, cs []Commune, fps []Footprint) {
	b.Helper()
	s, err := NewSurface(cs, SurfaceOptions{})
	if err != nil {
		b.Fatal(err)
	}
	res, base, err := s.ComputeBase(fps, nil, DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	extra := []Footprint{whatIfSite(cs, res)}
	var took []time.Duration
	var after *Result
	for b.Loop() {
		start := time.Now()
		if after, err = base.WhatIf(extra); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	at := func(q float64) float64 {
		return float64(took[min(len(took)-1, int(q*float64(len(took))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "ms-p50")
	b.ReportMetric(at(0.95), "ms-p95")
	b.ReportMetric(float64(base.bytes)/1e6, "MB-base")
	b.ReportMetric(100*after.Layer(Mobile).Breakdown(KindAll).Province.Share, "%covered")
	reportPeakRSS(b)
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

// BenchmarkPeopleMap times the people map (1 km squares of people and
// uncovered people) of the mobile layer on the WorldPop surface, the
// scenario filed.
func BenchmarkPeopleMap(b *testing.B) {
	cases := []struct {
		name, communes, footprints string
		load                       func() ([]Commune, error)
		loadFps                    func() ([]Footprint, error)
	}{
		{"HoaBinh", hoaBinhCommunesFile, hoaBinhMobileFile, hoaBinhCommunes, hoaBinhMobile},
		{"Vietnam", vietnamCommunesFile, vietnamMobileFile, vietnamCommunes, vietnamMobile},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			cs := loadCommunes(b, tc.communes, tc.load)
			fps := loadFootprints(b, tc.footprints, tc.loadFps)
			s, err := NewSurface(cs, SurfaceOptions{Grid: worldPop(b, cs)})
			if err != nil {
				b.Fatal(err)
			}
			_, base, err := s.ComputeBase(fps, nil, DefaultOptions())
			if err != nil {
				b.Fatal(err)
			}
			var m *PeopleMap
			for b.Loop() {
				if m, err = base.PeopleMap(Mobile, 1000); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(m.Squares)), "squares")
			b.ReportMetric(float64(len(m.Clusters(20, 0))), "clusters")
		})
	}
}
