package data

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/phusong/phusong/geo"
)

func unitSetCommunes(codes ...string) []geo.Commune {
	var cs []geo.Commune
	for i, code := range codes {
		cs = append(cs, geo.Commune{Code: code, Name: "Xã " + code, Population: 100 * (i + 1),
			Geometry: square(105+0.01*float64(i), 20.5, 0.01), Boundary: "test"})
	}
	return cs
}

// A set added with the date it takes effect ends the one before it; the
// dates must move forward, names are unique, and a refused set changes
// nothing.
func TestAddUnitSet_ValidityAndRefusals(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if err := s.ReplaceCommunes(ctx, unitSetCommunes("00001", "00002", "00003"), nil); err != nil {
		t.Fatal(err)
	}
	// A filing without a set, dated before the new set: its codes stay
	// read on the old set once the new one is added.
	if _, err := s.AddFilings(ctx, []Filing{{Provider: "vnpt", Layer: geo.Broadband, AsOf: "2026-01-01",
		Declarations: []geo.Declaration{{CommuneCode: "00001", Technology: "FTTH", Share: 1}}}}); err != nil {
		t.Fatal(err)
	}
	added, err := s.AddUnitSet(ctx, NewUnitSet{Name: "2025", ValidFrom: "2025-07-01", ParentLevel: geo.ParentProvince,
		Communes: unitSetCommunes("10001", "10002")}, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	sets, err := s.UnitSets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 2 || sets[0].ValidTo != "2025-06-30" || sets[1].ValidFrom != "2025-07-01" || sets[1].ValidTo != "" ||
		sets[1].ID != added.ID || sets[1].Units != 2 || sets[1].OwnPeople != 300 || sets[0].OwnPeople != 600 {
		t.Fatalf("sets %+v", sets)
	}
	for day, want := range map[string]int{"2000-01-01": 0, "2025-06-30": 0, "2025-07-01": 1, "2030-01-01": 1} {
		if got := SetOn(sets, day); got != want {
			t.Errorf("set on %s: %d, want %d", day, got, want)
		}
	}
	_, decls, err := s.InForce(ctx, "2026-06-01")
	if err != nil {
		t.Fatal(err)
	}
	if len(decls) != 1 || decls[0].Set != sets[0].ID {
		t.Errorf("the filing of 2026 without a set reads its codes on set %d, want the set it was filed on (%d)", decls[0].Set, sets[0].ID)
	}
	for _, c := range []struct {
		set  NewUnitSet
		want string
	}{
		{NewUnitSet{Name: "2024", ValidFrom: "2024-01-01", Communes: unitSetCommunes("1")}, "must take effect later"},
		{NewUnitSet{Name: "2025", ValidFrom: "2026-01-01", Communes: unitSetCommunes("1")}, "exists already"},
		{NewUnitSet{Name: "x", Communes: unitSetCommunes("1")}, "--valid-from"},
		{NewUnitSet{Name: "y", ValidFrom: "1 July 2026", Communes: unitSetCommunes("1")}, "YYYY-MM-DD"},
		{NewUnitSet{Name: "z", ValidFrom: "2027-01-01"}, "no commune"},
		{NewUnitSet{Name: "w", ValidFrom: "2027-01-01", ParentLevel: "county", Communes: unitSetCommunes("1")}, "parent level"},
	} {
		_, err := s.AddUnitSet(ctx, c.set, "test", nil)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("set %+v: %v, want ErrInvalid saying %q", c.set.Name, err, c.want)
		}
	}
	if after, _ := s.UnitSets(ctx); len(after) != 2 {
		t.Errorf("%d sets after the refusals, want 2", len(after))
	}
	if _, err := FindSet(sets, "2025"); err != nil {
		t.Error(err)
	}
	if i, err := FindSet(sets, "1"); err != nil || sets[i].ID != 1 {
		t.Errorf("set by id 1: %d, %v", i, err)
	}
	if _, err := FindSet(sets, "2019"); err == nil || !strings.Contains(err.Error(), "2025 (id") {
		t.Errorf("an unknown set: %v, want the sets listed", err)
	}
	// Replacing every set leaves one, in force since ever.
	if err := s.ReplaceCommunes(ctx, unitSetCommunes("00001"), nil); err != nil {
		t.Fatal(err)
	}
	if sets, _ := s.UnitSets(ctx); len(sets) != 1 || sets[0].ValidFrom != "" || sets[0].Units != 1 {
		t.Errorf("after a replace: %+v", sets)
	}
}
