package api

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/data/pgtest"
	"github.com/phusong/phusong/geo"
)

// unitSetsService is a Service on Hòa Bình's 2019 communes (real
// boundaries, census population) and, from 1 July 2025, every unit of
// Phú Thọ's 2025 set, with the filings given.
func unitSetsService(t *testing.T, filings func(sets []data.UnitSet) []data.Filing) (*Service, *data.Store) {
	t.Helper()
	ctx := context.Background()
	old, reform := sharedData(t, "hoabinh/communes_2019.geojson"), sharedData(t, "phutho/wards_2025.geojson")
	store, err := data.Open(ctx, pgtest.Path(t, t.TempDir(), "sets.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.SeedDefault(ctx, false); err != nil {
		t.Fatal(err)
	}
	read := func(path string, props geo.CommuneProperties) []geo.Commune {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cs, _, err := geo.ReadCommunes(f, props, true, filepath.Base(path))
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	props2025 := geo.CommuneProperties{Code: "code", Name: "name", Type: "type", DistrictCode: "province_code", District: "province", Population: "population"}
	if err := store.ReplaceUnitSets(ctx, []data.NewUnitSet{
		{Name: "2019", ValidFrom: "2019-04-01", ParentLevel: geo.ParentDistrict, Communes: read(old, geo.DefaultCommuneProperties())},
		{Name: "2025", ValidFrom: "2025-07-01", ParentLevel: geo.ParentProvince, Communes: read(reform, props2025)},
	}); err != nil {
		t.Fatal(err)
	}
	sets, err := store.UnitSets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fs := filings(sets); len(fs) > 0 {
		if _, err := store.AddFilings(ctx, fs); err != nil {
			t.Fatal(err)
		}
	}
	s := New(DefaultConfig(), store, quietLog())
	if err := s.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	return s, store
}

// A declaration filed on 2019 communes counts on the 2025 units that hold
// their people, and the people declared covered are the same on both sets.
func TestUnitSets_DeclarationCarriedByPeople(t *testing.T) {
	ctx := context.Background()
	shares := map[string]float64{"04807": 0.6, "04978": 0.3, "05032": 1} // Phương Lâm; two communes of other districts
	s, _ := unitSetsService(t, func(sets []data.UnitSet) []data.Filing {
		f := data.Filing{Provider: "vnpt", Layer: geo.Broadband, AsOf: "2019-06-01", UnitSet: sets[0].ID}
		for code, share := range shares {
			f.Declarations = append(f.Declarations, geo.Declaration{CommuneCode: code, Technology: "FTTH", Share: share})
		}
		return []data.Filing{f}
	})
	snap, err := s.Current()
	if err != nil {
		t.Fatal(err)
	}
	if snap.Set.Name != "2025" || snap.Set.ParentLevel != geo.ParentProvince {
		t.Fatalf("today's figures are on set %q (parent %q), want 2025 (province)", snap.Set.Name, snap.Set.ParentLevel)
	}
	old, err := s.View(ctx, snap, "2019", "")
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for i, c := range old.Communes {
		if sh, ok := shares[c.Code]; ok {
			want += sh * float64(c.Population)
			if got := old.Result.Layer(geo.Broadband).Breakdown(geo.KindAll).Communes[i].Covered; math.Abs(got-sh*float64(c.Population)) > 1e-6 {
				t.Errorf("2019 commune %s: %v covered, want %v", c.Code, got, sh*float64(c.Population))
			}
		}
	}
	sum := func(snap *Snapshot) (float64, int) {
		total, units := 0.0, 0
		for _, f := range snap.Result.Layer(geo.Broadband).Breakdown(geo.KindAll).Communes {
			total += f.Covered
			if f.Covered > 0 {
				units++
			}
		}
		return total, units
	}
	got2019, _ := sum(old)
	got2025, units := sum(snap)
	if math.Round(got2019) != math.Round(want) || math.Round(got2025) != math.Round(want) {
		t.Fatalf("people declared covered: %.3f on 2019, %.3f on 2025, want %.0f on both", got2019, got2025, want)
	}
	if units < len(shares) {
		t.Errorf("%d units of 2025 received the declarations, want at least %d", units, len(shares))
	}
	// Every 2025 unit with people covered holds people of a declared commune,
	// and is marked as carried.
	parts := snap.sets.people.Overlap(old.units, snap.units)
	holds := map[int]bool{}
	for i, c := range old.Communes {
		if _, ok := shares[c.Code]; ok {
			for _, p := range parts[i] {
				holds[p.Unit] = true
			}
		}
	}
	for i, f := range snap.Result.Layer(geo.Broadband).Breakdown(geo.KindAll).Communes {
		if f.Covered > 0 && !holds[i] {
			t.Errorf("2025 unit %s has %v covered but holds no declared commune's people", f.Code, f.Covered)
		}
		if f.Covered > 0 != snap.Carried(i) {
			t.Errorf("2025 unit %s: covered %v, carried %t", f.Code, f.Covered, snap.Carried(i))
		}
	}
	// One population: every set counts the same people.
	if p19, p25 := sumPeople(old.Communes), sumPeople(snap.Communes); p19 != 854131 || p25 < p19 {
		t.Errorf("people: %d on 2019, %d on 2025; want 854,131 and at least as many (2025 units outside Hòa Bình count their own)", p19, p25)
	}
}

func sumPeople(cs []geo.Commune) int {
	n := 0
	for _, c := range cs {
		n += c.Population
	}
	return n
}

// The figures of a date are on the set in force that day, and a 2025
// unit's lineage names the 2019 communes whose people it took.
func TestUnitSets_ViewByDateAndLineage(t *testing.T) {
	ctx := context.Background()
	s, _ := unitSetsService(t, func([]data.UnitSet) []data.Filing { return nil })
	snap, err := s.Current()
	if err != nil {
		t.Fatal(err)
	}
	for day, want := range map[string]int{"": 148, "2022-06-30": 210, "2025-06-30": 210, "2025-07-01": 148, "2010-01-01": 210} {
		v, err := s.View(ctx, snap, "", day)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Communes) != want {
			t.Errorf("as of %q: %d units, want %d", day, len(v.Communes), want)
		}
	}
	if _, err := s.View(ctx, snap, "1999", ""); err == nil {
		t.Error("units=1999 accepted")
	}
	i, ok := snap.Surface.Index("04792") // Phường Tân Hòa since 2025
	if !ok {
		t.Fatal("no unit 04792 in 2025")
	}
	lin, err := s.Lineage(ctx, snap, i)
	if err != nil {
		t.Fatal(err)
	}
	if lin.Formed == nil || lin.Formed.On != "2025-07-01" || lin.Formed.Set != "2019" || len(lin.Formed.Units) < 2 || lin.Became != nil {
		t.Fatalf("lineage of 04792: %+v", lin)
	}
	total := lin.Formed.Others
	for _, u := range lin.Formed.Units {
		total += u.People
		if u.ShareOfOld <= 0 || u.ShareOfOld > 1 || u.ShareOfNew <= 0 || u.ShareOfNew > 1 {
			t.Errorf("lineage part %+v: shares out of (0, 1]", u)
		}
	}
	if total != int64(snap.Communes[i].Population) {
		t.Errorf("lineage parts hold %d people, the unit %d", total, snap.Communes[i].Population)
	}
}

// A commune-count target counts the units in force on each date, and
// every history point names its set.
func TestUnitSets_TargetHistoryAcrossTheReform(t *testing.T) {
	s, _ := unitSetsService(t, func(sets []data.UnitSet) []data.Filing {
		var fs []data.Filing
		for _, day := range []string{"2020-03-01", "2024-03-01", "2025-09-01"} {
			fs = append(fs, data.Filing{Provider: "vnpt", Layer: geo.Broadband, AsOf: day, UnitSet: sets[0].ID,
				Declarations: []geo.Declaration{{CommuneCode: "04807", Technology: "FTTH", Share: 1}}})
		}
		return fs
	})
	snap, err := s.Current()
	if err != nil {
		t.Fatal(err)
	}
	var communes, people *TargetAnswer
	for _, tg := range snap.Targets() {
		if tg.Layer != geo.Broadband && tg.Layer != geo.Mobile {
			continue
		}
		a, _ := snap.AnswerTarget(tg.ID, "")
		switch {
		case tg.Measure == geo.MeasureCommunes && tg.Layer == geo.Broadband && communes == nil:
			communes = &a
		case tg.Measure == geo.MeasurePopulation && people == nil:
			people = &a
		}
	}
	if communes == nil || people == nil {
		t.Fatal("the seed has no broadband communes target or no population target")
	}
	want := map[string]struct {
		units string
		total int
	}{"2020-03-01": {"2019", 210}, "2024-03-01": {"2019", 210}, "2025-09-01": {"2025", 148}}
	for _, hp := range communes.History {
		w, ok := want[hp.Date]
		if !ok {
			continue
		}
		if hp.Units != w.units {
			t.Errorf("%s: counted on units %q, want %q", hp.Date, hp.Units, w.units)
		}
		// One unit reached at most (the one declared); the gap is the rest.
		if hp.GapCommunes < w.total-3 || hp.GapCommunes > w.total {
			t.Errorf("%s: gap of %d communes, want about %d (the units of %s)", hp.Date, hp.GapCommunes, w.total, w.units)
		}
	}
	if n := len(communes.History); n < 3 {
		t.Fatalf("history of %d points", n)
	}
}

// On the default database, a target's history runs from the first filing
// to today across the two reforms: a population target on the one
// population surface, so its value moves only with the filings; a
// commune-count target on the units in force at each date, so on the dates
// of the 2019 set it is exactly what a store holding only the 2019
// communes gives.
func TestUnitSets_DefaultHistoryAcrossBothReforms(t *testing.T) {
	three, _ := defaultService(t)
	only2019, _ := demoService(t)
	snap3, err := three.Current()
	if err != nil {
		t.Fatal(err)
	}
	snap1, err := only2019.Current()
	if err != nil {
		t.Fatal(err)
	}
	if snap3.Set.Name != "2025" || len(snap3.Communes) != 46 {
		t.Fatalf("today's figures on set %s (%d units), want 2025 (46)", snap3.Set.Name, len(snap3.Communes))
	}
	for _, tg := range snap3.Targets() {
		a3, _ := snap3.AnswerTarget(tg.ID, "")
		a1, _ := snap1.AnswerTarget(tg.ID, "")
		if len(a3.History) != len(a1.History) || len(a3.History) == 0 || a3.History[0].Date[:4] != "2016" {
			t.Fatalf("target %d: %d and %d history points, want the same from 2016", tg.ID, len(a3.History), len(a1.History))
		}
		seen := map[string]bool{}
		for i, hp := range a3.History {
			seen[hp.Units] = true
			want := map[bool]string{true: "2019", false: "2020"}[hp.Date < "2020-01-01"]
			if hp.Date >= "2025-07-01" {
				want = "2025"
			}
			if hp.Units != want {
				t.Errorf("target %d, %s: counted on units %q, want %q", tg.ID, hp.Date, hp.Units, want)
			}
			old := a1.History[i]
			switch {
			case tg.Measure == geo.MeasurePopulation:
				// The same people on the same cells, but for those of the
				// cells between the 2025 boundaries, whom their unit's cells
				// hold instead: under 0.5 points, and no jump at a reform.
				if math.Abs(hp.Value-old.Value) > 0.005 {
					t.Errorf("target %d (population), %s: %.4f on the default sets, %.4f on the 2019 communes alone", tg.ID, hp.Date, hp.Value, old.Value)
				}
			case hp.Units == "2019":
				if hp.Value != old.Value || hp.GapCommunes != old.GapCommunes {
					t.Errorf("target %d (communes), %s: %.4f, gap %d on the default sets; %.4f, gap %d on the 2019 communes alone",
						tg.ID, hp.Date, hp.Value, hp.GapCommunes, old.Value, old.GapCommunes)
				}
			}
		}
		if !seen["2019"] || !seen["2020"] || !seen["2025"] {
			t.Errorf("target %d: history counted on %v, want each of the three sets", tg.ID, seen)
		}
	}
}

// Today's figures on the 2019 communes, asked of the default database
// (?units=2019), are at every history date what a store holding only the
// 2019 communes gives: the targets' values and each commune's history.
func TestUnitSets_ViewOnTheFirstSetEqualsThatSetAlone(t *testing.T) {
	three, _ := defaultService(t)
	only2019, _ := demoService(t)
	snap3, err := three.Current()
	if err != nil {
		t.Fatal(err)
	}
	view, err := three.View(context.Background(), snap3, "2019", "")
	if err != nil {
		t.Fatal(err)
	}
	alone, err := only2019.Current()
	if err != nil {
		t.Fatal(err)
	}
	if len(view.Communes) != 210 || len(alone.Communes) != 210 {
		t.Fatalf("%d and %d communes, want 210", len(view.Communes), len(alone.Communes))
	}
	for _, tg := range alone.Targets() {
		a, _ := alone.AnswerTarget(tg.ID, "")
		v, _ := view.AnswerTarget(tg.ID, "")
		if len(a.History) != len(v.History) {
			t.Fatalf("target %d: %d and %d history points", tg.ID, len(v.History), len(a.History))
		}
		for k, hp := range v.History {
			if math.Abs(hp.Value-a.History[k].Value) > 1e-12 || hp.Units != "2019" {
				t.Errorf("target %d, %s: %.6f on units %q of the default database, %.6f on the 2019 communes alone",
					tg.ID, hp.Date, hp.Value, hp.Units, a.History[k].Value)
			}
		}
	}
	for i := range alone.Communes {
		if view.Communes[i].Code != alone.Communes[i].Code {
			t.Fatalf("commune %d: %s and %s", i, view.Communes[i].Code, alone.Communes[i].Code)
		}
		hv, ha := view.CommuneHistory(i), alone.CommuneHistory(i)
		for _, l := range geo.Layers {
			if len(hv[l]) != len(ha[l]) {
				t.Fatalf("commune %s, %s: %d and %d dates", alone.Communes[i].Code, l, len(hv[l]), len(ha[l]))
			}
			for k := range hv[l] {
				if math.Abs(hv[l][k].Covered-ha[l][k].Covered) > 1e-6 {
					t.Fatalf("commune %s, %s, %s: %.1f people covered on the default database's 2019 set, %.1f on the 2019 communes alone",
						alone.Communes[i].Code, l, hv[l][k].Date, hv[l][k].Covered, ha[l][k].Covered)
				}
			}
		}
	}
}
