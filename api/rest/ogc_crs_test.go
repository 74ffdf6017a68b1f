package rest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/phusong/phusong/geo/crs"
)

// itemGeometry fetches one GeoJSON feature and returns its geometry and
// its Content-Crs header.
func itemGeometry(t *testing.T, s *Server, target string) (orb.MultiPolygon, string) {
	t.Helper()
	rec := get(t, s, "GET", target)
	if rec.Code != 200 {
		t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
	}
	f, err := geojson.UnmarshalFeature(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	mp, ok := f.Geometry.(orb.MultiPolygon)
	if !ok {
		t.Fatalf("%s: a %T", target, f.Geometry)
	}
	return mp, rec.Header().Get("Content-Crs")
}

func TestOGC_CRSAdvertised(t *testing.T) {
	s := testServer(t)
	var conf struct{ ConformsTo []string }
	json.Unmarshal(get(t, s, "GET", "/ogc/conformance?f=json").Body.Bytes(), &conf)
	if !slices.Contains(conf.ConformsTo, crsConformance) {
		t.Errorf("conformance %v lacks Part 2", conf.ConformsTo)
	}
	var col struct {
		CRS        []string
		StorageCRS string `json:"storageCrs"`
	}
	json.Unmarshal(get(t, s, "GET", "/ogc/collections/mobile?f=json").Body.Bytes(), &col)
	if !slices.Equal(col.CRS, ogcCRSURIs) || col.StorageCRS != crs84 {
		t.Errorf("crs %v, storageCrs %q", col.CRS, col.StorageCRS)
	}
}

// TestOGC_ItemsInCRS: an item in each system is the CRS84 item
// transformed by geo/crs (which its own tests hold to PROJ), latitude first
// in EPSG:4326 and EPSG:4756, and the answer says its system.
func TestOGC_ItemsInCRS(t *testing.T) {
	s := testServer(t)
	page := getPage(t, s, "/ogc/collections/mobile/items?limit=1")
	if len(page.Features) != 1 {
		t.Fatal("no feature")
	}
	item := "/ogc/collections/mobile/items/" + page.Features[0].ID
	stored, header := itemGeometry(t, s, item)
	if header != "<"+crs84+">" {
		t.Errorf("Content-Crs %q in CRS84", header)
	}
	for _, uri := range ogcCRSURIs {
		t.Run(uri, func(t *testing.T) {
			sys, err := crs.Lookup(uri)
			if err != nil {
				t.Fatal(err)
			}
			latFirst := uri != crs84 && sys.Geographic
			for _, target := range []string{item + "?crs=" + url.QueryEscape(uri),
				"/ogc/collections/mobile/items?limit=1&crs=" + url.QueryEscape(uri)} {
				rec := get(t, s, "GET", target)
				if rec.Code != 200 || rec.Header().Get("Content-Crs") != "<"+uri+">" {
					t.Fatalf("%s: %d, Content-Crs %q", target, rec.Code, rec.Header().Get("Content-Crs"))
				}
			}
			got, _ := itemGeometry(t, s, item+"?crs="+url.QueryEscape(uri))
			want := sys.Project(stored)
			for i := range want {
				for j := range want[i] {
					for k, p := range want[i][j] {
						if latFirst {
							p = orb.Point{p[1], p[0]}
						}
						if g := got[i][j][k]; g != p {
							t.Fatalf("vertex %d/%d/%d: %v, want %v", i, j, k, g, p)
						}
					}
				}
			}
		})
	}
}

// TestOGC_BBoxCRS: a box in VN-2000 / UTM zone 48N, or in EPSG:4326's
// latitude-first order, around a commune finds it, as its CRS84 box does.
func TestOGC_BBoxCRS(t *testing.T) {
	s := testServer(t)
	page := getPage(t, s, "/ogc/collections/mobile/items?limit=1")
	id := page.Features[0].ID
	stored, _ := itemGeometry(t, s, "/ogc/collections/mobile/items/"+id)
	b := stored.Bound()
	utm, _ := crs.Lookup("EPSG:3405")
	pb := utm.ProjectBound(b)
	cases := map[string]string{
		"CRS84":     fmt.Sprintf("bbox=%f,%f,%f,%f", b.Min[0], b.Min[1], b.Max[0], b.Max[1]),
		"EPSG:4326": fmt.Sprintf("bbox=%f,%f,%f,%f&bbox-crs=%s", b.Min[1], b.Min[0], b.Max[1], b.Max[0], url.QueryEscape(ogcCRSURIs[1])),
		"EPSG:3405": fmt.Sprintf("bbox=%f,%f,%f,%f&bbox-crs=%s", pb.Min[0], pb.Min[1], pb.Max[0], pb.Max[1], url.QueryEscape(ogcCRSURIs[4])),
	}
	for name, q := range cases {
		t.Run(name, func(t *testing.T) {
			p := getPage(t, s, "/ogc/collections/mobile/items?limit=10000&"+q)
			found := false
			for _, f := range p.Features {
				found = found || f.ID == id
			}
			if !found || p.NumberMatched == 0 || p.NumberMatched > 50 {
				t.Errorf("%s: %d matched, commune %s found %v", q, p.NumberMatched, id, found)
			}
		})
	}
}

func TestOGC_CRSErrors(t *testing.T) {
	s := testServer(t)
	for _, target := range []string{
		"/ogc/collections/mobile/items?crs=" + url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/32648"),
		"/ogc/collections/mobile/items?crs=EPSG:3405",
		"/ogc/collections/mobile/items?bbox=1,2,3,4&bbox-crs=" + url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/9999"),
		"/ogc/collections/mobile/items?bbox=600000,2400000,500000,2300000&bbox-crs=" + url.QueryEscape(ogcCRSURIs[4]),
		"/ogc/collections/mobile/items?bbox=5e7,5e7,6e7,6e7&bbox-crs=" + url.QueryEscape(ogcCRSURIs[4]),
		"/ogc/collections/mobile/items/00001?bbox-crs=" + url.QueryEscape(ogcCRSURIs[4]),
	} {
		t.Run(target, func(t *testing.T) {
			rec := get(t, s, "GET", target)
			if rec.Code != 400 || !strings.Contains(rec.Header().Get("Content-Type"), "problem+json") {
				t.Fatalf("%d %s %s, want 400", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
		})
	}
}
