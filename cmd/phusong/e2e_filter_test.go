package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// GDAL sends an ogrinfo -where to the server as a CQL2 filter (issue 16,
// item 12): the log shows filter= on every items request and no filtering
// on the client, and the count is the layer's own.
func TestE2E_GDALFiltersOnTheServer(t *testing.T) {
	needGDAL(t, "ogrinfo")
	s := startServer(t, filepath.Join(t.TempDir(), "phusong.gpkg"))
	ogc := "OAPIF:" + s.url + "/ogc"
	figures := s.layerFigures(t, "mobile")
	cases := []struct {
		name, where string
		keep        func(p map[string]any) bool
	}{
		{"status", "status = 'covered'", func(p map[string]any) bool { return p["status"] == "covered" }},
		{"a property that is no query parameter", "population > 5000 AND share_covered < 0.99", func(p map[string]any) bool {
			return p["population"].(float64) > 5000 && p["share_covered"].(float64) < 0.99
		}},
		{"status or district", "status = 'none' OR district_code = '148'", func(p map[string]any) bool {
			return p["status"] == "none" || p["district_code"] == "148"
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := 0
			for _, p := range figures {
				if c.keep(p) {
					want++
				}
			}
			log := gdal(t, []string{"CPL_DEBUG=ON"}, "ogrinfo", "-ro", "-al", "-so", ogc, "mobile", "-where", c.where)
			if strings.Contains(log, "client side") {
				t.Fatalf("GDAL filters on the client:\n%s", log)
			}
			// GDAL reads a first page to learn the fields before it sets the
			// filter; the requests that fetch the features come after it
			// has found the filter in /ogc/api.
			_, after, ok := strings.Cut(log, "OAPIF: CQL text detected")
			if !ok {
				t.Fatalf("GDAL found no filter in the API definition:\n%s", log)
			}
			var items []string
			for _, line := range strings.Split(after, "\n") {
				if strings.Contains(line, "/ogc/collections/mobile/items?") {
					items = append(items, line)
				}
			}
			if len(items) == 0 {
				t.Fatalf("GDAL fetched no items:\n%s", log)
			}
			for _, line := range items {
				if !strings.Contains(line, "filter=") {
					t.Fatalf("an items request without the filter: %s\n%s", line, log)
				}
			}
			if !strings.Contains(log, fmt.Sprintf("Feature Count: %d\n", want)) || want == 0 {
				t.Fatalf("want Feature Count: %d:\n%s", want, log)
			}
		})
	}
}
