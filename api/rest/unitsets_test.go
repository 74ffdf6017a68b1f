package rest

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/phusong/phusong/geo"
)

// The default database through the API: which units each request is on,
// how a set is asked for, the lineage on a card, and refusals that name
// the sets.
func TestUnitSets_DefaultDatabaseThroughTheAPI(t *testing.T) {
	s, store := defaultServer(t)

	list := decodeAs[struct {
		InForce  int64 `json:"in_force"`
		UnitSets []struct {
			ID          int64  `json:"id"`
			Name        string `json:"name"`
			ValidFrom   string `json:"valid_from"`
			ParentLevel string `json:"parent_level"`
			Units       int    `json:"units"`
			People      int    `json:"people"`
		} `json:"unit_sets"`
	}](t, get(t, s, "GET", "/api/v1/unit-sets"), 200)
	if len(list.UnitSets) != 3 || list.InForce != list.UnitSets[2].ID {
		t.Fatalf("unit sets %+v, in force %d; want three, the last in force", list.UnitSets, list.InForce)
	}
	for _, u := range list.UnitSets {
		if u.People != 854131 {
			t.Errorf("set %s counts %d people, want the 854,131 of the one surface", u.Name, u.People)
		}
	}

	type layerAnswer struct {
		Units struct {
			ID     int64  `json:"id"`
			Name   string `json:"name"`
			Chosen string `json:"chosen"`
		} `json:"units"`
		Features []struct {
			Properties struct {
				Code        string `json:"code"`
				ParentLevel string `json:"parent_level"`
				ParentCode  string `json:"parent_code"`
				District    string `json:"district"`
				Population  int    `json:"population"`
				Carried     bool   `json:"carried"`
			} `json:"properties"`
		} `json:"features"`
	}
	for _, c := range []struct {
		query, set, chosen, level string
		units                     int
		district                  bool
	}{
		{"", "2025", "date", geo.ParentProvince, 46, false},
		{"?units=2019", "2019", "request", geo.ParentDistrict, 210, true},
		{"?units=" + url.QueryEscape(strings.TrimSpace(" 1")), "2019", "request", geo.ParentDistrict, 210, true},
		{"?as_of=2022-06-30", "2020", "date", geo.ParentDistrict, 151, true},
		{"?as_of=2022-06-30&units=2025", "2025", "request", geo.ParentProvince, 46, false},
	} {
		fc := decodeAs[layerAnswer](t, get(t, s, "GET", "/api/v1/layers/broadband/communes"+c.query), 200)
		people, carried := 0, 0
		for _, f := range fc.Features {
			p := f.Properties
			people += p.Population
			if p.Carried {
				carried++
			}
			if p.ParentLevel != c.level || (p.District != "") != c.district || p.ParentCode == "" {
				t.Fatalf("%q: unit %s parent %q (%s), district %q", c.query, p.Code, p.ParentCode, p.ParentLevel, p.District)
			}
		}
		if len(fc.Features) != c.units || fc.Units.Name != c.set || fc.Units.Chosen != c.chosen || people != 854131 {
			t.Fatalf("%q: %d units of set %q chosen by %q, %d people; want %d of %s by %s, 854,131", c.query,
				len(fc.Features), fc.Units.Name, fc.Units.Chosen, people, c.units, c.set, c.chosen)
		}
		// The demonstration broadband declarations are made on the 2019
		// communes: on any other set they are carried.
		if (c.set == "2019") != (carried == 0) {
			t.Fatalf("%q: %d units say their figures are carried", c.query, carried)
		}
	}

	card := decodeAs[struct {
		Name    string `json:"name"`
		Lineage struct {
			Formed *struct {
				On    string `json:"on"`
				Set   string `json:"set"`
				Units []struct {
					Code       string  `json:"code"`
					ShareOfOld float64 `json:"share_of_old"`
				} `json:"units"`
			} `json:"formed"`
			Became *struct {
				Set   string `json:"set"`
				Units []struct {
					Code string `json:"code"`
				} `json:"units"`
			} `json:"became"`
		} `json:"lineage"`
	}](t, get(t, s, "GET", "/api/v1/communes/04792"), 200)
	if f := card.Lineage.Formed; f == nil || f.On != "2025-07-01" || f.Set != "2020" || len(f.Units) < 2 || f.Units[0].Code != "04792" {
		t.Fatalf("the card of %s: lineage %+v, want formed on 2025-07-01 from 04792 (2020) and others", card.Name, card.Lineage)
	}
	old := decodeAs[struct {
		Lineage struct {
			Became *struct {
				Set string `json:"set"`
			} `json:"became"`
		} `json:"lineage"`
	}](t, get(t, s, "GET", "/api/v1/communes/04813?units=2019"), 200)
	if old.Lineage.Became == nil || old.Lineage.Became.Set != "2020" {
		t.Fatalf("04813 on the 2019 set: became %+v, want the 2020 unit(s)", old.Lineage.Became)
	}

	for target, want := range map[string]string{
		"/api/v1/layers/mobile/communes?units=1990":               `no such unit set; the sets are 2019 (id 1), 2020 (id 2), 2025 (id 3)`,
		"/api/v1/layers/mobile/communes?units=":                   "units",
		"/api/v1/summary?units=" + strings.Repeat("x", 101):       "units",
		"/api/v1/communes/04807":                                  `unit set \"2025\"`,
		"/api/v1/communes/04807?units=1990":                       "no such unit set",
		"/ogc/collections/mobile/items?units=nope&f=json":         "no such unit set",
		"/api/v1/export/mobile.csv?units=nope":                    "no such unit set",
		"/api/v1/gaps?layer=mobile&units=nope":                    "no such unit set",
		"/api/v1/targets?units=nope":                              "no such unit set",
		"/api/v1/layers/mobile/communes?units=2019&as_of=2099-01": "as_of",
	} {
		rec := get(t, s, "GET", target)
		if rec.Code < 400 || rec.Code >= 500 || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: %d %.300s; want a 4xx that says %q", target, rec.Code, rec.Body, want)
		}
	}

	// A declaration on a 2019 code today is refused, naming the set it was
	// read on; filed on the 2019 set it is stored on that set.
	token, err := store.AddProvider(context.Background(), "vnpt", []geo.Layer{geo.Broadband}, "test")
	if err != nil {
		t.Fatal(err)
	}
	csv := "commune_code,technology,share\n04807,FTTH,1\n"
	rec := post(t, s, "/api/v1/filings?layer=broadband&as_of=2026-01-01", token, "text/csv", "", csv)
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), `not a unit of set \"2025\"`) || !strings.Contains(rec.Body.String(), "?units=") {
		t.Fatalf("a 2019 code on today's set: %d %s", rec.Code, rec.Body)
	}
	rec = post(t, s, "/api/v1/filings?layer=broadband&as_of=2026-01-01&units=2019", token, "text/csv", "", csv)
	if rec.Code != 201 {
		t.Fatalf("the same on ?units=2019: %d %s", rec.Code, rec.Body)
	}
	id := decode[struct{ ID int64 }](t, rec).ID
	f, err := store.FilingByID(context.Background(), id, "")
	if err != nil || f.UnitSet != list.UnitSets[0].ID {
		t.Fatalf("filing %d stored on set %d (%v), want %d", id, f.UnitSet, err, list.UnitSets[0].ID)
	}
}
