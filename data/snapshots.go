package data

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/phusong/phusong/geo"
)

// InForceDate is a date on which a filing takes effect: nothing in force
// changes between two such dates.
type InForceDate struct {
	AsOf string // YYYY-MM-DD
	// Key names the filings (with their technologies) in force from AsOf
	// on: the calculator's inputs are the same wherever the key is.
	Key   string
	parts []filingPart
}

// filingPart is the items of one technology in one filing: the unit that a
// later filing supersedes.
type filingPart struct {
	filing int64
	tech   string
}

// inForceDatesQuery lists, for every date up to ?1 on which what is in
// force changes — a filing's as_of, or the day of a withdrawal — the
// filing parts in force on it. It is the rule of inForceFilter (the latest
// filing by as_of, then id, per provider, layer and technology, among
// those not withdrawn by the date) applied to every date at once; the
// store's tests check that the two agree. A date on which nothing is in
// force has no rows: changeDates lists those.
const inForceDatesQuery = `
WITH items AS (
  SELECT f.id, f.provider, f.layer, f.as_of, substr(f.withdrawn_at, 1, 10) AS ended, p.technology FROM filings f
    JOIN footprints p ON p.filing_id = f.id WHERE f.as_of <= ?1
  UNION
  SELECT f.id, f.provider, f.layer, f.as_of, substr(f.withdrawn_at, 1, 10) AS ended, d.technology FROM filings f
    JOIN declarations d ON d.filing_id = f.id WHERE f.as_of <= ?1
), dates AS (
  ` + changeDatesQuery + `
), ranked AS (
  SELECT dates.day, items.id, items.technology, ROW_NUMBER() OVER (
    PARTITION BY dates.day, items.provider, items.layer, items.technology
    ORDER BY items.as_of DESC, items.id DESC) AS rn
  FROM dates JOIN items ON items.as_of <= dates.day AND (items.ended IS NULL OR items.ended > dates.day)
)
SELECT day, id, technology FROM ranked WHERE rn = 1 ORDER BY day, id, technology`

// changeDatesQuery lists the dates up to ?1 on which what is in force may
// change: every as_of, and every withdrawal's day after its filing's as_of.
const changeDatesQuery = `SELECT as_of AS day FROM items
  UNION SELECT ended FROM items WHERE ended IS NOT NULL AND ended <= ?1 AND ended > as_of`

// InForceDates returns, in date order, every date up to until
// (YYYY-MM-DD) on which a filing that is not withdrawn takes effect, with
// the key of what is in force from it.
func (s *Store) InForceDates(ctx context.Context, until string) ([]InForceDate, error) {
	// Every date first, those with nothing in force included, then what is
	// in force on each.
	days, err := s.r.QueryContext(ctx, `WITH items AS (
  SELECT f.as_of, substr(f.withdrawn_at, 1, 10) AS ended FROM filings f WHERE f.as_of <= ?1
    AND (EXISTS (SELECT 1 FROM footprints p WHERE p.filing_id = f.id) OR EXISTS (SELECT 1 FROM declarations d WHERE d.filing_id = f.id))
) `+changeDatesQuery+` ORDER BY day`, until)
	if err != nil {
		return nil, err
	}
	var out []InForceDate
	at := map[string]int{}
	for days.Next() {
		var day string
		if err := days.Scan(&day); err != nil {
			days.Close()
			return nil, err
		}
		at[day] = len(out)
		out = append(out, InForceDate{AsOf: day})
	}
	days.Close()
	if err := days.Err(); err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, inForceDatesQuery, until)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var day string
		var p filingPart
		if err := rows.Scan(&day, &p.filing, &p.tech); err != nil {
			return nil, err
		}
		i, ok := at[day]
		if !ok {
			return nil, fmt.Errorf("in-force date %s is not among the change dates", day)
		}
		out[i].parts = append(out[i].parts, p)
	}
	for i := range out {
		var b strings.Builder
		for _, p := range out[i].parts {
			b.WriteString(strconv.FormatInt(p.filing, 10) + ":" + p.tech + ";")
		}
		out[i].Key = b.String()
	}
	return out, rows.Err()
}

// Inputs are the calculator's inputs in force on one date.
type Inputs struct {
	Footprints   []geo.Footprint
	Declarations []geo.Declaration
}

// LoadInForce returns the footprints and declarations in force on each of
// the dates (as InForce would, in another order), reading each filing's
// items once however many of the dates it is in force on.
func (s *Store) LoadInForce(ctx context.Context, dates []InForceDate) ([]Inputs, error) {
	type items struct {
		fps   []geo.Footprint
		decls []geo.Declaration
	}
	loaded := map[filingPart]*items{}
	for _, d := range dates {
		for _, p := range d.parts {
			if loaded[p] != nil {
				continue
			}
			it := &items{}
			var err error
			if it.fps, err = queryFootprints(ctx, s.r, `SELECT p.geom, f.provider, f.layer, p.technology, p.programme,
				p.service, p.min_down_mbps, p.min_up_mbps FROM footprints p JOIN filings f ON f.id = p.filing_id
				WHERE p.filing_id = ? AND p.technology = ? ORDER BY p.fid`, p.filing, p.tech); err != nil {
				return nil, err
			}
			if it.decls, err = queryDeclarations(ctx, s.r, `SELECT f.provider, f.layer, d.technology, d.programme, d.service,
				d.commune_code, d.share, `+filingSet+` FROM declarations d JOIN filings f ON f.id = d.filing_id
				WHERE d.filing_id = ? AND d.technology = ? ORDER BY d.id`, p.filing, p.tech); err != nil {
				return nil, err
			}
			loaded[p] = it
		}
	}
	out := make([]Inputs, len(dates))
	for i, d := range dates {
		for _, p := range d.parts {
			out[i].Footprints = append(out[i].Footprints, loaded[p].fps...)
			out[i].Declarations = append(out[i].Declarations, loaded[p].decls...)
		}
	}
	return out, nil
}

// DatedFigures is every layer's per-commune figures (all providers
// together) as they stood on a date.
type DatedFigures struct {
	AsOf      string                            // YYYY-MM-DD
	InputsKey string                            // what they were computed from; see snapshot_dates
	Layers    map[geo.Layer][]geo.CommuneFigure // by layer, communes in code order when read back
}

// Snapshots returns the stored dated figures, by date.
func (s *Store) Snapshots(ctx context.Context) ([]DatedFigures, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT d.as_of, d.inputs_key, c.layer, c.commune_code, c.population,
		c.population_covered, c.share_covered, c.status FROM snapshot_dates d
		JOIN commune_snapshots c ON c.as_of = d.as_of ORDER BY d.as_of, c.layer, c.commune_code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DatedFigures
	for rows.Next() {
		var asOf, key, layer, status string
		var f geo.CommuneFigure
		if err := rows.Scan(&asOf, &key, &layer, &f.Code, &f.Population, &f.Covered, &f.Share, &status); err != nil {
			return nil, err
		}
		f.Status = geo.Status(status)
		if len(out) == 0 || out[len(out)-1].AsOf != asOf {
			out = append(out, DatedFigures{AsOf: asOf, InputsKey: key, Layers: map[geo.Layer][]geo.CommuneFigure{}})
		}
		d := &out[len(out)-1]
		d.Layers[geo.Layer(layer)] = append(d.Layers[geo.Layer(layer)], f)
	}
	return out, rows.Err()
}

// SaveSnapshots stores fresh dated figures, replacing any of the same
// date, and deletes every stored date not in keep nor fresh, in one
// transaction.
func (s *Store) SaveSnapshots(ctx context.Context, keep []string, fresh []DatedFigures) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		stored, err := snapshotDates(ctx, tx)
		if err != nil {
			return err
		}
		for _, day := range stored {
			gone := !slices.Contains(keep, day)
			replaced := slices.ContainsFunc(fresh, func(d DatedFigures) bool { return d.AsOf == day })
			if gone || replaced {
				if _, err := tx.ExecContext(ctx, "DELETE FROM snapshot_dates WHERE as_of = ?", day); err != nil {
					return err
				}
			}
		}
		rows := newBatch(ctx, tx, `INSERT INTO commune_snapshots (as_of, layer, commune_code, population,
			population_covered, share_covered, status) VALUES`, 7, "")
		at := now()
		for _, d := range fresh {
			if _, err := tx.ExecContext(ctx, "INSERT INTO snapshot_dates (as_of, inputs_key, computed_at) VALUES (?, ?, ?)",
				d.AsOf, d.InputsKey, at); err != nil {
				return err
			}
			for _, l := range geo.Layers {
				for _, f := range d.Layers[l] {
					if err := rows.add(d.AsOf, string(l), f.Code, f.Population, f.Covered, f.Share, string(f.Status)); err != nil {
						return err
					}
				}
			}
			if err := rows.flush(); err != nil {
				return err
			}
		}
		return nil
	})
}

func snapshotDates(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT as_of FROM snapshot_dates")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var day string
		if err := rows.Scan(&day); err != nil {
			return nil, err
		}
		out = append(out, day)
	}
	return out, rows.Err()
}

// TargetSnapshot is a target's value on a snapshot date.
type TargetSnapshot struct {
	TargetID int64
	AsOf     string
	Value    geo.TargetValue
}

// SaveTargetSnapshots replaces every stored target value by rows, in one
// transaction.
func (s *Store) SaveTargetSnapshots(ctx context.Context, rows []TargetSnapshot) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM target_snapshots"); err != nil {
			return err
		}
		values := newBatch(ctx, tx, `INSERT INTO target_snapshots (target_id, as_of, value, numerator,
			denominator, met, gap_people, gap_communes, computed_at) VALUES`, 9, "")
		first := newBatch(ctx, tx, `INSERT INTO target_published (target_id, as_of, value, met, published_at) VALUES`, 5,
			"ON CONFLICT (target_id, as_of) DO NOTHING")
		at := now()
		for _, r := range rows {
			v := r.Value
			if err := values.add(r.TargetID, r.AsOf, v.Value, v.Numerator, v.Denominator, v.Met,
				v.GapPeople, v.GapCommunes, at); err != nil {
				return err
			}
			if err := first.add(r.TargetID, r.AsOf, v.Value, v.Met, at); err != nil {
				return err
			}
		}
		if err := values.flush(); err != nil {
			return err
		}
		return first.flush()
	})
}

// PublishedValue is a target's value on a date as first published.
type PublishedValue struct {
	Value       float64
	Met         bool
	PublishedAt string // RFC 3339, UTC
}

// PublishedTargetValues returns, by target id and date, every target value
// as first published (SaveTargetSnapshots keeps the first of each).
func (s *Store) PublishedTargetValues(ctx context.Context) (map[int64]map[string]PublishedValue, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT target_id, as_of, value, met, published_at FROM target_published")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]map[string]PublishedValue{}
	for rows.Next() {
		var id int64
		var day string
		var v PublishedValue
		if err := rows.Scan(&id, &day, &v.Value, &v.Met, &v.PublishedAt); err != nil {
			return nil, err
		}
		if out[id] == nil {
			out[id] = map[string]PublishedValue{}
		}
		out[id][day] = v
	}
	return out, rows.Err()
}
