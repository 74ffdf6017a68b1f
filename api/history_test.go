package api

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo"
)

func historyKeys(snap *Snapshot) map[string]string {
	out := map[string]string{}
	for _, d := range snap.plan.history {
		out[d.asOf] = d.key
	}
	return out
}

// A restart reads the dated figures back from the store instead of
// computing them, and they are the figures it would compute.
func TestHistory_StoredAndReusedAcrossRestart(t *testing.T) {
	s, store := demoService(t)
	first, _ := s.Current()
	again := New(DefaultConfig(), store, quietLog())
	if err := again.Recompute(context.Background()); err != nil {
		t.Fatal(err)
	}
	second, _ := again.Current()
	if !reflect.DeepEqual(historyKeys(first), historyKeys(second)) || len(first.plan.history) < 5 {
		t.Fatalf("history keys differ after a restart")
	}
	for i, d := range first.plan.history {
		if !reflect.DeepEqual(d.layers, second.plan.history[i].layers) {
			t.Fatalf("%s: stored figures differ from the computed ones", d.asOf)
		}
	}
	// The last date's figures are today's.
	last := second.plan.history[len(second.plan.history)-1]
	if !reflect.DeepEqual(last.layers, allFigures(second.Result)) {
		t.Fatal("the last history date is not today's figures")
	}
	// A recompute with nothing changed keeps the very same figures.
	if err := again.Recompute(context.Background()); err != nil {
		t.Fatal(err)
	}
	if third, _ := again.Current(); third.Result != second.Result || &third.plan.history[0] != &second.plan.history[0] {
		t.Fatal("a recompute with nothing changed recomputed")
	}
}

// Official boundaries change every date's figures, so every date is
// recomputed.
func TestHistory_NewBoundariesRecomputeEveryDate(t *testing.T) {
	file := sharedData(t, "hoabinh/communes_2019.geojson")
	s, store := demoService(t)
	before, _ := s.Current()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	communes, _, err := geo.ReadCommunes(f, geo.DefaultCommuneProperties(), false, "communes_2019.geojson")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	shapes := map[string]orb.MultiPolygon{}
	for _, c := range communes {
		shapes[c.Code] = c.Geometry
	}
	if _, err := store.UpdateBoundaries(context.Background(), shapes, "communes_2019.geojson", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Recompute(context.Background()); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Current()
	keysBefore, keysAfter := historyKeys(before), historyKeys(after)
	if len(keysAfter) != len(keysBefore) {
		t.Fatalf("%d dates, were %d", len(keysAfter), len(keysBefore))
	}
	for day, k := range keysAfter {
		if keysBefore[day] == k {
			t.Fatalf("%s kept its figures over new boundaries", day)
		}
	}
	if !reflect.DeepEqual(after.plan.history[len(after.plan.history)-1].layers, allFigures(after.Result)) {
		t.Fatal("the last history date is not today's figures")
	}
}
