package rest

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/phusong/phusong/geo"
)

// Ten parallel requests with one Idempotency-Key store one filing, and
// every one of them gets the first answer, byte for byte (or a 409 to
// retry, never an answer made up while the first was still being
// processed).
func TestFilings_ParallelRetriesGetTheFirstAnswer(t *testing.T) {
	s, store, _ := writableServer(t)
	token, err := store.AddProvider(context.Background(), "viettel", []geo.Layer{geo.Mobile}, "test")
	if err != nil {
		t.Fatal(err)
	}
	const n = 10
	codes := make([]int, n)
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := post(t, s, "/api/v1/filings", token, "application/geo+json", "retry-key", goodFiling)
			codes[i], bodies[i] = rec.Code, rec.Body.String()
		}()
	}
	wg.Wait()
	first := -1
	for i := range n {
		if codes[i] == http.StatusCreated && first < 0 {
			first = i
		}
	}
	if first < 0 {
		t.Fatalf("no request was answered 201: %v", codes)
	}
	for i := range n {
		switch {
		case codes[i] == http.StatusConflict:
			// A retry told to come back: it must then get the first answer.
			rec := post(t, s, "/api/v1/filings", token, "application/geo+json", "retry-key", goodFiling)
			if rec.Code != http.StatusCreated || rec.Body.String() != bodies[first] {
				t.Errorf("request %d: after its 409, the retry got %d %.300s, want the first answer", i, rec.Code, rec.Body)
			}
		case codes[i] != http.StatusCreated || bodies[i] != bodies[first]:
			t.Errorf("request %d: %d %.300s\nwant the first answer: %.300s", i, codes[i], bodies[i], bodies[first])
		}
	}
	fs, err := store.Filings(context.Background(), "viettel")
	if err != nil || len(fs) != 1 {
		t.Fatalf("%d filings stored (%v), want 1", len(fs), err)
	}
}
