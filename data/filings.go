package data

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/phusong/phusong/geo"
)

// Filing is one submission of a provider for one layer: footprints and
// commune declarations describing coverage as of a date.
type Filing struct {
	ID          int64     `json:"id"`
	Provider    string    `json:"provider"`
	Layer       geo.Layer `json:"layer"`
	AsOf        string    `json:"as_of"` // YYYY-MM-DD
	SubmittedAt string    `json:"submitted_at"`
	WithdrawnAt string    `json:"withdrawn_at,omitempty"`
	Demo        bool      `json:"demo"`
	Source      string    `json:"source"`

	Footprints   []geo.Footprint   `json:"-"`
	Declarations []geo.Declaration `json:"-"`
}

// Validate checks what the store itself relies on; the filing validator of
// the API checks everything else before a filing gets here.
func (f *Filing) Validate() error {
	if f.Provider == "" {
		return fmt.Errorf("%w: filing has no provider", ErrInvalid)
	}
	if !f.Layer.Valid() {
		return fmt.Errorf("%w: filing layer %q is not one of broadcast, phone, broadband, mobile", ErrInvalid, f.Layer)
	}
	if _, err := time.Parse(time.DateOnly, f.AsOf); err != nil {
		return fmt.Errorf("%w: filing as_of %q is not a date YYYY-MM-DD", ErrInvalid, f.AsOf)
	}
	return nil
}

// AddFilings stores the filings whole, in one transaction, and returns their
// ids in order. Items take their provider and layer from their filing.
func (s *Store) AddFilings(ctx context.Context, fs []Filing) ([]int64, error) {
	var ids []int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		ids, err = addFilings(ctx, tx, fs)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

func addFilings(ctx context.Context, tx *sql.Tx, fs []Filing) ([]int64, error) {
	ids := make([]int64, len(fs))
	for i, f := range fs {
		if err := f.Validate(); err != nil {
			return nil, fmt.Errorf("filing %d: %w", i, err)
		}
		id, err := insertFiling(ctx, tx, f)
		if err != nil {
			return nil, fmt.Errorf("filing %d: %w", i, err)
		}
		ids[i] = id
	}
	if err := bumpVersion(ctx, tx, "filings_version"); err != nil {
		return nil, err
	}
	return ids, recomputeExtent(ctx, tx, "footprints")
}

func insertFiling(ctx context.Context, tx *sql.Tx, f Filing) (int64, error) {
	submitted := f.SubmittedAt
	if submitted == "" {
		submitted = now()
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO filings (provider, layer, as_of, submitted_at, demo, source)
		VALUES (?, ?, ?, ?, ?, ?)`, f.Provider, string(f.Layer), f.AsOf, submitted, f.Demo, f.Source)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	fp, err := tx.PrepareContext(ctx, `INSERT INTO footprints (geom, filing_id, provider, layer, technology,
		programme, service, min_down_mbps, min_up_mbps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	defer fp.Close()
	for j, p := range f.Footprints {
		blob, err := geo.EncodeGPKG(p.Geometry)
		if err != nil {
			return 0, fmt.Errorf("footprint %d: %w", j, err)
		}
		if _, err := fp.ExecContext(ctx, blob, id, f.Provider, string(f.Layer), p.Technology, p.Programme,
			p.Service, p.MinDownMbps, p.MinUpMbps); err != nil {
			return 0, fmt.Errorf("footprint %d: %w", j, err)
		}
	}
	dc, err := tx.PrepareContext(ctx, `INSERT INTO declarations (filing_id, commune_code, technology,
		programme, service, share) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	defer dc.Close()
	for j, d := range f.Declarations {
		if _, err := dc.ExecContext(ctx, id, d.CommuneCode, d.Technology, d.Programme, d.Service, d.Share); err != nil {
			return 0, fmt.Errorf("declaration %d: %w", j, err)
		}
	}
	return id, nil
}

// Filings lists every filing, newest first, without its items.
func (s *Store) Filings(ctx context.Context) ([]Filing, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, provider, layer, as_of, submitted_at,
		COALESCE(withdrawn_at, ''), demo, source FROM filings ORDER BY id DESC`)
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

// RemoveDemo deletes every demonstration filing with its footprints and
// declarations, and nothing else. It returns how many filings went.
func (s *Store) RemoveDemo(ctx context.Context) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM filings WHERE demo = 1")
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		if err != nil {
			return err
		}
		if err := bumpVersion(ctx, tx, "filings_version"); err != nil {
			return err
		}
		return recomputeExtent(ctx, tx, "footprints")
	})
	return int(n), err
}

// inForceFilter is the SQL that picks, for every provider, layer and
// technology, the filing in force on a date: the latest by as_of (then by
// id) among those not withdrawn and dated on or before it. A later filing
// supersedes an earlier one only for the technologies it contains.
const inForceFilter = `
WITH items AS (
  SELECT f.id, f.provider, f.layer, f.as_of, p.technology FROM filings f
    JOIN footprints p ON p.filing_id = f.id
    WHERE f.withdrawn_at IS NULL AND f.as_of <= ?1
  UNION
  SELECT f.id, f.provider, f.layer, f.as_of, d.technology FROM filings f
    JOIN declarations d ON d.filing_id = f.id
    WHERE f.withdrawn_at IS NULL AND f.as_of <= ?1
), ranked AS (
  SELECT id, technology, ROW_NUMBER() OVER (
    PARTITION BY provider, layer, technology ORDER BY as_of DESC, id DESC) AS rn
  FROM items
)
SELECT id, technology FROM ranked WHERE rn = 1`

// InForce returns the footprints and declarations in force on asOf
// (YYYY-MM-DD; "" means today): the inputs of the calculator.
func (s *Store) InForce(ctx context.Context, asOf string) ([]geo.Footprint, []geo.Declaration, error) {
	if asOf == "" {
		asOf = time.Now().UTC().Format(time.DateOnly)
	}
	fps, err := s.queryFootprints(ctx, `SELECT p.geom, f.provider, f.layer, p.technology, p.programme, p.service,
		p.min_down_mbps, p.min_up_mbps FROM footprints p JOIN filings f ON f.id = p.filing_id
		JOIN (`+inForceFilter+`) w ON w.id = p.filing_id AND w.technology = p.technology
		ORDER BY p.fid`, asOf)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT f.provider, f.layer, d.technology, d.programme, d.service,
		d.commune_code, d.share FROM declarations d JOIN filings f ON f.id = d.filing_id
		JOIN (`+inForceFilter+`) w ON w.id = d.filing_id AND w.technology = d.technology
		ORDER BY d.id`, asOf)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var decls []geo.Declaration
	for rows.Next() {
		var d geo.Declaration
		var layer string
		if err := rows.Scan(&d.Provider, &layer, &d.Technology, &d.Programme, &d.Service, &d.CommuneCode, &d.Share); err != nil {
			return nil, nil, err
		}
		d.Layer = geo.Layer(layer)
		decls = append(decls, d)
	}
	return fps, decls, rows.Err()
}

func (s *Store) queryFootprints(ctx context.Context, query string, args ...any) ([]geo.Footprint, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []geo.Footprint
	for rows.Next() {
		var p geo.Footprint
		var blob []byte
		var layer string
		if err := rows.Scan(&blob, &p.Provider, &layer, &p.Technology, &p.Programme, &p.Service, &p.MinDownMbps, &p.MinUpMbps); err != nil {
			return nil, err
		}
		p.Layer = geo.Layer(layer)
		if p.Geometry, err = geo.DecodeGPKG(blob); err != nil {
			return nil, fmt.Errorf("footprint of %s: %w", p.Provider, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
