package rest

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/data/pgtest"
	"github.com/phusong/phusong/geo"
)

type gapsBody struct {
	Communes []api.GapRow `json:"communes"`
	Plan     api.Plan     `json:"plan"`
	Target   geo.Target   `json:"target"`
	Total    struct {
		Communes         int     `json:"communes"`
		PeopleNotCovered float64 `json:"people_not_covered"`
	} `json:"total"`
}

func gapCodes(rows []api.GapRow) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, r.Code)
	}
	return out
}

// handServer serves five square communes with declared mobile coverage, the
// case of geo's hand-computed gap tests (people, covered): A (1,000, 900),
// B (2,000, 500), C (500, 0, remote), D (1,500, 1,500), E (1,000, 400,
// remote); B and D in district 002. 3,300 of 6,000 people are covered.
func handServer(t *testing.T) *Server {
	t.Helper()
	ctx := context.Background()
	store, err := data.Open(ctx, pgtest.Path(t, t.TempDir(), "hand.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	var cs []geo.Commune
	var decls []geo.Declaration
	for i, c := range []struct {
		code     string
		pop      int
		covered  float64
		district string
	}{{"A", 1000, 900, "001"}, {"B", 2000, 500, "002"}, {"C", 500, 0, "001"}, {"D", 1500, 1500, "002"}, {"E", 1000, 400, "001"}} {
		x := 105 + 0.02*float64(i)
		cs = append(cs, geo.Commune{Code: c.code, Name: "Xã " + c.code, Type: "xã", DistrictCode: c.district, District: "Huyện " + c.district,
			Population: c.pop, Point: orb.Point{x + 0.005, 20.005}, AreaKm2: 1, Boundary: "test",
			Geometry: orb.MultiPolygon{{{{x, 20}, {x + 0.01, 20}, {x + 0.01, 20.01}, {x, 20.01}, {x, 20}}}}})
		if c.covered > 0 {
			decls = append(decls, geo.Declaration{CommuneCode: c.code, Technology: "4G", Share: c.covered / float64(c.pop)})
		}
	}
	if err := store.ReplaceCommunes(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddFilings(ctx, []data.Filing{{Provider: "vnpt", Layer: geo.Mobile, AsOf: "2024-01-01", Declarations: decls}}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ReplaceRemote(ctx, []string{"C", "E"}, "test", "test"); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(DefaultConfig(), store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := s.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// The gap list and the plan through the router, against the hand-computed
// case: the mobile target is 95% of people, 5,700, 2,400 short.
func TestGaps_HandComputed(t *testing.T) {
	s := handServer(t)
	cases := []struct {
		name, query string
		ranking     []string
		plan        []string
		added       float64
		after       float64
		meets       bool
	}{
		// Largest first: B 1,500, E 600, C 500 close the 2,400.
		{"all", "", []string{"B", "E", "C", "A"}, []string{"B", "E", "C"}, 2600, 5900.0 / 6000, true},
		// Only remote communes may be chosen: E and C add 1,100, not enough.
		{"remote", "&remote=true", []string{"E", "C"}, []string{"E", "C"}, 1100, 4400.0 / 6000, false},
		{"not remote", "&remote=false", []string{"B", "A"}, []string{"B", "A"}, 1600, 4900.0 / 6000, false},
		{"district 002", "&district=002", []string{"B"}, []string{"B"}, 1500, 4800.0 / 6000, false},
		{"district by name", "&district=" + url.QueryEscape("huyện 001") + "&limit=1", []string{"E"}, []string{"E", "C", "A"}, 1200, 4500.0 / 6000, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := decodeAs[gapsBody](t, get(t, s, "GET", "/api/v1/gaps?layer=mobile"+c.query), 200)
			if !reflect.DeepEqual(gapCodes(b.Communes), c.ranking) {
				t.Fatalf("ranking %v, want %v", gapCodes(b.Communes), c.ranking)
			}
			p := b.Plan
			if !reflect.DeepEqual(p.Communes, c.plan) || p.PeopleAdded != c.added || p.ValueAfter != round4(c.after) ||
				p.Meets != c.meets || p.ValueBefore != 0.55 || b.Target.ID != 1 {
				t.Fatalf("plan %+v, want %v adding %v to %.4f (meets %v)", p, c.plan, c.added, c.after, c.meets)
			}
			for _, r := range b.Communes {
				if r.InPlan != slices.Contains(c.plan, r.Code) || r.PeopleNotCovered != float64(r.Population)-r.PeopleCovered {
					t.Fatalf("row %+v", r)
				}
			}
		})
	}
	// Phone counts mobile 4G too. Its target is 100% of communes reached at
	// a half: A and D are; C, E and B, fewest people not covered first.
	b := decodeAs[gapsBody](t, get(t, s, "GET", "/api/v1/gaps?layer=phone&target=3"), 200)
	if b.Target.ID != 3 || !reflect.DeepEqual(b.Plan.Communes, []string{"C", "E", "B"}) || b.Plan.PeopleAdded != 2600 || !b.Plan.Meets {
		t.Fatalf("phone plan %+v", b.Plan)
	}
	if b.Total.Communes != 4 || b.Total.PeopleNotCovered != 2700 {
		t.Fatalf("phone total %+v", b.Total)
	}
}

func TestGaps_BadRequests(t *testing.T) {
	s := testServer(t)
	for _, q := range []string{"", "?layer=tv", "?layer=mobile&district=nowhere", "?layer=mobile&remote=yes",
		"?layer=mobile&target=2", "?layer=mobile&target=x", "?layer=mobile&limit=0", "?layer=mobile&as_of=2020"} {
		t.Run(q, func(t *testing.T) {
			if rec := get(t, s, "GET", "/api/v1/gaps"+q); rec.Code != 400 || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%d %s: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
		})
	}
}

// On the default data the plan of a population target is the head of the
// ranking, and it meets the target.
func TestGaps_DefaultMobile(t *testing.T) {
	s := testServer(t)
	b := decodeAs[gapsBody](t, get(t, s, "GET", "/api/v1/gaps?layer=mobile"), 200)
	if len(b.Communes) == 0 || !b.Plan.Meets || b.Plan.ValueAfter < 0.95 || len(b.Plan.Communes) == 0 {
		t.Fatalf("%d communes, plan %+v", len(b.Communes), b.Plan)
	}
	if got := gapCodes(b.Communes[:len(b.Plan.Communes)]); !reflect.DeepEqual(got, b.Plan.Communes) {
		t.Fatalf("plan %v, head of the ranking %v", b.Plan.Communes, got)
	}
	for i := 1; i < len(b.Communes); i++ {
		if b.Communes[i].PeopleNotCovered > b.Communes[i-1].PeopleNotCovered {
			t.Fatalf("not ranked at %d: %+v after %+v", i, b.Communes[i], b.Communes[i-1])
		}
	}
	remote := decodeAs[gapsBody](t, get(t, s, "GET", "/api/v1/gaps?layer=mobile&remote=true"), 200)
	for _, r := range remote.Communes {
		if !r.Remote {
			t.Fatalf("remote=true lists %+v", r)
		}
	}
}
