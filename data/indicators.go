package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Indicator kinds: a computed indicator takes its figures from a coverage
// target; an entered one from values people enter.
const (
	KindComputed = "computed"
	KindEntered  = "entered"
)

// Resolution is the document an indicator comes from.
type Resolution struct {
	Number string `json:"number"` // e.g. 05-NQ/TU
	Date   string `json:"date"`   // YYYY-MM-DD, or ""
	Title  string `json:"title"`
}

// ResolutionEntry is a stored resolution with what is known of it as a
// whole: how many indicators it sets (nil: not stated) and a note, e.g. a
// source's own count of those met.
type ResolutionEntry struct {
	Resolution
	Indicators *int   `json:"indicators"`
	Note       string `json:"note"`
}

// Indicator is one indicator of a resolution. Target is in the unit's
// terms (percent as 0–100), nil when the resolution states no number.
type Indicator struct {
	ID         string     `json:"id"`
	TitleVI    string     `json:"title_vi"`
	TitleEN    string     `json:"title_en"`
	Unit       string     `json:"unit"`      // percent, count, score or level
	Direction  string     `json:"direction"` // higher or lower is better
	Target     *float64   `json:"target"`
	Deadline   string     `json:"deadline"` // YYYY-MM-DD or ""
	Resolution Resolution `json:"resolution"`
	Territory  string     `json:"territory"` // the province's code, "17" for Hòa Bình
	Kind       string     `json:"kind"`      // KindComputed or KindEntered
	TargetID   int64      `json:"target_id"` // the coverage target of a computed indicator, else 0
	Note       string     `json:"note"`
	Order      int        `json:"order"`
	CreatedAt  string     `json:"created_at"`
	CreatedBy  string     `json:"created_by"`
	RetiredAt  string     `json:"retired_at,omitempty"`
}

// Retired reports whether the indicator was retired.
func (ind Indicator) Retired() bool { return ind.RetiredAt != "" }

// IndicatorValue is one entered value of an indicator, as of a day, for
// the territory (UnitCode "") or one commune or district. Value is always
// set; Numerator and Denominator are both set or both nil. Corrects is the
// id of the row it corrects, 0 for none.
type IndicatorValue struct {
	ID          int64    `json:"id"`
	Indicator   string   `json:"indicator"`
	AsOf        string   `json:"as_of"`
	UnitCode    string   `json:"unit_code"`
	Value       float64  `json:"value"`
	Numerator   *float64 `json:"numerator"`
	Denominator *float64 `json:"denominator"`
	Source      string   `json:"source"`
	EnteredAt   string   `json:"entered_at"`
	EnteredBy   string   `json:"entered_by"`
	Corrects    int64    `json:"corrects"`
}

const indicatorColumns = `i.id, i.title_vi, i.title_en, i.unit, i.direction, i.target, i.deadline,
	COALESCE(i.resolution, ''), COALESCE(r.date, ''), COALESCE(r.title, ''), i.territory, i.kind,
	COALESCE(i.target_id, 0), i.note, i.ord, i.created_at, i.created_by, COALESCE(i.retired_at, '')`

const indicatorFrom = ` FROM indicators i LEFT JOIN resolutions r ON r.number = i.resolution`

func scanIndicator(r rowScanner) (Indicator, error) {
	var ind Indicator
	var target sql.NullFloat64
	err := r.Scan(&ind.ID, &ind.TitleVI, &ind.TitleEN, &ind.Unit, &ind.Direction, &target, &ind.Deadline,
		&ind.Resolution.Number, &ind.Resolution.Date, &ind.Resolution.Title, &ind.Territory, &ind.Kind,
		&ind.TargetID, &ind.Note, &ind.Order, &ind.CreatedAt, &ind.CreatedBy, &ind.RetiredAt)
	if target.Valid {
		ind.Target = &target.Float64
	}
	return ind, err
}

// Indicators returns every indicator, retired ones included, in the
// board's order (then by id).
func (s *Store) Indicators(ctx context.Context) ([]Indicator, error) {
	return indicators(ctx, s.r)
}

func indicators(ctx context.Context, q querier) ([]Indicator, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+indicatorColumns+indicatorFrom+" ORDER BY i.ord, i.id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Indicator{}
	for rows.Next() {
		ind, err := scanIndicator(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ind)
	}
	return out, rows.Err()
}

// Indicator returns the indicator id, retired or not; ErrNotFound when
// there is none.
func (s *Store) Indicator(ctx context.Context, id string) (Indicator, error) {
	ind, err := scanIndicator(s.r.QueryRowContext(ctx, "SELECT "+indicatorColumns+indicatorFrom+" WHERE i.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return ind, fmt.Errorf("%w: indicator %q", ErrNotFound, id)
	}
	return ind, err
}

func indicatorTx(ctx context.Context, tx *sql.Tx, id string) (Indicator, error) {
	ind, err := scanIndicator(tx.QueryRowContext(ctx, "SELECT "+indicatorColumns+indicatorFrom+" WHERE i.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return ind, fmt.Errorf("%w: indicator %q", ErrNotFound, id)
	}
	return ind, err
}

// Resolutions returns every resolution an indicator was stored with, by
// date then number.
func (s *Store) Resolutions(ctx context.Context) ([]ResolutionEntry, error) {
	return resolutions(ctx, s.r)
}

func resolutions(ctx context.Context, q querier) ([]ResolutionEntry, error) {
	rows, err := q.QueryContext(ctx, "SELECT number, date, title, indicators, note FROM resolutions ORDER BY date, number")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ResolutionEntry{}
	for rows.Next() {
		var r ResolutionEntry
		var n sql.NullInt64
		if err := rows.Scan(&r.Number, &r.Date, &r.Title, &n, &r.Note); err != nil {
			return nil, err
		}
		if n.Valid {
			v := int(n.Int64)
			r.Indicators = &v
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// addResolution stores r unless a resolution of its number is stored
// already, which is kept as it is: the first words on a resolution stand.
func addResolution(ctx context.Context, tx *sql.Tx, r ResolutionEntry) error {
	if r.Number == "" {
		return nil
	}
	var n any
	if r.Indicators != nil {
		n = *r.Indicators
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO resolutions (number, date, title, indicators, note) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (number) DO NOTHING`, r.Number, r.Date, r.Title, n, r.Note)
	return err
}

// AddIndicator stores a new indicator (and its resolution, if that is new)
// and returns it with its dates. An indicator of the same id, retired or
// not, is ErrConflict. The caller has validated it (api).
func (s *Store) AddIndicator(ctx context.Context, ind Indicator, actor string) (Indicator, error) {
	var out Indicator
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = addIndicator(ctx, tx, ind, actor); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "indicator.create", out.ID, out.Kind+" "+out.Unit+": "+out.TitleEN)
	})
	return out, err
}

// addIndicator stores ind in tx, unaudited: the seed is no one's write.
func addIndicator(ctx context.Context, tx *sql.Tx, ind Indicator, actor string) (Indicator, error) {
	if _, err := indicatorTx(ctx, tx, ind.ID); err == nil {
		return ind, fmt.Errorf("%w: indicator %q exists", ErrConflict, ind.ID)
	} else if !errors.Is(err, ErrNotFound) {
		return ind, err
	}
	if err := addResolution(ctx, tx, ResolutionEntry{Resolution: ind.Resolution}); err != nil {
		return ind, err
	}
	var target, res, targetID any
	if ind.Target != nil {
		target = *ind.Target
	}
	if ind.Resolution.Number != "" {
		res = ind.Resolution.Number
	}
	if ind.TargetID != 0 {
		targetID = ind.TargetID
	}
	ind.CreatedAt, ind.CreatedBy, ind.RetiredAt = now(), actor, ""
	if _, err := tx.ExecContext(ctx, `INSERT INTO indicators (id, title_vi, title_en, unit, direction, target, deadline,
		resolution, territory, kind, target_id, note, ord, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ind.ID, ind.TitleVI, ind.TitleEN, ind.Unit, ind.Direction, target, ind.Deadline, res, ind.Territory, ind.Kind,
		targetID, ind.Note, ind.Order, ind.CreatedAt, ind.CreatedBy); err != nil {
		return ind, err
	}
	return indicatorTx(ctx, tx, ind.ID)
}

// RetireIndicator marks an indicator retired: it and its values are kept,
// but it leaves the board. Retiring twice is ErrConflict.
func (s *Store) RetireIndicator(ctx context.Context, id, actor string) (Indicator, error) {
	var ind Indicator
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if ind, err = indicatorTx(ctx, tx, id); err != nil {
			return err
		}
		if ind.Retired() {
			return fmt.Errorf("%w: indicator %q was retired on %s", ErrConflict, id, ind.RetiredAt)
		}
		ind.RetiredAt = now()
		if _, err := tx.ExecContext(ctx, "UPDATE indicators SET retired_at = ? WHERE id = ?", ind.RetiredAt, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "indicator.retire", id, ind.TitleEN)
	})
	return ind, err
}

const valueColumns = `id, indicator, as_of, unit_code, value, numerator, denominator, source, entered_at, entered_by,
	COALESCE(corrects, 0)`

func scanValue(r rowScanner) (IndicatorValue, error) {
	var v IndicatorValue
	var num, den sql.NullFloat64
	err := r.Scan(&v.ID, &v.Indicator, &v.AsOf, &v.UnitCode, &v.Value, &num, &den, &v.Source, &v.EnteredAt,
		&v.EnteredBy, &v.Corrects)
	if num.Valid && den.Valid {
		v.Numerator, v.Denominator = &num.Float64, &den.Float64
	}
	return v, err
}

// IndicatorSet is what the store holds of indicators at one moment.
type IndicatorSet struct {
	Resolutions []ResolutionEntry
	Indicators  []Indicator
	Values      []IndicatorValue // in the order entered
}

// IndicatorState reads every resolution, indicator and value row in one
// read transaction, so that a board is told from one state of the store
// even while an admin writes.
func (s *Store) IndicatorState(ctx context.Context) (*IndicatorSet, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var d IndicatorSet
	if d.Resolutions, err = resolutions(ctx, tx); err != nil {
		return nil, err
	}
	if d.Indicators, err = indicators(ctx, tx); err != nil {
		return nil, err
	}
	if d.Values, err = indicatorValues(ctx, tx, ""); err != nil {
		return nil, err
	}
	return &d, nil
}

// IndicatorValues returns every value row of the indicator id ("" for
// every indicator), corrected and correcting rows alike, in the order they
// were entered.
func (s *Store) IndicatorValues(ctx context.Context, id string) ([]IndicatorValue, error) {
	return indicatorValues(ctx, s.r, id)
}

func indicatorValues(ctx context.Context, q querier, id string) ([]IndicatorValue, error) {
	query, args := "SELECT "+valueColumns+" FROM indicator_values ORDER BY id", []any{}
	if id != "" {
		query, args = "SELECT "+valueColumns+" FROM indicator_values WHERE indicator = ? ORDER BY id", []any{id}
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []IndicatorValue{}
	for rows.Next() {
		v, err := scanValue(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// AddIndicatorValues stores vals, all or none, in one transaction, audited
// once under action (indicator.values, indicator.import) with detail, and
// returns them with their ids and entry dates. The caller has validated
// them (api); the store still refuses, with ErrInvalid, a value of an
// indicator that is unknown, computed or retired, and a correction of a
// row of another indicator or of none.
func (s *Store) AddIndicatorValues(ctx context.Context, vals []IndicatorValue, actor, action, detail string) ([]IndicatorValue, error) {
	out := make([]IndicatorValue, 0, len(vals))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = addIndicatorValues(ctx, tx, vals, actor)
		if err != nil {
			return err
		}
		ids := map[string]bool{}
		var names []string
		for _, v := range vals {
			if !ids[v.Indicator] {
				ids[v.Indicator] = true
				names = append(names, v.Indicator)
			}
		}
		target := strings.Join(names, ",")
		if detail == "" {
			detail = fmt.Sprintf("%d values", len(vals))
		}
		return audit(ctx, tx, actor, action, target, detail)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func addIndicatorValues(ctx context.Context, tx *sql.Tx, vals []IndicatorValue, actor string) ([]IndicatorValue, error) {
	at := now()
	known := map[string]Indicator{}
	out := make([]IndicatorValue, 0, len(vals))
	for i, v := range vals {
		ind, ok := known[v.Indicator]
		if !ok {
			var err error
			if ind, err = indicatorTx(ctx, tx, v.Indicator); errors.Is(err, ErrNotFound) {
				return nil, fmt.Errorf("%w: value %d: no indicator %q", ErrInvalid, i, v.Indicator)
			} else if err != nil {
				return nil, err
			}
			known[v.Indicator] = ind
		}
		switch {
		case ind.Kind != KindEntered:
			return nil, fmt.Errorf("%w: value %d: indicator %q is computed from a coverage target; values cannot be entered", ErrInvalid, i, v.Indicator)
		case ind.Retired():
			return nil, fmt.Errorf("%w: value %d: indicator %q was retired on %s", ErrConflict, i, v.Indicator, ind.RetiredAt)
		}
		var corrects any
		if v.Corrects != 0 {
			var of string
			err := tx.QueryRowContext(ctx, "SELECT indicator FROM indicator_values WHERE id = ?", v.Corrects).Scan(&of)
			if errors.Is(err, sql.ErrNoRows) || err == nil && of != v.Indicator {
				return nil, fmt.Errorf("%w: value %d corrects %d, which is no value of indicator %q", ErrInvalid, i, v.Corrects, v.Indicator)
			} else if err != nil {
				return nil, err
			}
			corrects = v.Corrects
		}
		var num, den any
		if v.Numerator != nil && v.Denominator != nil {
			num, den = *v.Numerator, *v.Denominator
		}
		v.EnteredAt, v.EnteredBy = at, actor
		var err error
		v.ID, err = insertID(ctx, tx, `INSERT INTO indicator_values (indicator, as_of, unit_code, value, numerator,
			denominator, source, entered_at, entered_by, corrects) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.Indicator, v.AsOf, v.UnitCode, v.Value, num, den, v.Source, v.EnteredAt, v.EnteredBy, corrects)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
