package export

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/crs"
)

func TestTable_InCRS(t *testing.T) {
	mp := orb.MultiPolygon{{{{105, 21}, {106, 21}, {106, 22}, {105, 21}}}}
	tab := &Table{Layer: "mobile", Rows: []Row{{Code: "00001", Geometry: mp}}}
	utm, err := crs.Lookup("EPSG:3405")
	if err != nil {
		t.Fatal(err)
	}
	got := tab.InCRS(utm)
	if tab.Rows[0].Geometry[0][0][0] != (orb.Point{105, 21}) {
		t.Fatal("InCRS changed the table it was given")
	}
	if p, want := got.Rows[0].Geometry[0][0][1], utm.Forward(orb.Point{106, 21}); p != want {
		t.Errorf("vertex %v, want %v", p, want)
	}
	var buf bytes.Buffer
	if err := got.WriteGeoJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		CRS struct {
			Properties struct{ Name string }
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.CRS.Properties.Name != "urn:ogc:def:crs:EPSG::3405" {
		t.Errorf("crs member %q", fc.CRS.Properties.Name)
	}
	buf.Reset()
	if err := tab.InCRS(crs.WGS84).WriteGeoJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(`"crs"`)) {
		t.Error("an EPSG:4326 export has a crs member, which RFC 7946 forbids")
	}
}
