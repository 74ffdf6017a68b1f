package data

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strings"

	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/seed"
)

// demoSeed fixes the demonstration data set, so that every new database
// shows the same figures.
const demoSeed = 2019

// DemoFilings returns the demonstration filing set for communes, marked as
// demonstration data.
func DemoFilings(communes []geo.Commune) []Filing {
	var out []Filing
	for _, d := range seed.DemoFilings(communes, demoSeed) {
		out = append(out, Filing{Provider: d.Provider, Layer: d.Layer, AsOf: d.AsOf, Demo: true,
			Source: seed.DemoSource, Footprints: d.Footprints, Declarations: d.Declarations})
	}
	return out
}

// SeedDefault fills a new store with the default data: the seed
// territory's three unit sets (DefaultUnitSets), an approximate set of
// remote communes in each (seed.DefaultRemote), the WorldPop grid that
// places their people (SeedGrid), the indicators of resolution 05-NQ/TU
// (DefaultIndicators) and, with demo, the demonstration filings, made on
// the 2019 communes and filed on that set. It does nothing, and returns
// false, on a store that was seeded before or already holds communes, so a
// deployer's data is never touched.
func (s *Store) SeedDefault(ctx context.Context, demo bool) (bool, error) {
	sets, err := DefaultUnitSets()
	if err != nil {
		return false, err
	}
	return s.SeedDefaultSets(ctx, demo, sets)
}

// SeedDefaultSets is SeedDefault with the unit sets given in place of
// the three of DefaultUnitSets, e.g. only the 2019 communes; the
// demonstration filings are made on the first.
func (s *Store) SeedDefaultSets(ctx context.Context, demo bool, sets []NewUnitSet) (bool, error) {
	if v, err := s.Meta(ctx, "seeded_at"); err != nil || v != "" {
		return false, err
	}
	if n, err := s.CommuneCount(ctx); err != nil || n > 0 {
		return false, err
	}
	if len(sets) == 0 {
		return false, fmt.Errorf("%w: no unit set to seed", ErrInvalid)
	}
	for _, set := range sets {
		if err := checkNewSet(set); err != nil {
			return false, err
		}
	}
	grid, gridInfo, err := SeedGrid()
	if err != nil {
		return false, err
	}
	// One transaction: a crash while seeding leaves an empty store that the
	// next start seeds again, never a half-seeded one.
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := clearSets(ctx, tx); err != nil {
			return err
		}
		var all []geo.Commune
		var first int64
		for i, set := range sets {
			id, err := insertSet(ctx, tx, set, nil)
			if err != nil {
				return err
			}
			if i == 0 {
				first = id
			}
			if err := seedRemote(ctx, tx, id, seed.DefaultRemote(set.Communes)); err != nil {
				return err
			}
			all = append(all, set.Communes...)
		}
		if err := bumpCommunesVersion(ctx, tx); err != nil {
			return err
		}
		if err := updateExtent(ctx, tx, "communes", communesBound(all)); err != nil {
			return err
		}
		if err := setMeta(ctx, tx, "remote_source", seed.RemoteApproximate); err != nil {
			return err
		}
		if _, err := addPopulationGrid(ctx, tx, grid, gridInfo, "seed"); err != nil {
			return err
		}
		if err := seedIndicators(ctx, tx); err != nil {
			return err
		}
		if demo {
			fs := DemoFilings(sets[0].Communes)
			for i := range fs {
				fs[i].UnitSet = first
			}
			if _, err := addFilings(ctx, tx, fs); err != nil {
				return err
			}
		}
		if err := setMeta(ctx, tx, "seeded_at", now()); err != nil {
			return err
		}
		names := make([]string, len(sets))
		for i, set := range sets {
			names[i] = set.Name
		}
		return setMeta(ctx, tx, "seed", fmt.Sprintf("Hòa Bình, unit sets %s with real boundaries, WorldPop 2020 grid, demonstration filings: %t", strings.Join(names, ", "), demo))
	})
	return err == nil, err
}

// seedRemote marks the remote communes of one set.
func seedRemote(ctx context.Context, tx *sql.Tx, set int64, codes []string) error {
	for _, code := range codes {
		if _, err := tx.ExecContext(ctx, "UPDATE communes SET remote = 1 WHERE set_id = ? AND code = ?", set, code); err != nil {
			return err
		}
	}
	return nil
}

// SeedDefault2019 seeds the default data on its 2019 communes alone, as a
// province that imported only its census boundaries would have them: one
// set, districts as parents.
func (s *Store) SeedDefault2019(ctx context.Context, demo bool) (bool, error) {
	sets, err := DefaultUnitSets()
	if err != nil {
		return false, err
	}
	return s.SeedDefaultSets(ctx, demo, sets[:1])
}
