package rest

import (
	"context"
	"strings"
	"testing"

	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/seed"
)

type remoteBody struct {
	RemoteSet struct {
		Communes int    `json:"communes"`
		Source   string `json:"source"`
		Note     string `json:"note"`
	} `json:"remote_set"`
	Communes []remoteCommune `json:"communes"`
}

type summaryBody struct {
	Province  geo.Rollup   `json:"province"`
	Districts []geo.Rollup `json:"districts"`
	DataAsOf  string       `json:"data_as_of"`
	Remote    *bool        `json:"remote"`
}

// The default remote set is the approximation, says so, and filters the
// summary: remote and other communes add up to the whole.
func TestRemote_DefaultSetFiltersSummary(t *testing.T) {
	s := testServer(t)
	r := decodeAs[remoteBody](t, get(t, s, "GET", "/api/v1/remote-communes"), 200)
	if r.RemoteSet.Communes != 53 || len(r.Communes) != 53 || r.RemoteSet.Source != seed.RemoteApproximate ||
		!strings.Contains(r.RemoteSet.Note, "not the official list") {
		t.Fatalf("remote set %+v with %d communes", r.RemoteSet, len(r.Communes))
	}
	all := decodeAs[summaryBody](t, get(t, s, "GET", "/api/v1/summary?layer=mobile"), 200)
	remote := decodeAs[summaryBody](t, get(t, s, "GET", "/api/v1/summary?layer=mobile&remote=true"), 200)
	others := decodeAs[summaryBody](t, get(t, s, "GET", "/api/v1/summary?layer=mobile&remote=false"), 200)
	if remote.Province.Communes != 53 || others.Province.Communes != 157 || remote.Remote == nil || !*remote.Remote ||
		remote.Province.Population+others.Province.Population != all.Province.Population ||
		remote.Province.CommunesReached+others.Province.CommunesReached != all.Province.CommunesReached {
		t.Fatalf("all %+v\nremote %+v\nothers %+v", all.Province, remote.Province, others.Province)
	}
	if d := remote.Province.Covered + others.Province.Covered - all.Province.Covered; d > 1e-6 || d < -1e-6 {
		t.Fatalf("covered: %v + %v ≠ %v", remote.Province.Covered, others.Province.Covered, all.Province.Covered)
	}
	if !(remote.Province.Share < all.Province.Share) {
		t.Fatalf("remote communes are as well covered as the rest: %v vs %v", remote.Province.Share, all.Province.Share)
	}
	for _, q := range []string{"?remote=yes", "?layer=mobile&remote=1", "?layer=mobile&as_of=2016-02-30", "?as_of=tomorrow"} {
		if rec := get(t, s, "GET", "/api/v1/summary"+q); rec.Code != 400 {
			t.Errorf("summary%s: %d", q, rec.Code)
		}
	}
	every := decodeAs[struct {
		Layers map[geo.Layer]geo.Rollup `json:"layers"`
	}](t, get(t, s, "GET", "/api/v1/summary?remote=true"), 200)
	if every.Layers[geo.Mobile] != remote.Province {
		t.Fatalf("summary of every layer, remote: %+v, want %+v", every.Layers[geo.Mobile], remote.Province)
	}
}

// As of a date before any filing, the layer and the summary show nobody
// covered.
func TestAsOf_BeforeAnyFiling(t *testing.T) {
	s := testServer(t)
	sum := decodeAs[summaryBody](t, get(t, s, "GET", "/api/v1/summary?layer=broadband&as_of=2010-06-01"), 200)
	if sum.Province.Covered != 0 || sum.Province.Population != 854131 || sum.DataAsOf != "" {
		t.Fatalf("summary as of 2010: %+v, data as of %q", sum.Province, sum.DataAsOf)
	}
	fc := decodeAs[layerFeatures](t, get(t, s, "GET", "/api/v1/layers/mobile/communes?as_of=2010-06-01"), 200)
	for _, f := range fc.Features {
		if f.Properties.PopulationCovered != 0 {
			t.Fatalf("commune %+v covered in 2010", f.Properties)
		}
	}
	remote := 0
	for _, f := range decodeAs[layerFeatures](t, get(t, s, "GET", "/api/v1/layers/mobile/communes"), 200).Features {
		if f.Properties.Remote {
			remote++
		}
	}
	if remote != 53 {
		t.Fatalf("%d features marked remote, want 53", remote)
	}
	if rec := get(t, s, "GET", "/api/v1/layers/mobile/communes?as_of=20100601"); rec.Code != 400 {
		t.Fatalf("a bad as_of: %d", rec.Code)
	}
}

type layerFeatures struct {
	Features []struct {
		Properties struct {
			Code              string  `json:"code"`
			PopulationCovered float64 `json:"population_covered"`
			Remote            bool    `json:"remote"`
		} `json:"properties"`
	} `json:"features"`
}

func TestRemote_AdminSets(t *testing.T) {
	s, store, _ := writableServer(t)
	admin, err := store.NewAdminToken(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path, token, body string
		status                  int
	}{
		{"no token", "/api/v1/remote-communes/04807", "", `{"remote":true}`, 401},
		{"no value", "/api/v1/remote-communes/04807", admin, `{}`, 400},
		{"not a bool", "/api/v1/remote-communes/04807", admin, `{"remote":"yes"}`, 400},
		{"unknown commune", "/api/v1/remote-communes/99999", admin, `{"remote":true}`, 404},
		{"mark", "/api/v1/remote-communes/04807", admin, `{"remote":true}`, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if rec := do(t, s, "PUT", c.path, c.token, c.body); rec.Code != c.status {
				t.Fatalf("%d, want %d: %s", rec.Code, c.status, rec.Body)
			}
		})
	}
	// The answer after the write already counts it.
	r := decodeAs[remoteBody](t, get(t, s, "GET", "/api/v1/remote-communes"), 200)
	if r.RemoteSet.Communes != 54 {
		t.Fatalf("%d remote communes after marking one more, want 54", r.RemoteSet.Communes)
	}
	sum := decodeAs[summaryBody](t, get(t, s, "GET", "/api/v1/summary?layer=phone&remote=true"), 200)
	if sum.Province.Communes != 54 {
		t.Fatalf("summary of remote communes: %d", sum.Province.Communes)
	}
}
