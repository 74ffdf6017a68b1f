package geo

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
