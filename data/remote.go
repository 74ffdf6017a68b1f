package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// RemoteSet is the communes marked remote (vùng sâu, vùng xa) and where
// the set comes from.
type RemoteSet struct {
	Codes []string `json:"codes"` // in code order
	// Source is seed.RemoteApproximate for the default approximation, the
	// name of an imported file, or "" when the set was never set.
	Source string `json:"source"`
}

// Remote returns the remote communes of the unit set in force today and
// the source of the list. Earlier sets keep the marks they had.
func (s *Store) Remote(ctx context.Context) (RemoteSet, error) {
	set := RemoteSet{Codes: []string{}}
	id, err := currentSetID(ctx, s.r)
	if err != nil {
		return set, err
	}
	rows, err := s.r.QueryContext(ctx, "SELECT code FROM communes WHERE remote = 1 AND set_id = ? ORDER BY code", id)
	if err != nil {
		return set, err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return set, err
		}
		set.Codes = append(set.Codes, code)
	}
	if err := rows.Err(); err != nil {
		return set, err
	}
	set.Source, err = s.Meta(ctx, "remote_source")
	return set, err
}

// RemoteReport tells how an imported list of remote communes matched the
// stored communes.
type RemoteReport struct {
	Remote int      `json:"remote"` // communes now marked remote
	Extra  []string `json:"extra"`  // codes of the list that match no stored commune; ignored
}

// ReplaceRemote makes exactly the listed communes of today's unit set remote, records source
// (e.g. the file's name) as the set's source, and audits it, in one
// transaction. Codes that match no stored commune are reported and
// ignored; a list of which none matches is ErrInvalid and changes nothing.
func (s *Store) ReplaceRemote(ctx context.Context, codes []string, source, actor string) (RemoteReport, error) {
	var rep RemoteReport
	if strings.TrimSpace(source) == "" {
		return rep, fmt.Errorf("%w: the remote set needs a source", ErrInvalid)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := currentSetID(ctx, tx)
		if err != nil {
			return err
		}
		if rep, err = setRemote(ctx, tx, id, codes, source); err != nil {
			return err
		}
		if rep.Remote == 0 {
			return fmt.Errorf("%w: no code of the list matches a stored commune", ErrInvalid)
		}
		return audit(ctx, tx, actor, "remote.replace", source, fmt.Sprintf("%d communes remote, %d codes ignored", rep.Remote, len(rep.Extra)))
	})
	return rep, err
}

// setRemote marks exactly codes remote among the communes of set id, in
// the caller's transaction.
func setRemote(ctx context.Context, tx *sql.Tx, id int64, codes []string, source string) (RemoteReport, error) {
	rep := RemoteReport{Extra: []string{}}
	if _, err := tx.ExecContext(ctx, "UPDATE communes SET remote = 0 WHERE remote = 1 AND set_id = ?", id); err != nil {
		return rep, err
	}
	stmt, err := tx.PrepareContext(ctx, "UPDATE communes SET remote = 1 WHERE code = ? AND set_id = ?")
	if err != nil {
		return rep, err
	}
	defer stmt.Close()
	seen := map[string]bool{}
	for _, code := range codes {
		if seen[code] {
			continue
		}
		seen[code] = true
		res, err := stmt.ExecContext(ctx, code, id)
		if err != nil {
			return rep, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			rep.Extra = append(rep.Extra, code)
			continue
		}
		rep.Remote++
	}
	slices.Sort(rep.Extra)
	if err := setMeta(ctx, tx, "remote_source", source); err != nil {
		return rep, err
	}
	return rep, bumpVersion(ctx, tx, "remote_version")
}

// SetRemote marks one commune of today's unit set remote or not, and
// audits it. The set keeps its source. An unknown code is ErrNotFound. A
// writer limited to province ("" for none) may mark only that province's
// communes, as the set in force has them (*TerritoryError).
func (s *Store) SetRemote(ctx context.Context, code, province string, remote bool, actor string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := currentSetID(ctx, tx)
		if err != nil {
			return err
		}
		if province != "" {
			var in string
			err := tx.QueryRowContext(ctx, "SELECT province_code FROM communes WHERE code = ? AND set_id = ?", code, id).Scan(&in)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%w: commune %q", ErrNotFound, code)
			}
			if err != nil {
				return err
			}
			if err := CheckTerritory(province, in, "commune "+code+" is in"); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, "UPDATE communes SET remote = ? WHERE code = ? AND set_id = ?", remote, code, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: commune %q", ErrNotFound, code)
		}
		if err := bumpVersion(ctx, tx, "remote_version"); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "commune.remote", code, fmt.Sprintf("remote = %t", remote))
	})
}
