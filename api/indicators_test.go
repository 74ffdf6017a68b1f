package api

import (
	"context"
	"errors"
	"maps"
	"math"
	"testing"

	"github.com/phusong/phusong/api/apitest"
	"github.com/phusong/phusong/data"
)

func f64(v float64) *float64 { return &v }

// smallIndicators is the small store (communes 90001–90003 in districts
// 901 and 902, the default indicators) with its snapshot.
func smallIndicators(t *testing.T) (*Snapshot, *data.Store) {
	t.Helper()
	store := apitest.SmallStore(t)
	s := New(DefaultConfig(), store, quietLog())
	if err := s.Recompute(context.Background()); err != nil {
		t.Fatal(err)
	}
	snap, err := s.Current()
	if err != nil {
		t.Fatal(err)
	}
	return snap, store
}

func board(t *testing.T, snap *Snapshot, store *data.Store, asOf string) Board {
	t.Helper()
	d, err := ReadIndicators(context.Background(), store)
	if err != nil {
		t.Fatal(err)
	}
	return snap.Board(d, asOf, false)
}

func entryOf(t *testing.T, b Board, id string) IndicatorEntry {
	t.Helper()
	for _, e := range b.Indicators {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no %s on the board", id)
	return IndicatorEntry{}
}

func TestBoard_Default(t *testing.T) {
	snap, store := smallIndicators(t)
	b := board(t, snap, store, "2015-12-31")
	if b.Total != 12 || len(b.Indicators) != 12 || len(b.Resolutions) != 1 || *b.Resolutions[0].Indicators != 15 {
		t.Fatalf("board: %d indicators, resolutions %+v", b.Total, b.Resolutions)
	}
	pci := b.Indicators[11]
	if pci.ID != "pci-transparency" || pci.Latest == nil || pci.Latest.Value != 6.32 || pci.Latest.AsOf != "2015-12-31" ||
		pci.Met != nil || len(pci.Trend) != 4 || pci.Trend[0].Value != 3.32 || pci.Latest.Source != data.ArticleSource {
		t.Fatalf("PCI: %+v", pci)
	}
	for _, e := range b.Indicators[4:11] {
		if e.Latest != nil || e.Met != nil {
			t.Errorf("%s has a value no one gave: %+v", e.ID, e.Latest)
		}
	}
	// No filing was in force in 2015: the coverage indicators have no data.
	if b.Indicators[0].Latest != nil || b.WithData != 1 || b.Met != 0 || b.HeadlineVI != "0/12 chỉ tiêu đạt và vượt" {
		t.Fatalf("2015: with data %d, met %d, %q, broadcast %+v", b.WithData, b.Met, b.HeadlineVI, b.Indicators[0].Latest)
	}
	if got := board(t, snap, store, "2011-06-30").Indicators[11].Latest.Value; got != 3.32 {
		t.Errorf("PCI on 2011-06-30: %v, want 2010's 3.32", got)
	}
	// Today the computed ones take their targets' values, ×100.
	now := board(t, snap, store, "")
	mobile := now.Indicators[3]
	a, _ := snap.AnswerTarget(1, "")
	if mobile.Latest == nil || math.Abs(mobile.Latest.Value-a.Current.Value*100) > 1e-3 || *mobile.Met != a.Current.Met ||
		len(mobile.Trend) != len(a.History) || mobile.Forecast == nil {
		t.Fatalf("mobile: %+v, target %+v", mobile, a.Current)
	}
}

func TestIndicators_ValuesRollUpCorrectAndCheck(t *testing.T) {
	ctx := context.Background()
	snap, store := smallIndicators(t)
	ind, err := snap.CreateIndicator(ctx, store, NewIndicator{ID: "households-internet", TitleVI: "Hộ có Internet",
		TitleEN: "Households with internet", Unit: "percent", Direction: "higher", Target: f64(60), Territory: "17"}, "admin")
	if err != nil || ind.Kind != data.KindEntered {
		t.Fatalf("create: %+v, %v", ind, err)
	}
	if _, err := snap.CreateIndicator(ctx, store, NewIndicator{ID: "households-internet", TitleVI: "x", TitleEN: "x",
		Unit: "percent", Direction: "higher", Territory: "17"}, "admin"); !errors.Is(err, data.ErrConflict) {
		t.Fatalf("the same id: %v", err)
	}
	stored, err := snap.AddValues(ctx, store, "households-internet", []ValueInput{
		{AsOf: "2024-12-31", UnitCode: "90001", Numerator: f64(300), Denominator: f64(1000), Source: "khảo sát 2024"},
		{AsOf: "2024-12-31", UnitCode: "90002", Numerator: f64(1400), Denominator: f64(2000), Source: "khảo sát 2024"},
		{AsOf: "2025-06-30", UnitCode: "90002", Numerator: f64(1800), Denominator: f64(2000), Source: "khảo sát 2025"},
	}, "admin")
	if err != nil || len(stored) != 3 || math.Abs(stored[0].Value-30) > 1e-9 {
		t.Fatalf("add: %+v, %v", stored, err)
	}
	d, _ := ReadIndicators(ctx, store)
	e := entryOf(t, snap.Board(d, "2024-12-31", false), "households-internet")
	if e.Latest == nil || math.Abs(e.Latest.Value-(300+1400)/3000.0*100) > 1e-9 || e.Latest.Units != 2 || *e.Met || !e.PerUnit {
		t.Fatalf("roll-up 2024: %+v", e.Latest)
	}
	e = entryOf(t, snap.Board(d, "2025-12-31", false), "households-internet")
	if math.Abs(e.Latest.Value-(300+1800)/3000.0*100) > 1e-9 || e.Latest.AsOf != "2025-06-30" || !*e.Met || len(e.Trend) != 2 {
		t.Fatalf("roll-up 2025: %+v, trend %+v", e.Latest, e.Trend)
	}
	// A correction supersedes; both rows stay.
	if _, err := snap.AddValues(ctx, store, "households-internet", []ValueInput{
		{AsOf: "2024-12-31", UnitCode: "90001", Numerator: f64(500), Denominator: f64(1000), Source: "báo cáo sửa", Corrects: stored[0].ID},
	}, "admin"); err != nil {
		t.Fatal(err)
	}
	d, _ = ReadIndicators(ctx, store)
	det, err := snap.IndicatorDetail(d, "households-internet", "2024-12-31")
	if err != nil || len(det.Values) != 4 || !det.Values[3].Superseded || det.Values[0].Superseded || len(det.Units) != 2 {
		t.Fatalf("detail: %+v, %v", det, err)
	}
	if math.Abs(det.Latest.Value-1900/3000.0*100) > 1e-9 || det.Units[0].Name != "Xã Đồng Tâm" || *det.Units[0].Numerator != 500 {
		t.Fatalf("after the correction: %+v, units %+v", det.Latest, det.Units)
	}
	// Every problem at once, nothing stored.
	_, err = snap.AddValues(ctx, store, "households-internet", []ValueInput{
		{AsOf: "2024-13-01", UnitCode: "90001", Value: f64(1), Source: "x"},
		{AsOf: "2024-12-31", UnitCode: "99999", Value: f64(1), Source: "x"},
		{AsOf: "2024-12-31", UnitCode: "901", Value: f64(1)},
		{AsOf: "2024-12-31", UnitCode: "902", Numerator: f64(1), Denominator: f64(0), Source: "x"},
		{AsOf: "2024-12-31", UnitCode: "", Source: "x"},
		{AsOf: "2023-12-31", Value: f64(1), Source: "x"},
		{AsOf: "2023-12-31", Value: f64(2), Source: "x"},
		{AsOf: "2023-12-31", UnitCode: "902", Value: f64(math.Inf(1)), Source: "x"},
		{AsOf: "2023-12-31", UnitCode: "901", Value: f64(1), Source: "x", Corrects: 1},
	}, "admin")
	var ps ValueProblems
	if !errors.As(err, &ps) || !errors.Is(err, data.ErrInvalid) {
		t.Fatalf("problems: %v", err)
	}
	var codes []string
	for _, p := range ps {
		codes = append(codes, p.Code)
	}
	want := []string{CodeBadDate, CodeUnknownUnit, CodeMissingSource, CodeBadDenominator, CodeMissingValue, CodeDuplicateRow, CodeBadNumber, CodeBadCorrection}
	if len(codes) != len(want) {
		t.Fatalf("codes %v, want %v", codes, want)
	}
	for i := range want {
		if codes[i] != want[i] {
			t.Fatalf("codes %v, want %v", codes, want)
		}
	}
	if vals, _ := store.IndicatorValues(ctx, "households-internet"); len(vals) != 4 {
		t.Fatalf("%d rows after a refused batch, want 4", len(vals))
	}
	for _, c := range []struct {
		id   string
		want error
	}{{"pci-transparency", nil}, {"broadcast-communes", data.ErrInvalid}, {"nobody", data.ErrNotFound}} {
		_, err := snap.AddValues(ctx, store, c.id, []ValueInput{{AsOf: "2016-12-31", Value: f64(6.5), Source: "PCI 2016"}}, "admin")
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.id, err, c.want)
		}
	}
}

func TestNewIndicator_Validate(t *testing.T) {
	ok := NewIndicator{ID: "a-1", TitleVI: "x", TitleEN: "x", Unit: "count", Direction: "lower", Territory: "17"}
	cases := []struct {
		name   string
		change func(*NewIndicator)
		valid  bool
	}{
		{"ok", func(*NewIndicator) {}, true},
		{"id upper case", func(r *NewIndicator) { r.ID = "A" }, false},
		{"no title", func(r *NewIndicator) { r.TitleEN = " " }, false},
		{"unit", func(r *NewIndicator) { r.Unit = "kg" }, false},
		{"direction", func(r *NewIndicator) { r.Direction = "up" }, false},
		{"percent over 100", func(r *NewIndicator) { r.Unit, r.Target = "percent", f64(101) }, false},
		{"deadline", func(r *NewIndicator) { r.Deadline = "2025-02-30" }, false},
		{"territory", func(r *NewIndicator) { r.Territory = "Hòa Bình" }, false},
		{"computed without target", func(r *NewIndicator) { r.Kind = "computed" }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ok
			c.change(&r)
			if err := r.Validate(); (err == nil) != c.valid || err != nil && !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("%v", err)
			}
		})
	}
}

// TestCheckValues_PercentAndMagnitude: a percentage outside 0–100, given
// as a value or as a numerator above its denominator, and a value too large
// to add up exactly are refused, each named.
func TestCheckValues_PercentAndMagnitude(t *testing.T) {
	snap, store := smallIndicators(t)
	d, err := ReadIndicators(context.Background(), store)
	if err != nil {
		t.Fatal(err)
	}
	_, err = snap.CheckValues(d, "internet-users", []ValueInput{
		{AsOf: "2020-01-01", Value: f64(150), Source: "s"},
		{AsOf: "2020-01-02", Value: f64(-5), Source: "s"},
		{AsOf: "2020-01-03", Numerator: f64(5), Denominator: f64(4), Source: "s"},
		{AsOf: "2020-01-04", Value: f64(1e300), Source: "s"},
		{AsOf: "2020-01-05", Value: f64(72.5), Source: "s"},
	})
	var vp ValueProblems
	if !errors.As(err, &vp) {
		t.Fatalf("err %v, want ValueProblems", err)
	}
	got := map[int]string{}
	for _, p := range vp {
		got[p.Index] = p.Field + ":" + p.Code
	}
	want := map[int]string{0: "value:bad_number", 1: "value:bad_number", 2: "numerator:bad_number", 3: "value:bad_number"}
	if !maps.Equal(got, want) {
		t.Errorf("problems %v, want %v", got, want)
	}
}
