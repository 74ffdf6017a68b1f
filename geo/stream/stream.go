// Package stream reads large GeoJSON FeatureCollections one feature at a
// time, so that a national file of 100 MB never sits in memory as text,
// and undoes the gzip compression such files come in. It does no I/O of its
// own: the caller opens the file.
package stream

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/paulmach/orb/geojson"
)

// Features calls fn with each feature of the FeatureCollection read from r,
// in order, with its 0-based index, and stops at the first error (fn's
// is returned as it is, wrapped with the feature's index). Members other
// than "features" are skipped; a collection without a "features" array is
// an error.
func Features(r io.Reader, fn func(i int, f *geojson.Feature) error) error {
	dec := json.NewDecoder(r)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return errors.New("not a JSON object")
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("no features array: %w", err)
		}
		if tok == json.Delim('}') {
			return errors.New("no features array")
		}
		if tok == "features" {
			break
		}
		var skip json.RawMessage // the value of another member
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return errors.New("features is not an array")
	}
	for i := 0; dec.More(); i++ {
		var f geojson.Feature
		if err := dec.Decode(&f); err != nil {
			return fmt.Errorf("feature %d: %w", i, err)
		}
		if err := fn(i, &f); err != nil {
			return fmt.Errorf("feature %d: %w", i, err)
		}
	}
	return nil
}

// Uncompressed returns r, or for a name ending in .gz a reader that
// gunzips it.
func Uncompressed(r io.Reader, name string) (io.Reader, error) {
	if !strings.HasSuffix(name, ".gz") {
		return r, nil
	}
	return gzip.NewReader(r)
}
