package data

import (
	"context"

	"github.com/phusong/phusong/geo"
)

// FilingsInForce lists, without their items, the filings that give at
// least one technology's coverage on asOf (YYYY-MM-DD; "" means today) —
// the filings InForce takes its footprints and declarations from — by
// provider, layer and id. Exports name them as their source.
func (s *Store) FilingsInForce(ctx context.Context, asOf string) ([]Filing, error) {
	return s.FilingsInForceKnown(ctx, asOf, "")
}

// FilingsInForceKnown is FilingsInForce as known on knownAt (InForceKnown).
func (s *Store) FilingsInForceKnown(ctx context.Context, asOf, knownAt string) ([]Filing, error) {
	asOf, knownAt = orToday(asOf), orToday(knownAt)
	rows, err := s.r.QueryContext(ctx, `SELECT f.id, f.provider, f.layer, f.as_of, f.submitted_at,
		COALESCE(f.withdrawn_at, ''), f.demo, f.source FROM filings f
		WHERE f.id IN (SELECT id FROM (`+inForceFilter+`) AS in_force)
		ORDER BY f.provider, f.layer, f.id`, asOf, knownAt)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Filing
	for rows.Next() {
		var f Filing
		var layer string
		if err := rows.Scan(&f.ID, &f.Provider, &layer, &f.AsOf, &f.SubmittedAt, &f.WithdrawnAt, &f.Demo, &f.Source); err != nil {
			return nil, err
		}
		f.Layer = geo.Layer(layer)
		out = append(out, f)
	}
	return out, rows.Err()
}
