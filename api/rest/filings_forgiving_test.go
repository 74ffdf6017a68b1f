package rest

import (
	"context"
	"strings"
	"testing"

	"github.com/phusong/phusong/geo"
)

// What a provider gets for the mistakes files commonly have: a GeoJSON file
// sent as CSV is read as GeoJSON (its syntax error with line and column,
// not three missing CSV columns); a file without as_of is filed with the
// date as a query parameter; a commune code without its leading zero and
// a position with latitude and longitude swapped come with suggestions.
func TestFilings_ForgivingUploads(t *testing.T) {
	s, store, _ := writableServer(t)
	viettel, _ := store.AddProvider(context.Background(), "viettel", []geo.Layer{geo.Mobile, geo.Phone}, "test")

	broken := "{\"type\":\"FeatureCollection\",\n \"layer\":\"mobile\",\n \"features\": [ {oops} ]}"
	for _, ct := range []string{"text/csv", "application/geo+json"} {
		rec := post(t, s, "/api/v1/filings?dry_run=true&layer=mobile&as_of=2025-06-30", viettel, ct, "", broken)
		pd := decode[Problem](t, rec)
		if rec.Code != 422 || len(pd.Problems) != 1 || pd.Problems[0].Code != geo.ProblemJSONSyntax || pd.Problems[0].Line != 3 || pd.Problems[0].Column != 17 {
			t.Fatalf("%s: %d %s", ct, rec.Code, rec.Body)
		}
		if !strings.Contains(rec.Body.String(), `"line":3,"column":17`) {
			t.Fatalf("%s: line and column not in %s", ct, rec.Body)
		}
	}

	noDate := strings.Replace(goodFiling, `"as_of":"2025-06-30",`, "", 1)
	if rec := post(t, s, "/api/v1/filings?dry_run=true", viettel, "application/geo+json", "", noDate); rec.Code != 422 || !strings.Contains(rec.Body.String(), geo.ProblemMissingAsOf) {
		t.Fatalf("without as_of: %d %s", rec.Code, rec.Body)
	}
	rec := post(t, s, "/api/v1/filings?dry_run=true&as_of=2025-06-30", viettel, "application/geo+json", "", noDate)
	if a := decode[filingAnswer](t, rec); rec.Code != 200 || a.AsOf != "2025-06-30" || a.Layer != geo.Mobile {
		t.Fatalf("with ?as_of: %d %s", rec.Code, rec.Body)
	}
	rec = post(t, s, "/api/v1/filings?as_of=2025-06-30", viettel, "application/geo+json", "", noDate)
	if a := decode[filingAnswer](t, rec); rec.Code != 201 || a.AsOf != "2025-06-30" {
		t.Fatalf("stored with ?as_of: %d %s", rec.Code, rec.Body)
	}

	csv := "commune_code,technology,share\n4882,fixed_line,0.5\n"
	rec = post(t, s, "/api/v1/filings?dry_run=true&layer=phone&as_of=2025-06-30", viettel, "text/csv", "", csv)
	pd := decode[Problem](t, rec)
	if rec.Code != 422 || len(pd.Problems) != 1 || pd.Problems[0].Hint != geo.HintLeadingZeros || pd.Problems[0].Suggestion != "04882" {
		t.Fatalf("4882: %d %s", rec.Code, rec.Body)
	}

	swapped := strings.NewReplacer("[105.28,20.78]", "[20.78,105.28]").Replace(goodFiling)
	rec = post(t, s, "/api/v1/filings?dry_run=true", viettel, "application/geo+json", "", swapped)
	pd = decode[Problem](t, rec)
	if rec.Code != 422 || len(pd.Problems) != 1 || pd.Problems[0].Hint != geo.HintSwappedLonLat || pd.Problems[0].Suggestion != "105.28,20.78" {
		t.Fatalf("swapped: %d %s", rec.Code, rec.Body)
	}
}
