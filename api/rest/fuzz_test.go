package rest

import (
	"errors"
	"net/url"
	"testing"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
)

// fuzzMatched are the indexes of 210 matched communes, as in Hòa Bình.
var fuzzMatched = func() []int {
	m := make([]int, 210)
	for i := range m {
		m[i] = i
	}
	return m
}()

// FuzzQueryParams feeds arbitrary query strings to the parsers of the
// OGC items query (bbox, limit, offset, datetime, properties, filters) and
// of as-of days: no panic, every refusal a data.ErrInvalid (a 400), and
// every accepted query within its stated bounds.
func FuzzQueryParams(f *testing.F) {
	for _, q := range []string{
		"bbox=104.5,20,106,21.5&limit=20&offset=40&datetime=2020-06-01&status=covered",
		"bbox=170,-10,-170,10", "bbox=1,2,3", "bbox=1e999,0,1,1", "bbox=NaN,0,1,1",
		"limit=0", "limit=-1", "limit=99999999999999999999", "offset=-5",
		"offset=9223372036854775807", "offset=9223372036854775807&limit=9223372036854775807", "offset=99999999999999999999",
		"datetime=2020-01-01T23:30:00Z", "datetime=2020-01-01/2021-01-01", "datetime=..",
		"properties=code,,name", "code=04807,04810&type=phường", "district=%ff%fe",
		"status=' OR 1=1 --",
	} {
		f.Add(q)
	}
	cols := ogcCollections()
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, col := range cols {
			iq, err := parseItemsQuery(q, col)
			if err != nil {
				if !errors.Is(err, data.ErrInvalid) {
					t.Fatalf("%q: error %v is not a 400", raw, err)
				}
				continue
			}
			if iq.limit < 1 || iq.limit > ogcMaxLimit || iq.offset < 0 {
				t.Fatalf("%q: accepted limit %d offset %d", raw, iq.limit, iq.offset)
			}
			if page := pageOf(fuzzMatched, iq.offset, iq.limit); len(page) > iq.limit || len(page) > 0 && page[0] != iq.offset {
				t.Fatalf("%q: page of %d from %d with limit %d", raw, len(page), iq.offset, iq.limit)
			}
			for _, b := range iq.boxes {
				if !(b.Min[0] >= -180 && b.Max[0] <= 180 && b.Min[1] >= -90 && b.Max[1] <= 90 && b.Min[1] <= b.Max[1]) {
					t.Fatalf("%q: accepted bbox %v", raw, b)
				}
			}
		}
		if day, err := api.ParseDay(q.Get("as_of")); err == nil && day != "" && len(day) != len("2006-01-02") {
			t.Fatalf("%q: accepted day %q", raw, day)
		}
	})
}
