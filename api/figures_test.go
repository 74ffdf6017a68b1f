package api

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// Figures of a past day are recomputed when the inputs change (a filing
// dated before that day changes them too), and days with the same filings
// in force share one computation.
func TestFiguresOn_FollowTheSnapshot(t *testing.T) {
	ctx := context.Background()
	s, store := seededService(t, false)
	covered := func(day string) float64 {
		t.Helper()
		f, err := s.FiguresOn(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		tb, err := f.Table(geo.Mobile)
		if err != nil {
			t.Fatal(err)
		}
		if f.AsOf != day {
			t.Fatalf("figures of %s say they are of %s", day, f.AsOf)
		}
		return tb.Rows[0].Covered
	}
	if c := covered("2010-01-01"); c != 0 {
		t.Fatalf("no filing yet, %v covered", c)
	}
	f, _ := s.FiguresOn(ctx, "")
	code := f.Communes[0].Code
	if _, err := store.AddFilings(ctx, []data.Filing{{Provider: "vnpt", Layer: geo.Mobile, AsOf: "2005-01-01",
		Declarations: []geo.Declaration{{CommuneCode: code, Technology: "4G", Share: 1}}}}); err != nil {
		t.Fatal(err)
	}
	if c := covered("2010-01-01"); c != 0 {
		t.Fatalf("before the recompute the snapshot's figures stand, got %v", c)
	}
	if err := s.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	if c := covered("2010-01-01"); c != float64(f.Communes[0].Population) {
		t.Fatalf("after the recompute commune %s has %v covered, want all %d", code, c, f.Communes[0].Population)
	}
	if c := covered("2004-12-31"); c != 0 {
		t.Fatalf("the day before the filing, %v covered", c)
	}
	snap, _ := s.Current()
	kept := len(snap.plan.results.entries)
	for _, day := range []string{"2011-01-01", "2012-01-01", "2013-01-01", "2014-01-01", "2015-01-01"} {
		covered(day)
	}
	if n := len(snap.plan.results.entries); n != kept || n > maxCachedResults {
		t.Fatalf("%d results kept after five more days of the same filings, want still %d (at most %d)", n, kept, maxCachedResults)
	}
}

// One rule for every way of asking for figures: a day after the snapshot's
// (today) is refused, with the words of Snapshot.CheckAsOf, whether it comes
// through FiguresOn or Export, as a date or as a date-time.
func TestFiguresOn_FutureDayRefused(t *testing.T) {
	ctx := context.Background()
	s, _ := seededService(t, false)
	snap, _ := s.Current()
	day, _ := time.Parse(time.DateOnly, snap.Day)
	tomorrow := day.AddDate(0, 0, 1).Format(time.DateOnly)
	asked := map[string]string{ // what is asked: the day it means
		"9999-12-31":           "9999-12-31",
		tomorrow:               tomorrow,
		"9999-12-31T00:00:00Z": "9999-12-31",
	}
	for v, d := range asked {
		want := snap.CheckAsOf(d)
		if want == nil {
			t.Fatalf("CheckAsOf(%s) accepts it", d)
		}
		calls := map[string]func() error{
			"FiguresOn": func() error { _, err := s.FiguresOn(ctx, d); return err },
			"Export":    func() error { _, err := s.Export(ctx, io.Discard, geo.Mobile, "csv", v, ""); return err },
		}
		for name, call := range calls {
			t.Run(name+" "+v, func(t *testing.T) {
				err := call()
				if !errors.Is(err, data.ErrInvalid) || err.Error() != want.Error() {
					t.Fatalf("%v, want %q wrapping data.ErrInvalid", err, want)
				}
			})
		}
	}
	for _, v := range []string{"", snap.Day, "2010-01-01"} {
		if _, err := s.FiguresOn(ctx, v); err != nil {
			t.Errorf("FiguresOn(%q): %v", v, err)
		}
	}
}
