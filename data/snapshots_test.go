package data

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/phusong/phusong/geo"
)

// itemKeys names every footprint and declaration of a set of inputs, so
// that two sets can be compared whatever their order.
func itemKeys(fps []geo.Footprint, decls []geo.Declaration) []string {
	var out []string
	for _, f := range fps {
		b := f.Geometry.Bound()
		out = append(out, fmt.Sprintf("fp %s %s %s %s %.6f %.6f %.6f", f.Provider, f.Layer, f.Technology, f.Programme, b.Min[0], b.Min[1], b.Max[0]))
	}
	for _, d := range decls {
		out = append(out, fmt.Sprintf("decl %s %s %s %s %s %v", d.Provider, d.Layer, d.Technology, d.Programme, d.CommuneCode, d.Share))
	}
	slices.Sort(out)
	return out
}

// The many-dates query and LoadInForce agree with InForce, the rule of
// record, on every date of the demonstration filings, with a withdrawn
// filing among them: it counts from its as_of until the day of its
// withdrawal, which is a date of the history too.
func TestLoadInForce_AgreesWithInForce(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.SeedDefault2019(ctx, true); err != nil {
		t.Fatal(err)
	}
	// A later 4G filing of viettel, withdrawn on 1 February 2025: it counts
	// from 15 January to 31 January, and from 1 February no more.
	ids, err := s.AddFilings(ctx, []Filing{{Provider: "viettel", Layer: geo.Mobile, AsOf: "2025-01-15",
		Footprints: []geo.Footprint{{Technology: "4G", Geometry: square(105.3, 20.8, 0.05)}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec("UPDATE filings SET withdrawn_at = '2025-02-01T00:00:00Z' WHERE id = ?", ids[0]); err != nil {
		t.Fatal(err)
	}
	dates, err := s.InForceDates(ctx, "2026-12-31")
	if err != nil {
		t.Fatal(err)
	}
	has := func(day string) bool {
		return slices.ContainsFunc(dates, func(d InForceDate) bool { return d.AsOf == day })
	}
	if len(dates) != 40 || dates[0].AsOf != "2016-03-31" || !has("2025-01-15") || !has("2025-02-01") {
		t.Fatalf("%d dates from %s; want the demonstration's 38 from 2016-03-31 and the withdrawn filing's as_of and withdrawal", len(dates), dates[0].AsOf)
	}
	counts := func(day string) bool {
		t.Helper()
		fps, _, err := s.InForce(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(fps, func(f geo.Footprint) bool {
			return f.Provider == "viettel" && f.Geometry.Bound() == square(105.3, 20.8, 0.05).Bound()
		})
	}
	if counts("2025-01-14") || !counts("2025-01-15") || !counts("2025-01-31") || counts("2025-02-01") || counts("2026-01-01") {
		t.Fatal("the withdrawn filing must count from its as_of to the day before its withdrawal, and only then")
	}
	inputs, err := s.LoadInForce(ctx, dates)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range dates {
		fps, decls, err := s.InForce(ctx, d.AsOf)
		if err != nil {
			t.Fatal(err)
		}
		if want, got := itemKeys(fps, decls), itemKeys(inputs[i].Footprints, inputs[i].Declarations); !slices.Equal(got, want) {
			t.Fatalf("%s: %d items loaded, InForce has %d", d.AsOf, len(got), len(want))
		}
		if i > 0 && d.Key == dates[i-1].Key {
			t.Fatalf("%s has the key of the date before it", d.AsOf)
		}
	}
	// Up to a date, only the dates before it.
	early, err := s.InForceDates(ctx, "2016-12-31")
	if err != nil || len(early) == 0 || early[len(early)-1].AsOf > "2016-12-31" || early[0].Key != dates[0].Key {
		t.Fatalf("dates up to 2016: %+v, %v", early, err)
	}
}

func TestSnapshots_SaveKeepReplace(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	figs := func(covered float64) map[geo.Layer][]geo.CommuneFigure {
		return map[geo.Layer][]geo.CommuneFigure{geo.Mobile: {
			{Code: "01", Population: 100, Covered: covered, Share: covered / 100, Status: geo.StatusPartial},
			{Code: "02", Population: 50, Covered: 50, Share: 1, Status: geo.StatusCovered},
		}}
	}
	if err := s.SaveSnapshots(ctx, nil, []DatedFigures{
		{AsOf: "2020-01-01", InputsKey: "a", Layers: figs(10)},
		{AsOf: "2021-01-01", InputsKey: "b", Layers: figs(20)},
		{AsOf: "2022-01-01", InputsKey: "c", Layers: figs(30)},
	}); err != nil {
		t.Fatal(err)
	}
	// Keep 2020, replace 2021, drop 2022.
	if err := s.SaveSnapshots(ctx, []string{"2020-01-01"}, []DatedFigures{{AsOf: "2021-01-01", InputsKey: "b2", Layers: figs(25)}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Snapshots(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].AsOf != "2020-01-01" || got[1].InputsKey != "b2" || got[1].Layers[geo.Mobile][0].Covered != 25 ||
		got[0].Layers[geo.Mobile][1] != figs(0)[geo.Mobile][1] {
		t.Fatalf("stored %+v", got)
	}
	var rows int
	s.w.QueryRow("SELECT COUNT(*) FROM commune_snapshots").Scan(&rows)
	if rows != 4 {
		t.Fatalf("%d commune rows, want 4: a dropped date's rows must go with it", rows)
	}
	if err := s.SaveTargetSnapshots(ctx, []TargetSnapshot{{TargetID: 1, AsOf: "2020-01-01", Value: geo.TargetValue{Value: 0.5, Met: true}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveTargetSnapshots(ctx, []TargetSnapshot{{TargetID: 1, AsOf: "2021-01-01"}, {TargetID: 2, AsOf: "2021-01-01"}}); err != nil {
		t.Fatal(err)
	}
	s.w.QueryRow("SELECT COUNT(*) FROM target_snapshots").Scan(&rows)
	if rows != 2 {
		t.Fatalf("%d target rows, want the 2 of the last save", rows)
	}
}

// Figures as known on a day: a filing counts only once it was submitted,
// and a withdrawal only once it was made, so that a correction filed
// later with an earlier as_of, or a withdrawal, leaves what was known
// before it exactly as it was.
func TestInForceKnown_AsKnownOnADay(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	ids, err := s.AddFilings(ctx, []Filing{
		{Provider: "viettel", Layer: geo.Mobile, AsOf: "2025-01-01", Footprints: []geo.Footprint{{Technology: "4G", Geometry: square(105.3, 20.8, 0.05)}}},
		{Provider: "viettel", Layer: geo.Mobile, AsOf: "2025-01-01", Footprints: []geo.Footprint{{Technology: "3G", Geometry: square(105.4, 20.8, 0.05)}}},
		{Provider: "vnpt", Layer: geo.Mobile, AsOf: "2025-02-01", Footprints: []geo.Footprint{{Technology: "4G", Geometry: square(105.5, 20.8, 0.05)}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Filing 0 was submitted on 2025-01-05 and withdrawn on 2025-03-10;
	// filing 1 on 2025-01-05; filing 2, a correction of the past, on
	// 2025-03-01.
	for _, u := range []struct {
		id                   int64
		submitted, withdrawn any
	}{{ids[0], "2025-01-05T08:00:00Z", "2025-03-10T09:00:00Z"}, {ids[1], "2025-01-05T08:00:00Z", nil}, {ids[2], "2025-03-01T10:00:00Z", nil}} {
		if _, err := s.w.Exec("UPDATE filings SET submitted_at = ?, withdrawn_at = ? WHERE id = ?", u.submitted, u.withdrawn, u.id); err != nil {
			t.Fatal(err)
		}
	}
	providers := func(asOf, knownAt string) string {
		t.Helper()
		fps, _, err := s.InForceKnown(ctx, asOf, knownAt)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range fps {
			out = append(out, f.Provider+" "+f.Technology)
		}
		slices.Sort(out)
		return fmt.Sprint(out)
	}
	for _, c := range []struct{ asOf, knownAt, want string }{
		{"2025-02-15", "2025-02-20", "[viettel 3G viettel 4G]"},         // vnpt's filing of 2025-02-01 was not known yet
		{"2025-02-15", "2025-03-05", "[viettel 3G viettel 4G vnpt 4G]"}, // now it is: the past changed
		{"2025-02-15", "2025-03-20", "[viettel 3G viettel 4G vnpt 4G]"}, // the withdrawal of 2025-03-10 leaves 2025-02-15 alone
		{"2025-03-15", "2025-03-09", "[viettel 3G viettel 4G vnpt 4G]"}, // before the withdrawal was known
		{"2025-03-15", "2025-03-20", "[viettel 3G vnpt 4G]"},            // after it
		{"2024-12-31", "2025-03-20", "[]"},                              // nothing was in force yet
		{"2025-01-10", "2025-01-04", "[]"},                              // nothing had been submitted yet
		{"2025-03-15", "", "[viettel 3G vnpt 4G]"},                      // known today: everything
	} {
		if got := providers(c.asOf, c.knownAt); got != c.want {
			t.Errorf("as of %s, known on %s: %s, want %s", c.asOf, c.knownAt, got, c.want)
		}
	}
}
