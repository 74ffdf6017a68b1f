package stream

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"
)

func TestFeatures(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string // the features' ids
		err      string
	}{
		{"members before and after", `{"type":"FeatureCollection","layer":{"a":[1,2]},"features":[` +
			`{"type":"Feature","id":"a","geometry":null,"properties":{}},{"type":"Feature","id":"b","geometry":null,"properties":{}}],"x":1}`,
			[]string{"a", "b"}, ""},
		{"empty", `{"type":"FeatureCollection","features":[]}`, nil, ""},
		{"no features", `{"type":"FeatureCollection"}`, nil, "no features array"},
		{"not an object", `[1]`, nil, "not a JSON object"},
		{"features not an array", `{"features":{}}`, nil, "features is not an array"},
		{"a bad feature", `{"features":[{"type":"Feature","geometry":{"type":"Nope"}}]}`, nil, "feature 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			err := Features(strings.NewReader(tc.in), func(i int, f *geojson.Feature) error {
				if i != len(got) {
					t.Fatalf("index %d, want %d", i, len(got))
				}
				got = append(got, f.ID.(string))
				return nil
			})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil || strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// fn's error stops the reading and comes back wrapped with the index.
func TestFeatures_StopsOnError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := Features(strings.NewReader(`{"features":[{"type":"Feature","geometry":null},{"type":"Feature","geometry":null}]}`),
		func(int, *geojson.Feature) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 || !strings.Contains(err.Error(), "feature 0") {
		t.Fatalf("%v after %d features", err, n)
	}
}

func TestUncompressed(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"features":[]}`))
	zw.Close()
	r, err := Uncompressed(bytes.NewReader(buf.Bytes()), "x.geojson.gz")
	if err != nil {
		t.Fatal(err)
	}
	if err := Features(r, func(int, *geojson.Feature) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if r, _ := Uncompressed(strings.NewReader("plain"), "x.geojson"); r == nil {
		t.Fatal("no reader for a plain file")
	}
}
