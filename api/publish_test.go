package api

import (
	"context"
	"testing"
	"time"

	"github.com/phusong/phusong/api/apitest"
)

// Every Recompute that publishes tells each OnPublish observer, once, of
// the snapshot now current and of a duration no longer than the call.
func TestService_OnPublishTellsEveryRecompute(t *testing.T) {
	ctx := context.Background()
	s := New(DefaultConfig(), apitest.SmallStore(t), quietLog())
	type call struct {
		snap *Snapshot
		took time.Duration
	}
	var first, second []call
	s.OnPublish(func(snap *Snapshot, took time.Duration) { first = append(first, call{snap, took}) })
	s.OnPublish(func(snap *Snapshot, took time.Duration) { second = append(second, call{snap, took}) })
	for i := range 2 {
		start := time.Now()
		if err := s.Recompute(ctx); err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		cur, err := s.Current()
		if err != nil {
			t.Fatal(err)
		}
		if len(first) != i+1 || len(second) != i+1 {
			t.Fatalf("after %d recomputes the observers were told %d and %d times", i+1, len(first), len(second))
		}
		if got := first[i]; got.snap != cur || got.took <= 0 || got.took > took {
			t.Fatalf("recompute %d: told of %p after %s, want the current %p after at most %s", i+1, got.snap, got.took, cur, took)
		}
	}
}
