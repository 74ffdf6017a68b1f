package data

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/gpkg"
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
	Format      string    `json:"format,omitempty"` // geojson or csv
	// UnitSet is the id of the unit set the declarations' commune codes
	// were read on; 0: the set in force on AsOf.
	UnitSet int64 `json:"unit_set,omitempty"`
	// Report is the validation report kept with the filing (JSON).
	Report json.RawMessage `json:"report,omitempty"`

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
	report := string(f.Report)
	if report == "" {
		report = "{}"
	}
	var set any
	if f.UnitSet != 0 {
		set = f.UnitSet
	}
	id, err := insertID(ctx, tx, `INSERT INTO filings (provider, layer, as_of, submitted_at, demo, source, format, report, unit_set)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.Provider, string(f.Layer), f.AsOf, submitted, f.Demo, f.Source, f.Format, report, set)
	if err != nil {
		return 0, err
	}
	fps := newBatch(ctx, tx, `INSERT INTO footprints (geom, filing_id, provider, layer, technology,
		programme, service, min_down_mbps, min_up_mbps) VALUES`, 9, "")
	for j, p := range f.Footprints {
		blob, err := gpkg.Encode(p.Geometry)
		if err != nil {
			return 0, fmt.Errorf("footprint %d: %w", j, err)
		}
		if err := fps.add(blob, id, f.Provider, string(f.Layer), p.Technology, p.Programme,
			p.Service, p.MinDownMbps, p.MinUpMbps); err != nil {
			return 0, fmt.Errorf("footprints to %d: %w", j, err)
		}
	}
	if err := fps.flush(); err != nil {
		return 0, fmt.Errorf("footprints: %w", err)
	}
	decls := newBatch(ctx, tx, `INSERT INTO declarations (filing_id, commune_code, technology,
		programme, service, share) VALUES`, 6, "")
	for j, d := range f.Declarations {
		if err := decls.add(id, d.CommuneCode, d.Technology, d.Programme, d.Service, d.Share); err != nil {
			return 0, fmt.Errorf("declarations to %d: %w", j, err)
		}
	}
	if err := decls.flush(); err != nil {
		return 0, fmt.Errorf("declarations: %w", err)
	}
	return id, nil
}

// Filings lists filings newest first, without their items: every filing
// when provider is "", otherwise that provider's own (demonstration data
// generated under a provider's name is not the provider's).
func (s *Store) Filings(ctx context.Context, provider string) ([]Filing, error) {
	return s.queryFilings(ctx, "WHERE ? = '' OR (provider = ? AND demo = 0) ORDER BY id DESC", provider, provider)
}

// FilingByID returns one filing with its report. With provider set, a
// filing of anyone else is ErrNotFound, so that its existence is not told.
func (s *Store) FilingByID(ctx context.Context, id int64, provider string) (Filing, error) {
	fs, err := s.queryFilings(ctx, "WHERE id = ? AND (? = '' OR (provider = ? AND demo = 0))", id, provider, provider)
	if err != nil {
		return Filing{}, err
	}
	if len(fs) == 0 {
		return Filing{}, fmt.Errorf("%w: filing %d", ErrNotFound, id)
	}
	return fs[0], nil
}

// where is one of the store's own clauses, never a request's text.
func (s *Store) queryFilings(ctx context.Context, where string, args ...any) ([]Filing, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, provider, layer, as_of, submitted_at,
		COALESCE(withdrawn_at, ''), demo, source, format, report, COALESCE(unit_set, 0) FROM filings `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Filing{}
	for rows.Next() {
		var f Filing
		var layer, report string
		if err := rows.Scan(&f.ID, &f.Provider, &layer, &f.AsOf, &f.SubmittedAt, &f.WithdrawnAt, &f.Demo, &f.Source, &f.Format, &report, &f.UnitSet); err != nil {
			return nil, err
		}
		f.Layer = geo.Layer(layer)
		f.Report = json.RawMessage(report)
		out = append(out, f)
	}
	return out, rows.Err()
}

// FilingItems returns a filing's footprints and declarations, in the order
// they were filed.
func (s *Store) FilingItems(ctx context.Context, id int64) ([]geo.Footprint, []geo.Declaration, error) {
	fps, err := queryFootprints(ctx, s.r, `SELECT p.geom, f.provider, f.layer, p.technology, p.programme, p.service,
		p.min_down_mbps, p.min_up_mbps FROM footprints p JOIN filings f ON f.id = p.filing_id
		WHERE p.filing_id = ? ORDER BY p.fid`, id)
	if err != nil {
		return nil, nil, err
	}
	decls, err := queryDeclarations(ctx, s.r, `SELECT f.provider, f.layer, d.technology, d.programme, d.service,
		d.commune_code, d.share, `+filingSet+` FROM declarations d JOIN filings f ON f.id = d.filing_id
		WHERE d.filing_id = ? ORDER BY d.id`, id)
	return fps, decls, err
}

// Submission is the outcome of SubmitFiling: a new filing, or the first
// answer to an earlier submission with the same idempotency key and body.
type Submission struct {
	FilingID int64
	Replayed bool
	Status   int    // the stored answer's status, when Replayed and known
	Response []byte // the stored answer's body, when Replayed and known
}

// SubmitFiling stores a provider's filing whole, with its audit record and,
// when key is not "", its idempotency record, all in one transaction. A
// second submission by the same principal with the same key and the same
// body stores nothing and returns the first (Replayed); the same key with
// another body is ErrConflict.
func (s *Store) SubmitFiling(ctx context.Context, f Filing, principal, key string, bodySHA256 []byte) (Submission, error) {
	var sub Submission
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if key != "" {
			var hash []byte
			var status sql.NullInt64
			err := tx.QueryRowContext(ctx, `SELECT body_sha256, filing_id, status, response FROM idempotency_keys
				WHERE principal = ? AND key = ?`, principal, key).Scan(&hash, &sub.FilingID, &status, &sub.Response)
			switch {
			case err == nil && bytes.Equal(hash, bodySHA256):
				sub.Replayed, sub.Status = true, int(status.Int64)
				return nil
			case err == nil:
				return fmt.Errorf("%w: Idempotency-Key %q was used before with another body", ErrConflict, key)
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		ids, err := addFilings(ctx, tx, []Filing{f})
		if err != nil {
			return err
		}
		sub.FilingID = ids[0]
		if key != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (principal, key, body_sha256, filing_id, created_at)
				VALUES (?, ?, ?, ?, ?)`, principal, key, bodySHA256, sub.FilingID, now()); err != nil {
				return err
			}
		}
		return audit(ctx, tx, principal, "filing.submit", fmt.Sprintf("filing %d", sub.FilingID),
			fmt.Sprintf("layer %s, as of %s, %d footprints, %d declarations", f.Layer, f.AsOf, len(f.Footprints), len(f.Declarations)))
	})
	return sub, err
}

// SaveResponse keeps the answer given to a submission with an idempotency
// key, so that a retry gets the same answer.
func (s *Store) SaveResponse(ctx context.Context, principal, key string, status int, body []byte) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE idempotency_keys SET status = ?, response = ? WHERE principal = ? AND key = ?",
			status, body, principal, key)
		return err
	})
}

// WithdrawFiling marks a filing withdrawn: it stays in history but no
// longer counts from now on. With provider set, only that provider's own
// filing can be withdrawn (anyone else's is ErrNotFound); a filing already
// withdrawn is ErrConflict.
func (s *Store) WithdrawFiling(ctx context.Context, id int64, provider, actor string) (string, error) {
	at := now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var withdrawn sql.NullString
		err := tx.QueryRowContext(ctx, "SELECT withdrawn_at FROM filings WHERE id = ? AND (? = '' OR (provider = ? AND demo = 0))",
			id, provider, provider).Scan(&withdrawn)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: filing %d", ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		if withdrawn.Valid {
			return fmt.Errorf("%w: filing %d was withdrawn at %s", ErrConflict, id, withdrawn.String)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE filings SET withdrawn_at = ? WHERE id = ?", at, id); err != nil {
			return err
		}
		if err := bumpVersion(ctx, tx, "filings_version"); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "filing.withdraw", fmt.Sprintf("filing %d", id), "")
	})
	return at, err
}

// RemoveDemo deletes every demonstration filing with its footprints and
// declarations, and nothing else, and records in the audit log that actor
// did and how many filings went. It returns that number.
func (s *Store) RemoveDemo(ctx context.Context, actor string) (int, error) {
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
		if err := recomputeExtent(ctx, tx, "footprints"); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "demo.remove", "", fmt.Sprintf("%d demonstration filings deleted", n))
	})
	return int(n), err
}

// filingItemsCTE is the common table "items": every technology of every
// filing not withdrawn and dated on or before ?1, with its provider, layer
// and date, whether filed as footprints or declarations.
const filingItemsCTE = `items AS (
  SELECT f.id, f.provider, f.layer, f.as_of, p.technology FROM filings f
    JOIN footprints p ON p.filing_id = f.id
    WHERE f.as_of <= ?1 AND ` + knownBy + `
  UNION
  SELECT f.id, f.provider, f.layer, f.as_of, d.technology FROM filings f
    JOIN declarations d ON d.filing_id = f.id
    WHERE f.as_of <= ?1 AND ` + knownBy + `
)`

// knownBy keeps a filing f on the date ?1 as known on the date ?2: it had
// been submitted by ?2, and it had not been withdrawn by ?1 — a withdrawal
// stops a filing counting from the (UTC) day it was made on, and leaves
// every earlier date as it was — or the withdrawal was not yet known on
// ?2. With ?2 today, every filing and withdrawal is known.
const knownBy = `substr(f.submitted_at, 1, 10) <= ?2 AND (f.withdrawn_at IS NULL OR substr(f.withdrawn_at, 1, 10) > CASE WHEN ?1 < ?2 THEN ?1 ELSE ?2 END)`

// inForceFilter is the SQL that picks, for every provider, layer and
// technology, the filing in force on a date: the latest by as_of (then by
// id) among those dated on or before it and not withdrawn by then. A later filing
// supersedes an earlier one only for the technologies it contains.
const inForceFilter = `
WITH ` + filingItemsCTE + `, ranked AS (
  SELECT id, technology, ROW_NUMBER() OVER (
    PARTITION BY provider, layer, technology ORDER BY as_of DESC, id DESC) AS rn
  FROM items
)
SELECT id, technology FROM ranked WHERE rn = 1`

// querier is what both the read pool and a transaction offer, so that the
// same queries serve the figures, a dry run inside a rolled-back write and
// reads that must see one state.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// InForce returns the footprints and declarations in force on asOf
// (YYYY-MM-DD; "" means today): the inputs of the calculator.
func (s *Store) InForce(ctx context.Context, asOf string) ([]geo.Footprint, []geo.Declaration, error) {
	return inForce(ctx, s.r, asOf, "")
}

// InForceKnown returns the footprints and declarations in force on asOf as
// they were known on knownAt (both YYYY-MM-DD; "" means today): only
// filings submitted by knownAt count, and only withdrawals made by then,
// so that the figures published on a day can be computed again after a
// provider corrected the past.
func (s *Store) InForceKnown(ctx context.Context, asOf, knownAt string) ([]geo.Footprint, []geo.Declaration, error) {
	return inForce(ctx, s.r, asOf, knownAt)
}

// InForceWith returns what would be in force on asOf if f were stored,
// and the filings f would supersede on that date: it stores f in a
// transaction, reads, and rolls back, so that supersession follows exactly
// the rules of a real submission and nothing is kept.
func (s *Store) InForceWith(ctx context.Context, f Filing, asOf string) ([]geo.Footprint, []geo.Declaration, []Superseded, error) {
	var fps []geo.Footprint
	var decls []geo.Declaration
	var gone []Superseded
	errRollback := errors.New("dry run")
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := f.Validate(); err != nil {
			return err
		}
		before, err := inForceParts(ctx, tx, asOf)
		if err != nil {
			return err
		}
		if _, err := insertFiling(ctx, tx, f); err != nil {
			return err
		}
		after, err := inForceParts(ctx, tx, asOf)
		if err != nil {
			return err
		}
		if gone, err = superseded(ctx, tx, before, after); err != nil {
			return err
		}
		if fps, decls, err = inForce(ctx, tx, asOf, ""); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		return nil, nil, nil, err
	}
	return fps, decls, gone, nil
}

func inForce(ctx context.Context, q querier, asOf, knownAt string) ([]geo.Footprint, []geo.Declaration, error) {
	asOf, knownAt = orToday(asOf), orToday(knownAt)
	fps, err := queryFootprints(ctx, q, `SELECT p.geom, f.provider, f.layer, p.technology, p.programme, p.service,
		p.min_down_mbps, p.min_up_mbps FROM footprints p JOIN filings f ON f.id = p.filing_id
		JOIN (`+inForceFilter+`) w ON w.id = p.filing_id AND w.technology = p.technology
		ORDER BY p.fid`, asOf, knownAt)
	if err != nil {
		return nil, nil, err
	}
	decls, err := queryDeclarations(ctx, q, `SELECT f.provider, f.layer, d.technology, d.programme, d.service,
		d.commune_code, d.share, `+filingSet+` FROM declarations d JOIN filings f ON f.id = d.filing_id
		JOIN (`+inForceFilter+`) w ON w.id = d.filing_id AND w.technology = d.technology
		ORDER BY d.id`, asOf, knownAt)
	return fps, decls, err
}

// filingSet is the id of the unit set of filing f's commune codes: the set
// it names, or (none named, or no longer stored) the set in force on its
// as_of date, or for a date before every set the first.
const filingSet = `COALESCE((SELECT id FROM unit_sets WHERE id = f.unit_set),
	(SELECT id FROM unit_sets WHERE COALESCE(valid_from, '') <= f.as_of ORDER BY COALESCE(valid_from, '') DESC LIMIT 1),
	(SELECT id FROM unit_sets ORDER BY COALESCE(valid_from, '') LIMIT 1), 0)`

func queryDeclarations(ctx context.Context, q querier, query string, args ...any) ([]geo.Declaration, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var decls []geo.Declaration
	for rows.Next() {
		var d geo.Declaration
		var layer string
		if err := rows.Scan(&d.Provider, &layer, &d.Technology, &d.Programme, &d.Service, &d.CommuneCode, &d.Share, &d.Set); err != nil {
			return nil, err
		}
		d.Layer = geo.Layer(layer)
		decls = append(decls, d)
	}
	return decls, rows.Err()
}

func queryFootprints(ctx context.Context, q querier, query string, args ...any) ([]geo.Footprint, error) {
	rows, err := q.QueryContext(ctx, query, args...)
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
		if p.Geometry, err = gpkg.Decode(blob); err != nil {
			return nil, fmt.Errorf("footprint of %s: %w", p.Provider, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// orToday returns day, or today's UTC date for "".
func orToday(day string) string {
	if day == "" {
		return time.Now().UTC().Format(time.DateOnly)
	}
	return day
}
