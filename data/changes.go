package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/phusong/phusong/geo"
)

// FigureChange is one change of the published figures: when it was
// published, the writes that made it (from the audit log: filings,
// withdrawals, boundaries, remote communes, targets) and the province's
// figures of every layer before and after.
type FigureChange struct {
	ID         int64                    `json:"id"`
	At         string                   `json:"at"` // RFC 3339, UTC
	Generation string                   `json:"generation"`
	Writes     []ChangeWrite            `json:"writes"`
	Before     map[geo.Layer]geo.Rollup `json:"before"` // nil when not known (the first figures of a store)
	After      map[geo.Layer]geo.Rollup `json:"after"`
	// AuditUpto is the newest audit entry the change accounts for.
	AuditUpto int64 `json:"-"`
}

// ChangeWrite is one write of a change: an audit entry, with the date of
// the figures it affects from (a filing's as_of, a withdrawal's day;
// empty for a change that affects every date, such as boundaries or
// targets).
type ChangeWrite struct {
	AuditEntry
	AffectsFrom string `json:"affects_from,omitempty"`
}

// figureActions are the audit actions that can change the figures.
var figureActions = []string{"filing.", "remote.", "commune.", "communes.", "target.", "demo.", "store."}

// LastAuditID returns the id of the newest audit entry, 0 when there is
// none.
func (s *Store) LastAuditID(ctx context.Context) (int64, error) {
	var id int64
	err := s.r.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM audit_log").Scan(&id)
	return id, err
}

// LastChange returns the newest recorded change, or ok false when none is.
func (s *Store) LastChange(ctx context.Context) (FigureChange, bool, error) {
	cs, err := s.Changes(ctx, "", 1)
	if err != nil || len(cs) == 0 {
		return FigureChange{}, false, err
	}
	return cs[0], true, nil
}

// RecordChange stores a change of the published figures that the audit
// entries after auditAfter up to auditUpto made, unless none of them can
// change figures and before equals after (a new day, a provider's token).
// It returns whether it stored one.
func (s *Store) RecordChange(ctx context.Context, c FigureChange, auditAfter, auditUpto int64) (bool, error) {
	var n int
	q := "SELECT COUNT(*) FROM audit_log WHERE id > ? AND id <= ? AND (" + actionFilter() + ")"
	if err := s.r.QueryRowContext(ctx, q, auditAfter, auditUpto).Scan(&n); err != nil {
		return false, err
	}
	before, err := json.Marshal(c.Before)
	if err != nil {
		return false, err
	}
	after, err := json.Marshal(c.After)
	if err != nil {
		return false, err
	}
	if n == 0 && string(before) == string(after) {
		return false, nil
	}
	var b any
	if c.Before != nil {
		b = string(before)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO changes (at, generation, audit_after, audit_upto, before_json, after_json)
			VALUES (?, ?, ?, ?, ?, ?)`, c.At, c.Generation, auditAfter, auditUpto, b, string(after))
		return err
	})
	return err == nil, err
}

func actionFilter() string {
	parts := make([]string, len(figureActions))
	for i, a := range figureActions {
		parts[i] = "action LIKE '" + a + "%'"
	}
	return strings.Join(parts, " OR ")
}

// Changes returns the recorded changes published on or after since
// (YYYY-MM-DD; "" for all), newest first, at most limit, each with its
// writes.
func (s *Store) Changes(ctx context.Context, since string, limit int) ([]FigureChange, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, at, generation, audit_after, audit_upto, before_json, after_json
		FROM changes WHERE ? = '' OR substr(at, 1, 10) >= ? ORDER BY id DESC LIMIT ?`, since, since, limit)
	if err != nil {
		return nil, err
	}
	type span struct{ after, upto int64 }
	var out []FigureChange
	var spans []span
	for rows.Next() {
		var c FigureChange
		var sp span
		var before sql.NullString
		var after string
		if err := rows.Scan(&c.ID, &c.At, &c.Generation, &sp.after, &sp.upto, &before, &after); err != nil {
			rows.Close()
			return nil, err
		}
		c.AuditUpto = sp.upto
		if before.Valid {
			if err := json.Unmarshal([]byte(before.String), &c.Before); err != nil {
				rows.Close()
				return nil, fmt.Errorf("change %d: %w", c.ID, err)
			}
		}
		if err := json.Unmarshal([]byte(after), &c.After); err != nil {
			rows.Close()
			return nil, fmt.Errorf("change %d: %w", c.ID, err)
		}
		c.Writes = []ChangeWrite{}
		out = append(out, c)
		spans = append(spans, sp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Writes, err = s.changeWrites(ctx, spans[i].after, spans[i].upto); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// changeWrites returns the audit entries that can change figures with ids
// after after up to upto, newest first, with the date each affects from.
func (s *Store) changeWrites(ctx context.Context, after, upto int64) ([]ChangeWrite, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT a.id, a.at, a.actor, a.action, a.target, a.detail,
		CASE WHEN a.action = 'filing.submit' THEN COALESCE(f.as_of, '')
		     WHEN a.action = 'filing.withdraw' THEN substr(a.at, 1, 10) ELSE '' END
		FROM audit_log a LEFT JOIN filings f ON a.action LIKE 'filing.%' AND a.target = 'filing ' || f.id
		WHERE a.id > ? AND a.id <= ? AND (`+actionFilter()+`) ORDER BY a.id DESC`, after, upto)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ChangeWrite{}
	for rows.Next() {
		var w ChangeWrite
		if err := rows.Scan(&w.ID, &w.At, &w.Actor, &w.Action, &w.Target, &w.Detail, &w.AffectsFrom); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
