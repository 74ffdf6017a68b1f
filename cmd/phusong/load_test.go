package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// loadDuration is how long the load test runs: a few seconds in the
// ordinary test run, PHUSONG_LOAD_SECONDS (make loadtest: 30) for the full
// test.
func loadDuration() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("PHUSONG_LOAD_SECONDS") + "s"); err == nil && d > 0 {
		return d
	}
	return 3 * time.Second
}

// TestLoad_ReadersAndWriters runs 200 concurrent readers (layers,
// summaries, pages) and 4 concurrent writers (filings) against the real
// binary: no 5xx, no "database is locked", and it reports the p99 of reads.
func TestLoad_ReadersAndWriters(t *testing.T) {
	for _, b := range stores() {
		t.Run(b.name, func(t *testing.T) { loadTest(t, b.db(t, "load.gpkg")) })
	}
}

func loadTest(t *testing.T, db string) {
	const readers, writers = 200, 4
	newDatabase(t, db)
	var tokens []string
	for i := range writers {
		tokens = append(tokens, addProvider(t, db, "mobile,phone", fmt.Sprintf("writer%d", i)))
	}
	s := startServer(t, db, "--write-rate", "0")
	paths := []string{"/api/v1/layers/mobile/communes", "/api/v1/layers/broadband/communes", "/api/v1/summary",
		"/api/v1/summary?layer=mobile&breakdown=provider", "/api/v1/layers", "/"}
	deadline := time.Now().Add(loadDuration())
	transport := &http.Transport{MaxIdleConnsPerHost: readers + writers}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}

	var mu sync.Mutex
	var latencies []time.Duration
	var failures []string
	reads, writes := 0, 0
	fail := func(msg string) {
		mu.Lock()
		if len(failures) < 10 {
			failures = append(failures, msg)
		}
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := r; time.Now().Before(deadline); i++ {
				start := time.Now()
				res, err := client.Get(s.url + paths[i%len(paths)])
				if err != nil {
					fail(err.Error())
					return
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				mine = append(mine, time.Since(start))
				if res.StatusCode >= 500 || strings.Contains(string(b), "database is locked") {
					fail(fmt.Sprintf("GET %s: %d %.200s", paths[i%len(paths)], res.StatusCode, b))
				}
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			reads += len(mine)
			mu.Unlock()
		}()
	}
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				x := 105.0 + float64((w*13+i)%90)*0.01
				body := fmt.Sprintf(`{"type":"FeatureCollection","layer":"mobile","as_of":"2025-0%d-01","features":[{"type":"Feature","properties":{"technology":"4G"},"geometry":{"type":"Polygon","coordinates":[[[%g,20.5],[%g,20.5],[%g,20.6],[%g,20.5]]]}}]}`,
					1+i%9, x, x+0.05, x+0.05, x)
				req, _ := http.NewRequest("POST", s.url+"/api/v1/filings", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+tokens[w])
				req.Header.Set("Content-Type", "application/geo+json")
				res, err := client.Do(req)
				if err != nil {
					fail(err.Error())
					return
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 201 {
					fail(fmt.Sprintf("POST filing: %d %.200s", res.StatusCode, b))
				}
				mu.Lock()
				writes++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("failures under load:\n%s", strings.Join(failures, "\n"))
	}
	slices.Sort(latencies)
	p := func(q float64) time.Duration { return latencies[int(q*float64(len(latencies)-1))] }
	fmt.Printf("loadtest: %s, %d readers, %d writers: %d reads (%.0f/s), %d filings; read latency p50 %s, p99 %s, max %s; no 5xx, no lock errors\n",
		loadDuration(), readers, writers, reads, float64(reads)/loadDuration().Seconds(), writes,
		p(0.5).Round(time.Microsecond), p(0.99).Round(time.Microsecond), latencies[len(latencies)-1].Round(time.Microsecond))
}
