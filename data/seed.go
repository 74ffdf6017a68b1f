package data

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
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
	if err := checkNewSets(sets); err != nil {
		return false, err
	}
	grid, gridInfo, err := SeedGrid()
	if err != nil {
		return false, err
	}
	// One transaction: a crash while seeding leaves an empty store that the
	// next start seeds again, never a half-seeded one.
	errSeeded := errors.New("seeded meanwhile")
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		// Again inside the write lock: instances that start together on
		// a new PostgreSQL database seed it once.
		var seeded int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM meta WHERE key = 'seeded_at'").Scan(&seeded); err != nil {
			return err
		}
		if seeded > 0 {
			return errSeeded
		}
		ids, err := replaceSets(ctx, tx, sets, nil)
		if err != nil {
			return err
		}
		for i, set := range sets {
			if _, err := setRemote(ctx, tx, ids[i], seed.DefaultRemote(set.Communes), seed.RemoteApproximate); err != nil {
				return err
			}
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
				fs[i].UnitSet = ids[0]
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
	if errors.Is(err, errSeeded) {
		return false, nil
	}
	return err == nil, err
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
