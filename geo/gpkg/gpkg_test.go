package gpkg

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo"
)

func TestEncode_RoundTrip(t *testing.T) {
	square := orb.Ring{{105, 20}, {106, 20}, {106, 21}, {105, 21}, {105, 20}}
	hole := orb.Ring{{105.2, 20.2}, {105.2, 20.4}, {105.4, 20.4}, {105.2, 20.2}}
	cases := []struct {
		name string
		mp   orb.MultiPolygon
	}{
		{"one square", orb.MultiPolygon{{square}}},
		{"square with hole", orb.MultiPolygon{{square, hole}}},
		{"two parts", orb.MultiPolygon{{square}, {hole}}},
		{"empty", orb.MultiPolygon{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Encode(c.mp)
			if err != nil {
				t.Fatal(err)
			}
			if string(b[:2]) != "GP" || binary.LittleEndian.Uint32(b[4:8]) != geo.SRID {
				t.Fatalf("bad header % x", b[:8])
			}
			got, err := Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			if !orb.Equal(got, c.mp) && !(len(c.mp) == 0 && len(got) == 0) {
				t.Fatalf("round trip: got %v, want %v", got, c.mp)
			}
		})
	}
}

func TestEncode_Envelope(t *testing.T) {
	b, err := Encode(orb.MultiPolygon{{{{105, 20}, {106, 20}, {106, 21}, {105, 20}}}})
	if err != nil {
		t.Fatal(err)
	}
	if b[3] != 0x03 {
		t.Fatalf("flags = %#x, want 0x03 (LE, XY envelope)", b[3])
	}
}

func TestDecode_Rejects(t *testing.T) {
	good, _ := Encode(orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}})
	wrongSRS := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(wrongSRS[4:], 3857)
	// withType is good with its WKB geometry type replaced; the
	// coordinates stay XY, so a reader that took the type for XY would
	// return a wrong shape instead of failing.
	withType := func(typ uint32) []byte {
		b := append([]byte(nil), good...)
		binary.LittleEndian.PutUint32(b[headerLen+1:], typ)
		return b
	}
	for name, b := range map[string][]byte{
		"empty":                nil,
		"no magic":             []byte("XXXXXXXXXXXX"),
		"truncated":            good[:20],
		"truncated wkb":        good[:headerLen+3],
		"wrong srs":            wrongSRS,
		"ISO XYZ multipolygon": withType(1006),
		"ISO XYM multipolygon": withType(2006),
		"EWKB Z multipolygon":  withType(0x80000006),
		"EWKB SRID flag":       withType(0x20000006),
		"point":                withType(1),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Decode(b); !errors.Is(err, geo.ErrInvalidGeometry) {
				t.Fatalf("err = %v, want ErrInvalidGeometry", err)
			}
		})
	}
}
