package data

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func enteredIndicator(id string) Indicator {
	return Indicator{ID: id, TitleVI: "Tỷ lệ người dùng Internet", TitleEN: "Internet users", Unit: "percent",
		Direction: "higher", Target: pct(70), Deadline: "2025-12-31", Territory: "17", Kind: KindEntered,
		Resolution: Resolution{Number: "01-NQ/TEST", Date: "2020-01-02", Title: "Thử"}}
}

func TestIndicators_AddRetireAudited(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	got, err := s.AddIndicator(ctx, enteredIndicator("users"), "admin")
	if err != nil || got.CreatedAt == "" || got.CreatedBy != "admin" || got.Resolution.Title != "Thử" || *got.Target != 70 {
		t.Fatalf("add: %+v, %v", got, err)
	}
	if _, err := s.AddIndicator(ctx, enteredIndicator("users"), "admin"); !errors.Is(err, ErrConflict) {
		t.Fatalf("the same id again: %v, want ErrConflict", err)
	}
	r, err := s.RetireIndicator(ctx, "users", "admin")
	if err != nil || !r.Retired() {
		t.Fatalf("retire: %+v, %v", r, err)
	}
	if _, err := s.RetireIndicator(ctx, "users", "admin"); !errors.Is(err, ErrConflict) {
		t.Fatalf("retire twice: %v", err)
	}
	if _, err := s.RetireIndicator(ctx, "nobody", "admin"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("retire unknown: %v", err)
	}
	all, _ := s.Indicators(ctx)
	if len(all) != 1 || !all[0].Retired() {
		t.Fatalf("a retired indicator is kept: %+v", all)
	}
	entries, _ := s.Audit(ctx, 10)
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action+" "+e.Target)
	}
	if strings.Join(actions, ", ") != "indicator.retire users, indicator.create users" {
		t.Fatalf("audit: %v", actions)
	}
}

func TestIndicatorValues_AllOrNothingAndNeverChanged(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.AddIndicator(ctx, enteredIndicator("users"), "admin"); err != nil {
		t.Fatal(err)
	}
	first, err := s.AddIndicatorValues(ctx, []IndicatorValue{
		{Indicator: "users", AsOf: "2024-12-31", Value: 50, Source: "khảo sát"},
		{Indicator: "users", AsOf: "2024-12-31", UnitCode: "04000", Value: 40, Numerator: pct(40), Denominator: pct(100), Source: "khảo sát"},
	}, "admin", "indicator.values", "")
	if err != nil || len(first) != 2 || first[0].ID == 0 || first[1].EnteredBy != "admin" {
		t.Fatalf("add: %+v, %v", first, err)
	}
	// A batch with one bad row stores nothing, the good rows included.
	_, err = s.AddIndicatorValues(ctx, []IndicatorValue{
		{Indicator: "users", AsOf: "2025-12-31", Value: 60, Source: "khảo sát"},
		{Indicator: "nobody", AsOf: "2025-12-31", Value: 1, Source: "x"},
	}, "admin", "indicator.values", "")
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown indicator: %v", err)
	}
	if _, err := s.AddIndicatorValues(ctx, []IndicatorValue{{Indicator: "users", AsOf: "2024-12-31", Value: 1, Source: "x", Corrects: 999}},
		"admin", "indicator.values", ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a correction of no row: %v", err)
	}
	corr, err := s.AddIndicatorValues(ctx, []IndicatorValue{{Indicator: "users", AsOf: "2024-12-31", Value: 55, Source: "báo cáo", Corrects: first[0].ID}},
		"admin", "indicator.values", "")
	if err != nil || corr[0].Corrects != first[0].ID {
		t.Fatalf("correction: %+v, %v", corr, err)
	}
	vals, _ := s.IndicatorValues(ctx, "users")
	if len(vals) != 3 || vals[0].Value != 50 || vals[2].Value != 55 || vals[1].Numerator == nil || *vals[1].Denominator != 100 {
		t.Fatalf("values: %+v", vals)
	}
	// The table refuses changes and deletions, whoever asks.
	db, err := sql.Open("sqlite3", s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"UPDATE indicator_values SET value = 1", "DELETE FROM indicator_values",
		"DELETE FROM indicators", "UPDATE indicators SET target = 1"} {
		if _, err := db.ExecContext(ctx, q); err == nil {
			t.Errorf("%s was allowed", q)
		}
	}
	if _, err := s.RetireIndicator(ctx, "users", "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddIndicatorValues(ctx, []IndicatorValue{{Indicator: "users", AsOf: "2026-01-01", Value: 1, Source: "x"}},
		"admin", "indicator.values", ""); !errors.Is(err, ErrConflict) {
		t.Fatalf("a value of a retired indicator: %v", err)
	}
}

func TestIndicators_SeededWithTheArticle(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.SeedDefault2019(ctx, false); err != nil {
		t.Fatal(err)
	}
	inds, err := s.Indicators(ctx)
	if err != nil || len(inds) != 12 {
		t.Fatalf("%d indicators, %v; want the 12 named", len(inds), err)
	}
	for i, ind := range inds {
		if ind.Order != i+1 || ind.Resolution.Number != "05-NQ/TU" || ind.Territory != "17" {
			t.Errorf("indicator %d: %+v", i+1, ind)
		}
		if (i < 4) != (ind.Kind == KindComputed) || (i < 4 && ind.TargetID != int64([]int{2, 3, 4, 1}[i])) {
			t.Errorf("indicator %d kind %s target %d", i+1, ind.Kind, ind.TargetID)
		}
	}
	if inds[11].ID != "pci-transparency" || inds[11].Target != nil || inds[9].Target != nil || inds[9].Unit != "level" {
		t.Errorf("the PCI and public services have no target number: %+v %+v", inds[11], inds[9])
	}
	vals, _ := s.IndicatorValues(ctx, "")
	var got []string
	for _, v := range vals {
		if v.Indicator != "pci-transparency" || v.Source != ArticleSource {
			t.Errorf("an invented value: %+v", v)
		}
		got = append(got, v.AsOf+"="+strconv.FormatFloat(v.Value, 'f', -1, 64))
	}
	if strings.Join(got, " ") != "2010-12-31=3.32 2011-12-31=5.87 2012-12-31=5.9 2015-12-31=6.32" {
		t.Errorf("the article's PCI values: %v", got)
	}
	res, _ := s.Resolutions(ctx)
	if len(res) != 1 || res[0].Indicators == nil || *res[0].Indicators != 15 || !strings.Contains(res[0].Note, "8/15") {
		t.Errorf("resolutions: %+v", res)
	}
}
