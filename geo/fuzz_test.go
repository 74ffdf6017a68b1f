package geo

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// addCatalogue seeds a fuzz target with the broken filings of the
// catalogue in testdata/filings, plus valid ones.
func addCatalogue(f *testing.F, ext string) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "filings", "*"+ext))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
}

// checkSubmission asserts what a filing that passed validation guarantees
// to the store and the calculator.
func checkSubmission(t *testing.T, sub *Submission, err error) {
	if err != nil {
		var ie *InputError
		if !errors.As(err, &ie) || len(ie.Problems) == 0 {
			t.Fatalf("an error that is not a list of problems: %v", err)
		}
		for _, p := range ie.Problems {
			if p.Code == "" || p.Message == "" {
				t.Fatalf("a problem without code or message: %+v", p)
			}
		}
		return
	}
	if !sub.Layer.Valid() {
		t.Fatalf("accepted layer %q", sub.Layer)
	}
	for _, fp := range sub.Footprints {
		if msg := CheckPolygonal(fp.Geometry); msg != "" {
			t.Fatalf("accepted a footprint that %s", msg)
		}
	}
	for _, d := range sub.Declarations {
		if !(d.Share >= 0 && d.Share <= 1) || d.CommuneCode == "" {
			t.Fatalf("accepted declaration %+v", d)
		}
	}
}

func FuzzParseFilingGeoJSON(f *testing.F) {
	addCatalogue(f, ".geojson")
	f.Add([]byte(`{"type":"FeatureCollection","layer":"mobile","as_of":"2025-01-01","features":[{"type":"Feature","properties":{"technology":"4G"},"geometry":{"type":"Polygon","coordinates":[[[105.1,20.1],[105.2,20.1],[105.2,20.2],[105.1,20.1]]]}}]}`))
	f.Add([]byte(strings.Repeat("[", 20000)))
	f.Fuzz(func(t *testing.T, raw []byte) {
		sub, err := ParseFilingGeoJSON(raw, testRules())
		checkSubmission(t, sub, err)
	})
}

func FuzzParseFilingCSV(f *testing.F) {
	addCatalogue(f, ".csv")
	f.Add([]byte("commune_code,technology,share\n04807,FTTH,0.5\n"))
	f.Add([]byte("\"unterminated\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		sub, err := ParseFilingCSV(raw, "broadband", "2025-01-01", testRules())
		checkSubmission(t, sub, err)
	})
}

func FuzzReadCommunes(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"gso_code":"1","name":"A","pop_2019":5},"geometry":{"type":"Polygon","coordinates":[[[105,20],[105.1,20],[105.1,20.1],[105,20]]]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"gso_code":1e999},"geometry":null}]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		cs, _, err := ReadCommunes(strings.NewReader(string(raw)), DefaultCommuneProperties(), true, "fuzz")
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v does not wrap ErrInvalidInput", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, c := range cs {
			if c.Code == "" || seen[c.Code] || CheckPolygonal(c.Geometry) != "" || c.Population < 0 {
				t.Fatalf("accepted commune %+v", c)
			}
			seen[c.Code] = true
		}
	})
}

// fuzzRing decodes a closed ring from the fuzzer's bytes, and returns the
// bytes left. The first byte picks the kind: 3 to 40 vertices on a grid of
// 8 × 8 or 256 × 256 integers, where vertices on edges, shared vertices
// and collinear runs are common; the same in a province nudged by units
// in the last place, where only exact arithmetic tells on which side of
// an edge a vertex is; or a rectangle or a triangle on the 8 × 8 grid,
// simple shapes that make nested, touching and crossing rings common.
func fuzzRing(data []byte) (orb.Ring, []byte) {
	if len(data) < 2 {
		return nil, nil
	}
	mode := min(data[0]%8, 4) // rectangles (3) and triangles (4) the most often
	if data[0]%8 >= 5 {
		mode = 3 + data[0]%2
	}
	switch mode {
	case 3, 4:
		k := int(mode) - 1 // 2 corners of a rectangle, 3 of a triangle
		if len(data) < 1+k {
			return nil, nil
		}
		var p []orb.Point
		for _, b := range data[1 : 1+k] {
			p = append(p, orb.Point{float64(b & 7), float64(b >> 4 & 7)})
		}
		if k == 2 {
			x0, x1 := min(p[0][0], p[1][0]), max(p[0][0], p[1][0])
			y0, y1 := min(p[0][1], p[1][1]), max(p[0][1], p[1][1])
			p = []orb.Point{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
		}
		return append(orb.Ring(p), p[0]), data[1+k:]
	}
	n := 3 + int(data[1])%38
	data = data[2:]
	r := make(orb.Ring, 0, n+1)
	for len(r) < n && len(data) >= 2 {
		x, y := float64(data[0]), float64(data[1])
		switch mode {
		case 0:
			x, y = float64(int(x)%8), float64(int(y)%8)
		case 2:
			// 16 × 16 positions 0.01° apart, each nudged by up to 7 units
			// in the last place.
			px := 105 + 0.01*float64(data[0]>>4)
			py := 20 + 0.01*float64(data[1]>>4)
			for range data[0] & 7 {
				px = math.Nextafter(px, 200)
			}
			for range data[1] & 7 {
				py = math.Nextafter(py, 200)
			}
			x, y = px, py
		}
		r = append(r, orb.Point{x, y})
		data = data[2:]
	}
	if len(r) < 3 {
		return nil, nil
	}
	return append(r, r[0]), data
}

// fuzzPolygons decodes a multipolygon of one or two polygons of up to
// three rings each, as fuzzRing rings; the first byte says how many.
func fuzzPolygons(data []byte) orb.MultiPolygon {
	if len(data) < 1 {
		return nil
	}
	layout := data[0]
	data = data[1:]
	var mp orb.MultiPolygon
	for p := range 1 + int(layout&1) {
		var poly orb.Polygon
		for range 1 + int(layout>>(1+2*p))%3 {
			r, rest := fuzzRing(data)
			if r == nil {
				break
			}
			poly, data = append(poly, r), rest
		}
		if len(poly) == 0 {
			break
		}
		mp = append(mp, poly)
	}
	return mp
}

// FuzzRingValidation holds the ring checks to slow references on small
// inputs. The sweep-line self-intersection check, and the pairwise one of
// small rings, answer what the quadratic definition
// (bruteSelfIntersection) answers, with a witness that is two edges that
// are not neighbours and meet; and checkRings, on
// one or two polygons of up to three rings, reports a problem exactly
// when the rational reference (referenceRingCodes) finds one, with a code
// the reference found (checkAgainstReference). Neither may find the sweep
// contradicting itself.
func FuzzRingValidation(f *testing.F) {
	// Layout byte, then rings: mode, 3 + vertex count, x y pairs.
	f.Add([]byte{0, 0, 1, 0, 0, 7, 7, 7, 0, 0, 7})                  // a bowtie
	f.Add([]byte{0, 0, 2, 0, 0, 4, 0, 4, 4, 0, 4, 2, 0})            // a vertex on an edge
	f.Add([]byte{0, 1, 2, 0, 0, 200, 0, 200, 200, 100, 50, 0, 200}) // a simple pentagon
	f.Add([]byte{0, 2, 2, 0x00, 0x00, 0xf0, 0x00, 0xf3, 0xf0, 0x70, 0x75, 0x01, 0xf0})
	// A square with a hole touching it at a corner; two squares sharing
	// an edge; a square with a hole around it; a rectangle with two
	// rectangular holes, one above the other.
	f.Add([]byte{2, 0, 1, 0, 0, 6, 0, 6, 6, 0, 6, 0, 0, 0, 0, 2, 1, 1, 2})
	f.Add([]byte{1, 0, 1, 0, 0, 3, 0, 3, 3, 0, 3, 0, 1, 3, 0, 6, 0, 6, 3, 3, 3})
	f.Add([]byte{2, 0, 1, 2, 2, 4, 2, 4, 4, 2, 4, 0, 1, 0, 0, 6, 0, 6, 6, 0, 6})
	f.Add([]byte{4, 3, 0x00, 0x77, 3, 0x11, 0x26, 3, 0x42, 0x65})
	f.Fuzz(func(t *testing.T, data []byte) {
		if r, _ := fuzzRing(data[min(1, len(data)):]); r != nil {
			want := bruteSelfIntersection(r)
			a, b, inconsistent, err := checkRing(r, nil)
			if err != nil || inconsistent {
				t.Fatalf("ring %v: err %v, inconsistent %v", r, err, inconsistent)
			}
			if got := a >= 0; got != want {
				t.Fatalf("ring %v: the sweep says %v, the definition %v", r, got, want)
			}
			if want {
				checkWitness(t, r, a, b)
			}
			if a, b, got := smallRingCrossing(r); len(r)-1 <= smallRing && got != want {
				t.Fatalf("ring %v: smallRingCrossing says %v, the definition %v", r, got, want)
			} else if got {
				checkWitness(t, r, a, b)
			}
		}
		mp := fuzzPolygons(data)
		if mp == nil {
			return
		}
		rp, err := checkRings(mp, nil)
		if err != nil || (rp != nil && rp.inconsistent) {
			t.Fatalf("%v: err %v, %+v", mp, err, rp)
		}
		checkAgainstReference(t, mp, rp)
	})
}
