package data

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/seed"
)

func TestTargets_SeededByMigration(t *testing.T) {
	s := openTemp(t)
	ts, err := s.Targets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		layer     geo.Layer
		measure   geo.Measure
		value     float64
		threshold float64
	}{
		{geo.Mobile, geo.MeasurePopulation, 0.95, 0},
		{geo.Broadcast, geo.MeasureCommunes, 1, 0.5},
		{geo.Phone, geo.MeasureCommunes, 1, 0.5},
		{geo.Broadband, geo.MeasureCommunes, 1, 0.5},
	}
	if len(ts) != len(want) {
		t.Fatalf("%d targets, want the province's %d", len(ts), len(want))
	}
	for i, w := range want {
		tg := ts[i]
		if tg.Layer != w.layer || tg.Measure != w.measure || tg.Value != w.value || tg.Threshold != w.threshold || tg.Retired() {
			t.Errorf("target %d: %+v, want %+v", i+1, tg, w)
		}
		if err := tg.Validate(); err != nil {
			t.Errorf("seeded target %d: %v", tg.ID, err)
		}
	}
	if !strings.Contains(ts[3].TitleVI, "vùng sâu") || ts[3].Filter != geo.FilterAll {
		t.Errorf("the broadband target counts every commune, remote ones included: %+v", ts[3])
	}
}

func TestTargets_AddChangeRetireAudited(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	v0, _ := s.PlanningVersion(ctx)
	added, err := s.AddTarget(ctx, geo.Target{Layer: geo.Mobile, Measure: geo.MeasurePopulation, Value: 0.8,
		Deadline: "2028-12-31", Filter: geo.FilterRemote, TitleVI: "Di động ở xã vùng sâu", TitleEN: "Mobile in remote communes"}, "admin")
	if err != nil || added.ID == 0 || added.CreatedAt == "" {
		t.Fatalf("add: %+v, %v", added, err)
	}
	changed, err := s.UpdateTarget(ctx, added.ID, "", func(t *geo.Target) { t.Value, t.ID = 0.9, 999 }, "admin")
	if err != nil || changed.Value != 0.9 || changed.ID != added.ID || changed.CreatedAt != added.CreatedAt {
		t.Fatalf("change: %+v, %v", changed, err)
	}
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"add invalid", func() error {
			_, err := s.AddTarget(ctx, geo.Target{Layer: "tv"}, "admin")
			return err
		}(), geo.ErrInvalidInput},
		{"change into invalid", func() error {
			_, err := s.UpdateTarget(ctx, added.ID, "", func(t *geo.Target) { t.Value = 2 }, "admin")
			return err
		}(), geo.ErrInvalidInput},
		{"change unknown", func() error {
			_, err := s.UpdateTarget(ctx, 12345, "", func(*geo.Target) {}, "admin")
			return err
		}(), ErrNotFound},
		{"retire unknown", func() error { _, err := s.RetireTarget(ctx, 12345, "", "admin"); return err }(), ErrNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !errors.Is(c.err, c.want) {
				t.Fatalf("error %v, want %v", c.err, c.want)
			}
		})
	}
	retired, err := s.RetireTarget(ctx, added.ID, "", "admin")
	if err != nil || !retired.Retired() {
		t.Fatalf("retire: %+v, %v", retired, err)
	}
	if _, err := s.RetireTarget(ctx, added.ID, "", "admin"); !errors.Is(err, ErrConflict) {
		t.Fatalf("retire twice: %v", err)
	}
	if _, err := s.UpdateTarget(ctx, added.ID, "", func(*geo.Target) {}, "admin"); !errors.Is(err, ErrConflict) {
		t.Fatalf("change retired: %v", err)
	}
	ts, _ := s.Targets(ctx)
	if len(ts) != 5 || ts[4].Value != 0.9 || !ts[4].Retired() {
		t.Fatalf("stored %+v", ts)
	}
	entries, _ := s.Audit(ctx, 10)
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if strings.Join(actions, ",") != "target.retire,target.change,target.add" {
		t.Fatalf("audit %v: want exactly the three writes that succeeded", actions)
	}
	if v, _ := s.PlanningVersion(ctx); v == v0 {
		t.Fatal("the planning version did not change")
	}
}

func TestRemote_SeedImportAndSet(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.SeedDefault2019(ctx, false); err != nil {
		t.Fatal(err)
	}
	set, err := s.Remote(ctx)
	if err != nil || len(set.Codes) != 53 || set.Source != seed.RemoteApproximate {
		t.Fatalf("seeded remote set: %d communes from %q (%v); want 53 (a quarter of 210, rounded), approximate", len(set.Codes), set.Source, err)
	}
	v0, _ := s.PlanningVersion(ctx)
	rep, err := s.ReplaceRemote(ctx, []string{"04807", "99999", "04807", "05011"}, "list.csv", "cli")
	if err != nil || rep.Remote != 2 || len(rep.Extra) != 1 || rep.Extra[0] != "99999" {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	if set, _ = s.Remote(ctx); strings.Join(set.Codes, ",") != "04807,05011" || set.Source != "list.csv" {
		t.Fatalf("after import: %+v", set)
	}
	if _, err := s.ReplaceRemote(ctx, []string{"nope"}, "bad.csv", "cli"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a list matching nothing: %v", err)
	}
	if set, _ = s.Remote(ctx); len(set.Codes) != 2 || set.Source != "list.csv" {
		t.Fatalf("a rejected import changed the set: %+v", set)
	}
	if err := s.SetRemote(ctx, "04807", "", false, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRemote(ctx, "nope", "", true, "admin"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown commune: %v", err)
	}
	if set, _ = s.Remote(ctx); strings.Join(set.Codes, ",") != "05011" {
		t.Fatalf("after unsetting one: %+v", set)
	}
	if v, _ := s.PlanningVersion(ctx); v == v0 {
		t.Fatal("the planning version did not change")
	}
}

// A writer limited to one province changes, moves, retires and marks only
// what is that province's as the write's own transaction reads it: the
// rest is a *TerritoryError (ErrForbidden) that changes nothing, not even
// the audit log.
func TestTerritory_CheckedInTheWrite(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.SeedDefault2019(ctx, false); err != nil {
		t.Fatal(err)
	}
	hb, err := s.AddTarget(ctx, geo.Target{Layer: geo.Mobile, Measure: geo.MeasurePopulation, Value: 0.8, Deadline: "2028-12-31",
		Territory: "17", TitleVI: "Hòa Bình", TitleEN: "Hòa Bình"}, "admin")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.Audit(ctx, 1000)
	forbidden := []struct {
		name, says string
		err        error
	}{
		{"another province's target", "target " + fmt.Sprint(hb.ID) + " belongs to province 17 (Hòa Bình); this admin token is for province 25 only",
			func() error {
				_, err := s.UpdateTarget(ctx, hb.ID, "25", func(t *geo.Target) { t.Value = 0.9 }, "admin:province 25")
				return err
			}()},
		{"moving its own target out", "a target of province 25 (Phú Thọ); this admin token is for province 17 only",
			func() error {
				_, err := s.UpdateTarget(ctx, hb.ID, "17", func(t *geo.Target) { t.Territory = "25" }, "admin:province 17")
				return err
			}()},
		{"the nation's target", "target 1 belongs to the whole store (every province)",
			func() error { _, err := s.RetireTarget(ctx, 1, "17", "admin:province 17"); return err }()},
		{"retiring another province's", "belongs to province 17",
			func() error { _, err := s.RetireTarget(ctx, hb.ID, "25", "admin:province 25"); return err }()},
		{"another province's commune", "commune 04807 is in province 17 (Hòa Bình)", s.SetRemote(ctx, "04807", "25", true, "admin:province 25")},
	}
	for _, c := range forbidden {
		var te *TerritoryError
		if !errors.Is(c.err, ErrForbidden) || !errors.As(c.err, &te) || !strings.Contains(c.err.Error(), c.says) {
			t.Errorf("%s: %v; want a TerritoryError saying %q", c.name, c.err, c.says)
		}
	}
	if err := s.SetRemote(ctx, "nope", "25", true, "admin:province 25"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown commune, by a province's admin: %v; want ErrNotFound", err)
	}
	ts, _ := s.Targets(ctx)
	for _, tg := range ts {
		if tg.ID == hb.ID && (tg.Value != 0.8 || tg.Territory != "17" || tg.Retired()) || tg.ID == 1 && tg.Retired() {
			t.Errorf("a refused write changed target %d: %+v", tg.ID, tg)
		}
	}
	if after, _ := s.Audit(ctx, 1000); len(after) != len(before) {
		t.Errorf("refused writes were audited: %d entries, %d before", len(after), len(before))
	}
	// Its own: allowed.
	if _, err := s.UpdateTarget(ctx, hb.ID, "17", func(t *geo.Target) { t.Value = 0.9 }, "admin:province 17"); err != nil {
		t.Errorf("its own target: %v", err)
	}
	if err := s.SetRemote(ctx, "04807", "17", true, "admin:province 17"); err != nil {
		t.Errorf("its own commune: %v", err)
	}
}
