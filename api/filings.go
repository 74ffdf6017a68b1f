package api

import (
	"context"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// DryRunResult is what storing a filing would do, told before it is stored.
type DryRunResult struct {
	// After is the province figures of the filing's layer with it stored.
	After geo.Rollup
	// Supersedes lists the filings in force today that it would replace,
	// by id; never nil.
	Supersedes []data.Superseded
}

// DryRun tells what storing f would do, without storing it: f joins the
// filings in force today as a new filing would, replacing what it
// supersedes.
func (s *Service) DryRun(ctx context.Context, snap *Snapshot, f data.Filing) (DryRunResult, error) {
	fps, decls, gone, err := s.store.InForceWith(ctx, f, "")
	if err != nil {
		return DryRunResult{}, err
	}
	res, err := s.compute(ctx, snap, fps, decls)
	if err != nil {
		return DryRunResult{}, err
	}
	return DryRunResult{After: res.Layer(f.Layer).Breakdown(geo.KindAll).Province, Supersedes: gone}, nil
}
