package api

import (
	"context"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// DryRun returns the province figures of f's layer as they would be if f
// were stored, without storing it: f joins the filings in force today as
// a new filing would, replacing what it supersedes.
func (s *Service) DryRun(ctx context.Context, snap *Snapshot, f data.Filing) (geo.Rollup, error) {
	fps, decls, err := s.store.InForceWith(ctx, f, "")
	if err != nil {
		return geo.Rollup{}, err
	}
	res, err := snap.Surface.Compute(fps, decls, snap.calc)
	if err != nil {
		return geo.Rollup{}, err
	}
	return res.Layer(f.Layer).Breakdown(geo.KindAll).Province, nil
}
