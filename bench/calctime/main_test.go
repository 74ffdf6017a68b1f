package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two communes of about 1 km² side by side, 0.01° apart; one footprint
// covers the western one whole and nothing of the eastern one.
//
//	+------+------+
//	|//////|      |   // = viettel 4G
//	|//////|      |
//	+------+------+
//	 W (00001)  E (00002)
const (
	testCommunes = `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"gso_code":"00001","name":"W","district_code":"001","district":"D","pop_2019":300},
  "geometry":{"type":"Polygon","coordinates":[[[105.00,21.00],[105.01,21.00],[105.01,21.01],[105.00,21.01],[105.00,21.00]]]}},
 {"type":"Feature","properties":{"gso_code":"00002","name":"E","district_code":"001","district":"D","pop_2019":100},
  "geometry":{"type":"Polygon","coordinates":[[[105.01,21.00],[105.02,21.00],[105.02,21.01],[105.01,21.01],[105.01,21.00]]]}}]}`
	testFootprints = `{"type":"FeatureCollection","layer":"mobile","features":[
 {"type":"Feature","properties":{"site_id":"VT-1","operator":"viettel","technology":"4G"},
  "geometry":{"type":"Polygon","coordinates":[[[104.99,20.99],[105.0099,20.99],[105.0099,21.02],[104.99,21.02],[104.99,20.99]]]}}]}`
)

func TestRun_TimesAndFigures(t *testing.T) {
	dir := t.TempDir()
	communes := filepath.Join(dir, "communes.geojson")
	footprints := filepath.Join(dir, "footprints.geojson")
	figures := filepath.Join(dir, "figures.csv")
	for path, body := range map[string]string{communes: testCommunes, footprints: testFootprints} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	args := []string{"-communes", communes, "-footprints", footprints, "-runs", "2", "-stdin", "-figures", figures}
	if err := run(args, strings.NewReader("3\n1\n"), &out); err != nil {
		t.Fatal(err)
	}
	facts := map[string][]string{}
	batches := 0
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		f := strings.Fields(line)
		switch {
		case f[0] == "batch_ms":
			batches++
			if len(f) != 1+3 && len(f) != 1+1 {
				t.Errorf("batch line %q: want the times of the runs asked for", line)
			}
		case f[0] == "province":
			facts[f[0]+" "+f[1]] = f[2:]
		default:
			facts[f[0]] = f[1:]
		}
	}
	if batches != 2 || facts["runs"][0] != "6" || len(facts["ready"]) != 0 || facts["largest"][0] != "viettel" {
		t.Errorf("%d batches, facts %v\n%s", batches, facts, out.String())
	}
	for _, key := range []string{"compute_ms", "compute_ms_min", "compute_ms_max", "compute_cpu_ms", "surface_ms"} {
		if len(facts[key]) != 1 {
			t.Errorf("no %s in\n%s", key, out.String())
		}
	}
	// 300 of 400 people: the western commune, whole.
	if got := facts["province all"]; len(got) != 3 || got[0] != "400" || got[1] != "300.0" || got[2] != "0.750000" {
		t.Errorf("province all = %v, want 400 people, 300 covered, 0.75", got)
	}

	f, err := os.Open(figures)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"all/00001": "1.00000000", "all/00002": "0.00000000",
		"provider:viettel/00001": "1.00000000", "multi/00001": "0.00000000"}
	got := map[string]string{}
	for _, r := range rows[1:] {
		got[r[0]+"/"+r[1]] = r[4]
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("share %s = %q, want %s", k, got[k], v)
		}
	}
	if len(rows) != 1+3*2 { // all, multi, provider:viettel × 2 communes
		t.Errorf("%d figure rows, want 6: %v", len(rows)-1, rows)
	}
}

func TestRun_BadInput(t *testing.T) {
	dir := t.TempDir()
	communes := filepath.Join(dir, "communes.geojson")
	footprints := filepath.Join(dir, "footprints.geojson")
	_ = os.WriteFile(communes, []byte(testCommunes), 0o600)
	_ = os.WriteFile(footprints, []byte(testFootprints), 0o600)
	tests := []struct {
		name  string
		args  []string
		stdin string
	}{
		{"no files", []string{"-runs", "1"}, ""},
		{"absent communes", []string{"-communes", filepath.Join(dir, "none"), "-footprints", footprints}, ""},
		{"not a count", []string{"-communes", communes, "-footprints", footprints, "-runs", "1", "-stdin"}, "many\n"},
		{"zero runs", []string{"-communes", communes, "-footprints", footprints, "-runs", "0"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := run(tc.args, strings.NewReader(tc.stdin), &bytes.Buffer{}); err == nil {
				t.Error("no error")
			}
		})
	}
}
