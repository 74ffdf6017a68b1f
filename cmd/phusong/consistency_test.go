package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// figureSet is one layer's people covered per commune as one endpoint
// tells it, and the province's total as the summary tells it.
type figureSet map[string]float64

// TestConsistency_ConcurrentWriters files and withdraws declarations from
// three providers at once against the real binary, then checks that every
// endpoint tells the same figures, to the person: the layer GeoJSON (now
// and ?as_of= today), OGC API – Features items, the CSV export and the
// summary and targets (province totals); and that a restart, which
// recomputes from the store, tells them again. make loadtest runs it for
// PHUSONG_LOAD_SECONDS with a check every few seconds.
func TestConsistency_ConcurrentWriters(t *testing.T) {
	const writers = 4
	db := filepath.Join(t.TempDir(), "consistency.gpkg")
	if out, err := runCLI(t, "recompute", "--db", db); err != nil { // creates and seeds the store
		t.Fatalf("%v\n%s", err, out)
	}
	var tokens []string
	for i := range writers {
		out, err := runCLI(t, "provider", "add", "--layers", "mobile", fmt.Sprintf("op%d", i), "--db", db)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		tokens = append(tokens, strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:]))
	}
	s := startServer(t, db, "--write-rate", "0")
	var codes []string
	for _, f := range s.layer(t, "mobile").Features {
		codes = append(codes, f.Properties.Code)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	client := &http.Client{Timeout: 60 * time.Second}
	deadline := time.Now().Add(loadDuration())
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	filed, withdrawn := 0, 0
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			var mine []string
			for time.Now().Before(deadline) {
				if len(mine) > 0 && rng.IntN(3) == 0 {
					id := mine[0]
					mine = mine[1:]
					req, _ := http.NewRequest(http.MethodDelete, s.url+"/api/v1/filings/"+id, nil)
					req.Header.Set("Authorization", "Bearer "+tokens[w])
					if res, err := client.Do(req); err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
						mu.Lock()
						withdrawn++
						mu.Unlock()
					}
					continue
				}
				var body strings.Builder
				body.WriteString("commune_code,technology,share\n")
				for _, k := range rng.Perm(len(codes))[:20] { // 20 distinct communes
					fmt.Fprintf(&body, "%s,4G,%.2f\n", codes[k], 0.05+0.9*rng.Float64())
				}
				// Dates today and in the past, so that earlier dates of the
				// history change too.
				asOf := time.Now().UTC().AddDate(0, 0, -rng.IntN(30)).Format(time.DateOnly)
				req, _ := http.NewRequest(http.MethodPost, s.url+"/api/v1/filings?layer=mobile&as_of="+asOf, strings.NewReader(body.String()))
				req.Header.Set("Authorization", "Bearer "+tokens[w])
				req.Header.Set("Content-Type", "text/csv")
				res, err := client.Do(req)
				if err != nil {
					continue
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("filing: %d %.200s", res.StatusCode, b))
					mu.Unlock()
					continue
				}
				if i := strings.Index(string(b), `"id":`); i >= 0 {
					id := strings.TrimLeft(string(b[i+5:]), " ")
					id = id[:strings.IndexAny(id, ",}")]
					mine = append(mine, id)
				}
				mu.Lock()
				filed++
				mu.Unlock()
			}
		}()
	}
	// While they write, every few seconds: the layer, OGC items and the
	// summary, compared when all three name one generation (answers of
	// different snapshots may differ).
	checks, compared, mismatches := 0, 0, 0
	stop := make(chan struct{})
	checked := make(chan struct{})
	go func() {
		defer close(checked)
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Second):
			}
			checks++
			ok, problems := s.sameGeneration(t)
			if ok {
				compared++
				if len(problems) > 0 {
					mismatches++
					t.Errorf("during the writes: %s", problems[0])
				}
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-checked
	t.Logf("consistency: %d checks during the writes, %d of one generation compared, %d mismatched", checks, compared, mismatches)
	if len(failures) > 0 {
		t.Fatalf("%d writes failed, e.g. %s", len(failures), failures[0])
	}
	t.Logf("consistency: %d filings, %d withdrawals by %d writers in %s", filed, withdrawn, writers, loadDuration())
	before := s.settledFigures(t, today)
	s.stop(t)
	s = startServer(t, db, "--write-rate", "0")
	after := s.settledFigures(t, today)
	for code, v := range before {
		if after[code] != v {
			t.Errorf("after a restart commune %s has %v people covered, before it %v", code, after[code], v)
		}
	}
}

// settledFigures waits until the figures stop changing (the watcher has
// caught up), checks that every endpoint tells the same mobile figures and
// returns them.
func (s *server) settledFigures(t *testing.T, today string) figureSet {
	t.Helper()
	var sum struct {
		ComputedAt string `json:"computed_at"`
	}
	s.getJSON(t, "/api/v1/summary?layer=mobile", &sum)
	for range 30 {
		time.Sleep(2500 * time.Millisecond)
		last := sum.ComputedAt
		s.getJSON(t, "/api/v1/summary?layer=mobile", &sum)
		if sum.ComputedAt == last {
			break
		}
	}
	layer := figureSet{}
	for _, f := range s.layer(t, "mobile").Features {
		layer[f.Properties.Code] = f.Properties.PopulationCovered
	}
	check := func(name string, got figureSet) {
		t.Helper()
		if len(got) != len(layer) {
			t.Errorf("%s tells %d communes, the layer %d", name, len(got), len(layer))
		}
		for code, v := range layer {
			if got[code] != v {
				t.Errorf("%s: commune %s has %v people covered, the layer GeoJSON %v", name, code, got[code], v)
				return
			}
		}
	}
	// The layer as of today.
	var dated layerFC
	s.getJSON(t, "/api/v1/layers/mobile/communes?as_of="+today, &dated)
	asOf := figureSet{}
	for _, f := range dated.Features {
		asOf[f.Properties.Code] = f.Properties.PopulationCovered
	}
	check("the layer ?as_of=today", asOf)
	// OGC API – Features items.
	var items struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	s.getJSON(t, "/ogc/collections/mobile/items?limit=10000", &items)
	ogc := figureSet{}
	for _, f := range items.Features {
		ogc[f.Properties["code"].(string)] = f.Properties["population_covered"].(float64)
	}
	check("OGC items", ogc)
	// The CSV export.
	res, err := http.Get(s.url + "/api/v1/export/mobile.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(res.Body).ReadAll()
	res.Body.Close()
	if err != nil || len(rows) < 2 {
		t.Fatalf("export: %v (%d rows)", err, len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	export := figureSet{}
	for _, r := range rows[1:] {
		v, _ := strconv.ParseFloat(r[col["population_covered"]], 64)
		export[r[col["code"]]] = v
	}
	check("the CSV export", export)
	// Province totals: the summary and the mobile population target.
	var summary struct {
		Province struct {
			Covered float64 `json:"covered"`
		} `json:"province"`
	}
	s.getJSON(t, "/api/v1/summary?layer=mobile", &summary)
	var targets struct {
		Targets []struct {
			Layer   string `json:"layer"`
			Measure string `json:"measure"`
			Filter  string `json:"filter"`
			Current struct {
				Numerator float64 `json:"numerator"`
			} `json:"current"`
		} `json:"targets"`
	}
	s.getJSON(t, "/api/v1/targets", &targets)
	total := 0.0
	for _, v := range layer {
		total += v
	}
	if math.Abs(summary.Province.Covered-total) > float64(len(layer))/2+1 {
		t.Errorf("the summary has %v people covered, the layer's communes add up to %v", summary.Province.Covered, total)
	}
	for _, tg := range targets.Targets {
		if tg.Layer == "mobile" && tg.Measure == "population" && tg.Filter == "" && math.Abs(tg.Current.Numerator-summary.Province.Covered) > 0.5 {
			t.Errorf("the mobile target counts %v people covered, the summary %v", tg.Current.Numerator, summary.Province.Covered)
		}
	}
	return layer
}

// sameGeneration reads the mobile layer, its OGC items and its summary;
// when all three come from one generation it returns true and the ways
// they disagree.
func (s *server) sameGeneration(t *testing.T) (bool, []string) {
	get := func(path string, v any) string {
		res, err := http.Get(s.url + path)
		if err != nil {
			return "error"
		}
		defer res.Body.Close()
		if res.StatusCode != 200 || json.NewDecoder(res.Body).Decode(v) != nil {
			return "error"
		}
		return res.Header.Get("Phusong-Generation")
	}
	var layer layerFC
	var items struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	var summary struct {
		Province struct {
			Covered float64 `json:"covered"`
		} `json:"province"`
	}
	g1 := get("/api/v1/layers/mobile/communes", &layer)
	g2 := get("/ogc/collections/mobile/items?limit=10000", &items)
	g3 := get("/api/v1/summary?layer=mobile", &summary)
	if g1 == "" || g1 == "error" || g1 != g2 || g2 != g3 {
		return false, nil
	}
	var problems []string
	ogc := map[string]float64{}
	for _, f := range items.Features {
		ogc[f.Properties["code"].(string)], _ = f.Properties["population_covered"].(float64)
	}
	total := 0.0
	for _, f := range layer.Features {
		total += f.Properties.PopulationCovered
		if ogc[f.Properties.Code] != f.Properties.PopulationCovered {
			problems = append(problems, fmt.Sprintf("generation %s: commune %s: layer %v, OGC items %v", g1, f.Properties.Code,
				f.Properties.PopulationCovered, ogc[f.Properties.Code]))
		}
	}
	if math.Abs(summary.Province.Covered-total) > float64(len(layer.Features))/2+1 {
		problems = append(problems, fmt.Sprintf("generation %s: summary %v people covered, the layer's communes %v", g1, summary.Province.Covered, total))
	}
	return true, problems
}
