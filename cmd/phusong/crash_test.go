package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// crashRounds is how many times the crash test kills the server: a few in
// the ordinary test run, PHUSONG_CRASH_ROUNDS (make crashtest: 25) for the
// full test.
func crashRounds() int {
	if n, err := strconv.Atoi(os.Getenv("PHUSONG_CRASH_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 3
}

// TestCrash_NothingAcknowledgedIsLost submits filings continuously and
// kills the server with SIGKILL at random moments. After each restart:
// SQLite's integrity check passes, every filing answered 201 is present
// and whole, no filing is present in part, and the figures served equal a
// fresh recompute.
func TestCrash_NothingAcknowledgedIsLost(t *testing.T) {
	for _, b := range stores() {
		t.Run(b.name, func(t *testing.T) { crashTest(t, b.db(t, "crash.gpkg")) })
	}
}

func crashTest(t *testing.T, db string) {
	newDatabase(t, db, "--no-demo")
	token := addProvider(t, db, "mobile", "crasher")
	s := startServer(t, db, "--write-rate", "0")
	rng := rand.New(rand.NewPCG(1, 2))
	acked := map[int64]int{} // filing id → footprints
	attempts, killedMidWrite := 0, 0

	for round := range crashRounds() {
		var mu sync.Mutex
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 5 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				n := 1 + (i % 40)
				var feats []string
				for k := range n {
					x, y := 105.0+float64((i*7+k)%80)*0.01, 20.4+float64((i*3+k)%60)*0.01
					feats = append(feats, fmt.Sprintf(`{"type":"Feature","properties":{"technology":"4G"},"geometry":{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}}`,
						x, y, x+0.02, y, x+0.02, y+0.02, x, y))
				}
				body := `{"type":"FeatureCollection","layer":"mobile","as_of":"2025-01-01","features":[` + strings.Join(feats, ",") + `]}`
				req, _ := http.NewRequest("POST", s.url+"/api/v1/filings", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/geo+json")
				mu.Lock()
				attempts++
				mu.Unlock()
				res, err := client.Do(req)
				if err != nil {
					mu.Lock()
					killedMidWrite++
					mu.Unlock()
					return // the server died
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode == 201 {
					var a struct{ ID int64 }
					json.Unmarshal(b, &a)
					mu.Lock()
					acked[a.ID] = n
					mu.Unlock()
				} else if res.StatusCode != 0 {
					t.Errorf("submission answered %d: %s", res.StatusCode, b)
					return
				}
			}
		}()
		time.Sleep(time.Duration(100+rng.IntN(500)) * time.Millisecond)
		s.cmd.Process.Signal(syscall.SIGKILL)
		s.cmd.Wait()
		close(stop)
		wg.Wait()

		s = startServer(t, db, "--no-demo", "--write-rate", "0")
		checkAfterCrash(t, s, db, acked)
		t.Logf("round %d: %d filings acknowledged so far", round+1, len(acked))
	}
	t.Logf("%d kills, %d submissions, %d acknowledged, %d cut by a kill; nothing acknowledged was lost", crashRounds(), attempts, len(acked), killedMidWrite)
	if len(acked) == 0 {
		t.Fatal("no filing was acknowledged: the test proved nothing")
	}
}

func checkAfterCrash(t *testing.T, s *server, db string, acked map[int64]int) {
	t.Helper()
	ctx := context.Background()
	store, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if v, err := store.IntegrityCheck(ctx); err != nil || v != "ok" {
		t.Fatalf("integrity check: %q %v", v, err)
	}
	for id, n := range acked {
		fps, _, err := store.FilingItems(ctx, id)
		if err != nil || len(fps) != n {
			t.Fatalf("acknowledged filing %d: %d of %d footprints (%v)", id, len(fps), n, err)
		}
	}
	filings, err := store.Filings(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range filings {
		var rep struct{ Footprints int }
		json.Unmarshal(f.Report, &rep)
		fps, _, _ := store.FilingItems(ctx, f.ID)
		if len(fps) != rep.Footprints {
			t.Fatalf("filing %d is present in part: %d of %d footprints", f.ID, len(fps), rep.Footprints)
		}
	}
	communes, err := store.Communes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	grid, _, err := store.PopulationGrid(ctx)
	if err != nil {
		t.Fatal(err)
	}
	surface, err := geo.NewSurface(communes, geo.SurfaceOptions{Grid: grid})
	if err != nil {
		t.Fatal(err)
	}
	fps, decls, err := store.InForce(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := surface.Compute(fps, decls, geo.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := res.Layer(geo.Mobile).Breakdown(geo.KindAll).Province
	resp, err := http.Get(s.url + "/api/v1/summary?layer=mobile")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct{ Province geo.Rollup }
	json.NewDecoder(resp.Body).Decode(&got)
	if math.Abs(got.Province.Covered-want.Covered) > 1e-6 || got.Province.CommunesReached != want.CommunesReached {
		t.Fatalf("served %+v, a fresh recompute gives %+v", got.Province, want)
	}
}

// TestSlowHeaders: a client that sends its headers too slowly is cut off
// at the read-header timeout, and the server keeps serving others.
func TestSlowHeaders(t *testing.T) {
	db := filepath.Join(t.TempDir(), "slow.gpkg")
	s := startServer(t, db, "--no-demo", "--read-header-timeout", "500ms")
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "GET /api/v1/layers HTTP/1.1\r\nHost: x\r\n")
	for range 10 {
		time.Sleep(200 * time.Millisecond)
		if _, err := fmt.Fprintf(conn, "X-Slow: drip\r\n"); err != nil {
			break
		}
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(conn)
	if took := time.Since(start); took > 4*time.Second {
		t.Fatalf("the slow client held the connection %s", took)
	}
	if strings.Contains(string(b), "200 OK") {
		t.Fatalf("a slow client was served: %q (%v)", b, err)
	}
	if res, err := http.Get(s.url + "/healthz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("server down after a slow client: %v", err)
	}
}
