package geo

import "testing"

func TestTrendForecast(t *testing.T) {
	// 0.5, 0.6, 0.7 a year (365 days) apart: 0.1 per 365 days, so from 0.7
	// on 2023-01-01 the goal 0.9 is 730 days on, 2024-12-31 (2024 is leap).
	linear := []TrendPoint{{"2021-01-01", 0.5}, {"2022-01-01", 0.6}, {"2023-01-01", 0.7}}
	cases := []struct {
		name    string
		points  []TrendPoint
		goal    float64
		outcome string
		date    string
		fitted  int
	}{
		{"linear, by hand", linear, 0.9, OutcomeForecast, "2024-12-31", 3},
		// A point more than 3 years before the latest is left out of the fit.
		{"old point outside the window", append([]TrendPoint{{"2010-01-01", 0}}, linear...), 0.9, OutcomeForecast, "2024-12-31", 3},
		// With few recent points, the latest three are fitted whatever their age.
		{"sparse history", []TrendPoint{{"2001-01-01", 0.5}, {"2002-01-01", 0.6}, {"2003-01-01", 0.7}}, 0.9, OutcomeForecast, "2004-12-31", 3},
		{"at the goal on the latest date", linear, 0.7, OutcomeForecast, "2023-01-01", 3},
		{"flat", []TrendPoint{{"2021-01-01", 0.5}, {"2022-01-01", 0.5}, {"2023-01-01", 0.5}}, 0.9, OutcomeNotPace, "", 3},
		{"falling", []TrendPoint{{"2021-01-01", 0.7}, {"2022-01-01", 0.6}}, 0.9, OutcomeNotPace, "", 2},
		{"one point", []TrendPoint{{"2023-01-01", 0.5}}, 0.9, OutcomeNotPace, "", 0},
		{"no points", nil, 0.9, OutcomeNotPace, "", 0},
		// 0.001 a year from 0.5 to 0.9 is 400 years: beyond the horizon.
		{"too slow", []TrendPoint{{"2021-01-01", 0.499}, {"2022-01-01", 0.5}}, 0.9, OutcomeNotPace, "", 2},
		{"one date twice", []TrendPoint{{"2022-01-01", 0.4}, {"2022-01-01", 0.5}}, 0.9, OutcomeNotPace, "", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := TrendForecast(c.points, c.goal)
			if f.Outcome != c.outcome || f.Date != c.date || f.Points != c.fitted || f.Note == "" || f.NoteVI == "" {
				t.Fatalf("%+v, want %s %q from %d points", f, c.outcome, c.date, c.fitted)
			}
		})
	}
	if f := MetForecast(); f.Outcome != OutcomeMet || f.Note == "" || f.NoteVI == "" {
		t.Fatalf("%+v", f)
	}
}
