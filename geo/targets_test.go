package geo

import (
	"errors"
	"strings"
	"testing"
)

func TestTarget_Validate(t *testing.T) {
	ok := Target{Layer: Mobile, Measure: MeasurePopulation, Value: 0.95, Deadline: "2030-12-31",
		TitleVI: "Băng rộng di động phủ 95% dân số", TitleEN: "Mobile broadband reaches 95% of the population"}
	cases := []struct {
		name   string
		change func(*Target)
		want   string // "" for valid
	}{
		{"valid population target", func(*Target) {}, ""},
		{"valid communes target", func(t *Target) { t.Measure, t.Value, t.Threshold, t.Filter = MeasureCommunes, 1, 0.5, FilterRemote }, ""},
		{"unknown layer", func(t *Target) { t.Layer = "tv" }, "layer"},
		{"unknown measure", func(t *Target) { t.Measure = "area" }, "measure"},
		{"value 0", func(t *Target) { t.Value = 0 }, "value"},
		{"value above 1", func(t *Target) { t.Value = 95 }, "value"},
		{"communes without threshold", func(t *Target) { t.Measure = MeasureCommunes }, "threshold"},
		{"communes threshold above 1", func(t *Target) { t.Measure, t.Threshold = MeasureCommunes, 1.5 }, "threshold"},
		{"population with threshold", func(t *Target) { t.Threshold = 0.5 }, "threshold"},
		{"unknown filter", func(t *Target) { t.Filter = "urban" }, "filter"},
		{"bad deadline", func(t *Target) { t.Deadline = "31/12/2030" }, "deadline"},
		{"impossible deadline", func(t *Target) { t.Deadline = "2030-02-30" }, "deadline"},
		{"empty Vietnamese title", func(t *Target) { t.TitleVI = "  " }, "title_vi"},
		{"long English title", func(t *Target) { t.TitleEN = strings.Repeat("x", 201) }, "title_en"},
		{"title not UTF-8", func(t *Target) { t.TitleEN = "\xff" }, "title_en"},
		{"long source", func(t *Target) { t.Source = strings.Repeat("ý", 501) }, "source"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tg := ok
			c.change(&tg)
			err := tg.Validate()
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one about %s wrapping ErrInvalidInput", err, c.want)
			}
		})
	}
}

func TestFilter_Keeps(t *testing.T) {
	for _, c := range []struct {
		f              Filter
		remote, others bool
	}{{FilterAll, true, true}, {FilterRemote, true, false}, {FilterNotRemote, false, true}} {
		if c.f.Keeps(true) != c.remote || c.f.Keeps(false) != c.others {
			t.Errorf("filter %q", c.f)
		}
	}
}
