package data

import (
	"bytes"
	"context"
	"database/sql"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/seed"
)

// seedCSV carries the facts of Hòa Bình's 210 communes at the 2019 census:
// GSO code, name, type, district, population, interior point and area.
//
//go:embed seed/hoabinh_2019.csv
var seedCSV []byte

// demoSeed fixes the demonstration data set, so that every new database
// shows the same figures.
const demoSeed = 2019

// DefaultCommunes returns Hòa Bình's communes at the 2019 census with the
// approximate shapes computed from their interior points and areas, marked
// geo.BoundaryApproximate.
func DefaultCommunes() ([]geo.Commune, error) {
	r := csv.NewReader(bytes.NewReader(seedCSV))
	r.Comment = '#'
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	var out []geo.Commune
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
		get := func(name string) string { return rec[col[name]] }
		num := func(name string) float64 {
			if err != nil {
				return 0
			}
			var v float64
			v, err = strconv.ParseFloat(get(name), 64)
			if err != nil {
				err = fmt.Errorf("seed commune %s: %s: %w", get("code"), name, err)
			}
			return v
		}
		c := geo.Commune{
			Code: get("code"), Name: get("name"), Type: get("type"),
			DistrictCode: get("district_code"), District: get("district"),
			Population: int(num("population")), PopulationUrban: int(num("population_urban")),
			PopulationRural: int(num("population_rural")), AreaKm2: num("area_km2"),
			Boundary: geo.BoundaryApproximate,
		}
		c.Point[0], c.Point[1] = num("lon"), num("lat")
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	shapes, err := seed.ApproximateShapes(out)
	if err != nil {
		return nil, fmt.Errorf("seed shapes: %w", err)
	}
	for i := range out {
		out[i].Geometry = roundCoordinates(shapes[i])
	}
	return out, nil
}

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

// SeedDefault fills a new store with the default data: Hòa Bình's communes,
// an approximate set of remote communes (seed.DefaultRemote), the WorldPop
// grid that places their people (SeedGrid), the indicators of resolution
// 05-NQ/TU (DefaultIndicators) and, with demo,
// the demonstration filings. It does nothing, and returns
// false, on a store that was seeded before or already holds communes, so a
// deployer's data is never touched.
func (s *Store) SeedDefault(ctx context.Context, demo bool) (bool, error) {
	if v, err := s.Meta(ctx, "seeded_at"); err != nil || v != "" {
		return false, err
	}
	if n, err := s.CommuneCount(ctx); err != nil || n > 0 {
		return false, err
	}
	communes, err := DefaultCommunes()
	if err != nil {
		return false, err
	}
	grid, gridInfo, err := SeedGrid()
	if err != nil {
		return false, err
	}
	// One transaction: a crash while seeding leaves an empty store that the
	// next start seeds again, never a half-seeded one.
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := replaceCommunes(ctx, tx, communes, nil); err != nil {
			return err
		}
		if _, err := setRemote(ctx, tx, seed.DefaultRemote(communes), seed.RemoteApproximate); err != nil {
			return err
		}
		if _, err := addPopulationGrid(ctx, tx, grid, gridInfo, "seed"); err != nil {
			return err
		}
		if err := seedIndicators(ctx, tx); err != nil {
			return err
		}
		if demo {
			if _, err := addFilings(ctx, tx, DemoFilings(communes)); err != nil {
				return err
			}
		}
		if err := setMeta(ctx, tx, "seeded_at", now()); err != nil {
			return err
		}
		return setMeta(ctx, tx, "seed", fmt.Sprintf("Hòa Bình 2019 census, approximate shapes, WorldPop 2020 grid, demonstration filings: %t", demo))
	})
	return err == nil, err
}

// roundCoordinates rounds a computed shape to 6 decimals of a degree (about
// 0.1 m): the shapes are approximate to hundreds of metres, and the extra
// digits only make every response that carries them larger. Rings stay
// closed, since their first and last positions round alike.
func roundCoordinates(mp orb.MultiPolygon) orb.MultiPolygon {
	for _, p := range mp {
		for _, r := range p {
			for k := range r {
				r[k] = orb.Point{math.Round(r[k][0]*1e6) / 1e6, math.Round(r[k][1]*1e6) / 1e6}
			}
		}
	}
	return mp
}
