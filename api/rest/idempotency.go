package rest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/phusong/phusong/data"
)

// maxIdempotencyWait is how long a retry waits for the first request with
// its Idempotency-Key to be answered before it is told to come back (409
// with Retry-After).
const maxIdempotencyWait = 30 * time.Second

// inflight holds the Idempotency-Keys whose first request is being
// processed, by principal and key, each with a channel closed when its
// answer is stored. A retry that arrives meanwhile waits for it and then
// replays the stored answer: never an answer made up before the first one
// was known.
type inflight struct {
	mu   sync.Mutex
	keys map[string]chan struct{}
}

// claim takes key for principal. When another request holds it, claim
// waits until that request is done (then takes it), ctx ends, or the wait
// passes maxIdempotencyWait, which is a conflict to retry. release must be
// called once the answer is stored.
func (in *inflight) claim(ctx context.Context, principal, key string) (release func(), err error) {
	k := principal + "\x00" + key
	timeout := time.NewTimer(maxIdempotencyWait)
	defer timeout.Stop()
	for {
		in.mu.Lock()
		if in.keys == nil {
			in.keys = map[string]chan struct{}{}
		}
		held, busy := in.keys[k]
		if !busy {
			done := make(chan struct{})
			in.keys[k] = done
			in.mu.Unlock()
			return func() {
				in.mu.Lock()
				delete(in.keys, k)
				in.mu.Unlock()
				close(done)
			}, nil
		}
		in.mu.Unlock()
		select {
		case <-held:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timeout.C:
			return nil, &retryLater{fmt.Errorf("%w: a request with Idempotency-Key %s is still being processed; retry to get its answer",
				data.ErrConflict, quote(key)), 2 * time.Second}
		}
	}
}

// retryLater is a conflict the client should retry after a while; fail
// sends Retry-After with it.
type retryLater struct {
	err   error
	after time.Duration
}

func (e *retryLater) Error() string { return e.err.Error() }
func (e *retryLater) Unwrap() error { return e.err }
