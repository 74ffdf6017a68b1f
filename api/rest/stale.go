package rest

import (
	"fmt"
	"time"

	"github.com/gin-gonic/gin"
)

// freshness is what *api.Service says of its figures against the store
// (api.Service.Freshness); a Core without it is always fresh.
type freshness interface {
	Freshness() (checkedAt, failingSince time.Time, err error)
}

// staleHeader names, on every answer while the store cannot be read (an
// instance that lost its PostgreSQL database), how old the figures served
// are: they are the last snapshot, kept and served, not the store's
// current state.
const staleHeader = "X-Phusong-Stale"

func (s *Server) markStale(c *gin.Context) {
	if f, ok := s.core.(freshness); ok {
		checked, since, err := f.Freshness()
		if err != nil && !since.IsZero() {
			c.Header(staleHeader, fmt.Sprintf("database unreachable since %s; figures as last found current at %s, %.0f s ago",
				since.UTC().Format(time.RFC3339), checked.UTC().Format(time.RFC3339), time.Since(checked).Seconds()))
		}
	}
	c.Next()
}

// snapshotAge is ", at T (N s ago)" for the figures served, said in the
// answer to a write refused because the database does not answer.
func (s *Server) snapshotAge() string {
	f, ok := s.core.(freshness)
	if !ok {
		return ""
	}
	checked, _, _ := f.Freshness()
	if checked.IsZero() {
		return ""
	}
	return fmt.Sprintf(", last found current at %s (%.0f s ago)", checked.UTC().Format(time.RFC3339), time.Since(checked).Seconds())
}
