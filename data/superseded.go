package data

import (
	"cmp"
	"context"
	"database/sql"
	"slices"

	"github.com/phusong/phusong/geo"
)

// Superseded is a stored filing that a new one would replace, wholly or
// for some of its technologies: a filing supersedes another of the same
// provider and layer only for the technologies it contains.
type Superseded struct {
	ID    int64     `json:"id"`
	Layer geo.Layer `json:"layer"`
	AsOf  string    `json:"as_of"`
	Demo  bool      `json:"demo"`
	// Technologies are those the filing would stop giving, sorted.
	Technologies []string `json:"technologies"`
	// Footprints and Declarations count the filing's items of those
	// technologies: what stops counting.
	Footprints   int `json:"footprints"`
	Declarations int `json:"declarations"`
}

// part is one technology of one filing.
type part struct {
	id   int64
	tech string
}

// inForceParts is the set of filing parts in force on asOf, as known today.
func inForceParts(ctx context.Context, q querier, asOf string) (map[part]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, technology FROM (`+inForceFilter+`) AS in_force`, orToday(asOf), orToday(""))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[part]bool{}
	for rows.Next() {
		var p part
		if err := rows.Scan(&p.id, &p.tech); err != nil {
			return nil, err
		}
		out[p] = true
	}
	return out, rows.Err()
}

// superseded describes the parts in force before and not after, by filing
// id.
func superseded(ctx context.Context, tx *sql.Tx, before, after map[part]bool) ([]Superseded, error) {
	byID := map[int64][]string{}
	for p := range before {
		if !after[p] {
			byID[p.id] = append(byID[p.id], p.tech)
		}
	}
	out := []Superseded{}
	for id, techs := range byID {
		slices.Sort(techs)
		sup := Superseded{ID: id, Technologies: techs}
		var layer string
		if err := tx.QueryRowContext(ctx, `SELECT layer, as_of, demo FROM filings WHERE id = ?`, id).
			Scan(&layer, &sup.AsOf, &sup.Demo); err != nil {
			return nil, err
		}
		sup.Layer = geo.Layer(layer)
		for _, tech := range techs {
			var nf, nd int
			if err := tx.QueryRowContext(ctx, `SELECT
				(SELECT count(*) FROM footprints WHERE filing_id = ?1 AND technology = ?2),
				(SELECT count(*) FROM declarations WHERE filing_id = ?1 AND technology = ?2)`, id, tech).
				Scan(&nf, &nd); err != nil {
				return nil, err
			}
			sup.Footprints += nf
			sup.Declarations += nd
		}
		out = append(out, sup)
	}
	slices.SortFunc(out, func(a, b Superseded) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}
