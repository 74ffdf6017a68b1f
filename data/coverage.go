package data

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/phusong/phusong/geo"
)

// SaveCoverage stores a result's per-commune figures of every layer and
// breakdown as the latest run, replacing the previous run, in one
// transaction.
//
// set is the id of the unit set the result was computed on, so that the
// GIS views join its units.
func (s *Store) SaveCoverage(ctx context.Context, res *geo.Result, computedAt string, set int64) error {
	method, err := json.Marshal(res.Method)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM coverage_runs"); err != nil {
			return err
		}
		run, err := insertID(ctx, tx, "INSERT INTO coverage_runs (computed_at, method, unit_set) VALUES (?, ?, ?)", computedAt, string(method), set)
		if err != nil {
			return err
		}
		rows := newBatch(ctx, tx, `INSERT INTO commune_coverage (run_id, layer, breakdown, commune_code,
			population, population_covered, share_covered, status) VALUES`, 8, "")
		for _, lr := range res.Layers {
			for _, b := range lr.Breakdowns {
				for _, f := range b.Communes {
					if err := rows.add(run, string(lr.Layer), b.Key, f.Code, f.Population,
						f.Covered, f.Share, string(f.Status)); err != nil {
						return err
					}
				}
			}
		}
		return rows.flush()
	})
}
