package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/phusong/phusong/geo"
)

const targetColumns = `id, layer, measure, value, threshold, deadline, filter, territory, title_vi, title_en, source,
	created_at, updated_at, COALESCE(retired_at, '')`

type rowScanner interface{ Scan(dest ...any) error }

func scanTarget(r rowScanner) (geo.Target, error) {
	var t geo.Target
	var layer, measure, filter string
	err := r.Scan(&t.ID, &layer, &measure, &t.Value, &t.Threshold, &t.Deadline, &filter, &t.Territory, &t.TitleVI, &t.TitleEN,
		&t.Source, &t.CreatedAt, &t.UpdatedAt, &t.RetiredAt)
	t.Layer, t.Measure, t.Filter = geo.Layer(layer), geo.Measure(measure), geo.Filter(filter)
	return t, err
}

// Targets returns every target, retired ones included, by id.
func (s *Store) Targets(ctx context.Context) ([]geo.Target, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+targetColumns+" FROM targets ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []geo.Target{}
	for rows.Next() {
		t, err := scanTarget(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func target(ctx context.Context, tx *sql.Tx, id int64) (geo.Target, error) {
	t, err := scanTarget(tx.QueryRowContext(ctx, "SELECT "+targetColumns+" FROM targets WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("%w: target %d", ErrNotFound, id)
	}
	return t, err
}

// describeTarget is a target in one line, for the audit log.
func describeTarget(t geo.Target) string {
	s := fmt.Sprintf("%s %s ≥ %g", t.Layer, t.Measure, t.Value)
	if t.Measure == geo.MeasureCommunes {
		s += fmt.Sprintf(" (reached at share ≥ %g)", t.Threshold)
	}
	if t.Territory != "" {
		s += ", province " + t.Territory
	}
	if t.Filter != geo.FilterAll {
		s += ", " + string(t.Filter) + " communes"
	}
	return s + " by " + t.Deadline
}

// AddTarget stores a new target and returns it with its id and dates.
func (s *Store) AddTarget(ctx context.Context, t geo.Target, actor string) (geo.Target, error) {
	if err := t.Validate(); err != nil {
		return t, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		at := now()
		var err error
		t.ID, err = insertID(ctx, tx, `INSERT INTO targets (layer, measure, value, threshold, deadline, filter, territory,
			title_vi, title_en, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			string(t.Layer), string(t.Measure), t.Value, t.Threshold, t.Deadline, string(t.Filter), t.Territory,
			t.TitleVI, t.TitleEN, t.Source, at, at)
		if err != nil {
			return err
		}
		t.CreatedAt, t.UpdatedAt, t.RetiredAt = at, at, ""
		if err := bumpVersion(ctx, tx, "targets_version"); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "target.add", fmt.Sprint(t.ID), describeTarget(t))
	})
	return t, err
}

// UpdateTarget applies change to the stored target, checks the result and
// stores it, in one transaction. A retired target cannot change
// (ErrConflict); its id and dates are not the caller's to change. A
// writer limited to province ("" for none) may change only that
// province's targets, and not move one out: the territory is checked on
// the target as read in the transaction, before and after the change
// (*TerritoryError).
func (s *Store) UpdateTarget(ctx context.Context, id int64, province string, change func(*geo.Target), actor string) (geo.Target, error) {
	var t geo.Target
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := target(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := CheckTerritory(province, old.Territory, fmt.Sprintf("target %d belongs to", id)); err != nil {
			return err
		}
		if old.Retired() {
			return fmt.Errorf("%w: target %d was retired on %s", ErrConflict, id, old.RetiredAt)
		}
		t = old
		change(&t)
		t.ID, t.CreatedAt, t.RetiredAt, t.UpdatedAt = old.ID, old.CreatedAt, "", now()
		if err := CheckTerritory(province, t.Territory, "a target of"); err != nil {
			return err
		}
		if err := t.Validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE targets SET layer = ?, measure = ?, value = ?, threshold = ?,
			deadline = ?, filter = ?, territory = ?, title_vi = ?, title_en = ?, source = ?, updated_at = ? WHERE id = ?`,
			string(t.Layer), string(t.Measure), t.Value, t.Threshold, t.Deadline, string(t.Filter), t.Territory,
			t.TitleVI, t.TitleEN, t.Source, t.UpdatedAt, id); err != nil {
			return err
		}
		if err := bumpVersion(ctx, tx, "targets_version"); err != nil {
			return err
		}
		// What the target measures changed: its values as first published
		// measured something else, so the history starts again from now.
		if t.Layer != old.Layer || t.Measure != old.Measure || t.Threshold != old.Threshold || t.Filter != old.Filter || t.Territory != old.Territory {
			if _, err := tx.ExecContext(ctx, "DELETE FROM target_published WHERE target_id = ?", id); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, "target.change", fmt.Sprint(id), "was "+describeTarget(old)+"; now "+describeTarget(t))
	})
	return t, err
}

// RetireTarget marks a target retired: it is kept, with its history, but
// no longer listed as one of the province's goals. Retiring twice is
// ErrConflict. A writer limited to province ("" for none) may retire only
// that province's targets (*TerritoryError).
func (s *Store) RetireTarget(ctx context.Context, id int64, province, actor string) (geo.Target, error) {
	var t geo.Target
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if t, err = target(ctx, tx, id); err != nil {
			return err
		}
		if err := CheckTerritory(province, t.Territory, fmt.Sprintf("target %d belongs to", id)); err != nil {
			return err
		}
		if t.Retired() {
			return fmt.Errorf("%w: target %d was retired on %s", ErrConflict, id, t.RetiredAt)
		}
		t.RetiredAt = now()
		if _, err := tx.ExecContext(ctx, "UPDATE targets SET retired_at = ? WHERE id = ?", t.RetiredAt, id); err != nil {
			return err
		}
		if err := bumpVersion(ctx, tx, "targets_version"); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "target.retire", fmt.Sprint(id), describeTarget(t))
	})
	return t, err
}

// PlanningVersion changes whenever a target or the set of remote communes
// changes, by this process or another one, so that the service can tell
// its target figures are stale. The calculator's inputs have their own
// InputsVersion.
func (s *Store) PlanningVersion(ctx context.Context) (string, error) {
	return s.versions(ctx, "remote_version", "targets_version")
}
