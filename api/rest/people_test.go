package rest

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/geo"
)

type peopleBody struct {
	Layer      string  `json:"layer"`
	Population string  `json:"population_method"`
	SquareM    float64 `json:"square_m"`
	People     int     `json:"people"`
	Uncovered  int     `json:"uncovered"`
	Features   []struct {
		Geometry struct {
			Type        string         `json:"type"`
			Coordinates [][][2]float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties struct {
			People    int    `json:"people"`
			Uncovered int    `json:"uncovered"`
			Commune   string `json:"commune"`
		} `json:"properties"`
	} `json:"features"`
}

// TestPeople_TotalsAreTheSummarys checks, on every layer of the seeded
// store, that the people map holds the province's people and, in whole
// people, its population − covered.
func TestPeople_TotalsAreTheSummarys(t *testing.T) {
	s := testServer(t)
	for _, l := range geo.Layers {
		t.Run(string(l), func(t *testing.T) {
			rec := get(t, s, "GET", "/api/v1/layers/"+string(l)+"/people")
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/geo+json" {
				t.Fatalf("%d %s\n%s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			var m peopleBody
			if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			var sum struct {
				Province struct {
					Population int     `json:"population"`
					Covered    float64 `json:"covered"`
				} `json:"province"`
			}
			if err := json.Unmarshal(get(t, s, "GET", "/api/v1/summary?layer="+string(l)).Body.Bytes(), &sum); err != nil {
				t.Fatal(err)
			}
			want := int(math.Round(float64(sum.Province.Population) - sum.Province.Covered))
			if m.People != sum.Province.Population || m.Uncovered != want {
				t.Errorf("map: %d people, %d uncovered; summary: %d people, %d uncovered", m.People, m.Uncovered, sum.Province.Population, want)
			}
			people, uncovered := 0, 0
			for _, f := range m.Features {
				p := f.Properties
				people += p.People
				uncovered += p.Uncovered
				if p.Uncovered < 0 || p.Uncovered > p.People || p.People <= 0 || p.Commune == "" {
					t.Fatalf("square %+v", p)
				}
				ring := f.Geometry.Coordinates[0]
				if f.Geometry.Type != "Polygon" || len(ring) != 5 || ring[0] != ring[4] || !(ring[2][0] > ring[0][0] && ring[2][1] > ring[0][1]) {
					t.Fatalf("geometry %+v", f.Geometry)
				}
			}
			if people != m.People || uncovered != m.Uncovered {
				t.Errorf("squares: %d people, %d uncovered; totals %d, %d", people, uncovered, m.People, m.Uncovered)
			}
			if m.SquareM < 900 || m.SquareM > 1100 || m.Layer != string(l) || m.Population == "" {
				t.Errorf("square %v m, layer %q, population %q", m.SquareM, m.Layer, m.Population)
			}
		})
	}
}

func TestPeople_Clusters(t *testing.T) {
	s := testServer(t)
	var a struct {
		Uncovered    int           `json:"uncovered"`
		MinUncovered float64       `json:"min_uncovered"`
		Clusters     []api.Cluster `json:"clusters"`
	}
	rec := get(t, s, "GET", "/api/v1/layers/broadband/clusters?limit=5")
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || rec.Code != 200 {
		t.Fatalf("%d %s (%v)", rec.Code, rec.Body, err)
	}
	if len(a.Clusters) == 0 || len(a.Clusters) > 5 || a.MinUncovered != api.DefaultClusterMin {
		t.Fatalf("%d clusters, min %v", len(a.Clusters), a.MinUncovered)
	}
	var total float64
	for i, c := range a.Clusters {
		total += c.Uncovered
		if c.Rank != i+1 || (i > 0 && c.Uncovered > a.Clusters[i-1].Uncovered) {
			t.Errorf("cluster %d out of order: %+v", i, c)
		}
		if !(c.BBox[0] <= c.Lon && c.Lon <= c.BBox[2] && c.BBox[1] <= c.Lat && c.Lat <= c.BBox[3]) || len(c.Communes) == 0 || c.Communes[0].Name == "" {
			t.Errorf("cluster %+v", c)
		}
		if c.Uncovered > float64(c.People) {
			t.Errorf("cluster %d: %v uncovered of %d people", c.Rank, c.Uncovered, c.People)
		}
	}
	if total > float64(a.Uncovered)+1 {
		t.Errorf("clusters hold %v uncovered people, the layer %d", total, a.Uncovered)
	}
	for target, want := range map[string]int{
		"/api/v1/layers/mobile/clusters?limit=0":             400,
		"/api/v1/layers/mobile/clusters?min_uncovered=-1":    400,
		"/api/v1/layers/mobile/clusters?min_uncovered=lots":  400,
		"/api/v1/layers/mobile/people?as_of=2024-01-01":      400,
		"/api/v1/layers/mobile/clusters?known_at=2024-01-01": 400,
		"/api/v1/layers/roads/people":                        404,
		"/api/v1/layers/mobile/clusters?min_uncovered=0":     200,
	} {
		rec := get(t, s, "GET", target)
		if rec.Code != want {
			t.Errorf("%s: %d, want %d\n%s", target, rec.Code, want, rec.Body)
		}
		if _, query, _ := strings.Cut(target, "?"); want == 400 {
			if name, _, _ := strings.Cut(query, "="); !strings.Contains(rec.Body.String(), name) {
				t.Errorf("%s: detail does not name %s: %s", target, name, rec.Body)
			}
		}
	}
}

func TestPopulation_SaysTheMethod(t *testing.T) {
	s := testServer(t)
	var a populationAnswer
	rec := get(t, s, "GET", "/api/v1/population")
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || rec.Code != 200 {
		t.Fatalf("%d %s (%v)", rec.Code, rec.Body, err)
	}
	if a.People != 854131 || a.Communes != 210 || a.Rule == "" || a.EvenFallback == nil {
		t.Errorf("%+v", a)
	}
	if (a.Grid == nil) != (a.Method == "even") {
		t.Errorf("method %q with grid %+v", a.Method, a.Grid)
	}
}
