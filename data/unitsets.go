package data

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/phusong/phusong/geo"
)

// UnitSet is one version of the administrative units: the communes of
// one period, in force from ValidFrom until the day before the next set's
// ValidFrom.
type UnitSet struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// ValidFrom is the first day the set is in force (YYYY-MM-DD); "" for
	// a set in force since ever (the only set of a store, or the first).
	ValidFrom string `json:"valid_from"`
	// ValidTo is the last day, the day before the next set's ValidFrom;
	// "" while no later set exists.
	ValidTo string `json:"valid_to"`
	Source  string `json:"source"`
	// ParentLevel is the level of every unit's parent, held in the
	// communes' DistrictCode and District: geo.ParentDistrict (huyện),
	// geo.ParentProvince (tỉnh) or "" (none).
	ParentLevel string `json:"parent_level"`
	Units       int    `json:"units"`
	// OwnPeople is the sum of the set's own population figures (the census
	// for the first set, the merger dossiers for the 2025 units).
	OwnPeople int    `json:"own_people"`
	CreatedAt string `json:"created_at"`
}

// NewUnitSet is a set to store with its communes.
type NewUnitSet struct {
	Name, ValidFrom, Source, ParentLevel string
	Communes                             []geo.Commune
}

// UnitSets returns every set, earliest first (a set in force since ever
// first), with ValidTo filled from the next set.
func (s *Store) UnitSets(ctx context.Context) ([]UnitSet, error) {
	return unitSets(ctx, s.r)
}

func unitSets(ctx context.Context, q querier) ([]UnitSet, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.name, COALESCE(u.valid_from, ''), u.source, u.parent_level, u.created_at,
		(SELECT COUNT(*) FROM communes c WHERE c.set_id = u.id), (SELECT COALESCE(SUM(population), 0) FROM communes c WHERE c.set_id = u.id)
		FROM unit_sets u ORDER BY COALESCE(u.valid_from, ''), u.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UnitSet
	for rows.Next() {
		var u UnitSet
		if err := rows.Scan(&u.ID, &u.Name, &u.ValidFrom, &u.Source, &u.ParentLevel, &u.CreatedAt, &u.Units, &u.OwnPeople); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := 0; i+1 < len(out); i++ {
		d, err := time.Parse(time.DateOnly, out[i+1].ValidFrom)
		if err == nil {
			out[i].ValidTo = d.AddDate(0, 0, -1).Format(time.DateOnly)
		}
	}
	return out, nil
}

// SetOn returns the index of the set in force on day (YYYY-MM-DD; sets as
// UnitSets orders them): the latest whose ValidFrom is on or before day,
// or the first set for a day before every set. -1 when there is no set.
func SetOn(sets []UnitSet, day string) int {
	if len(sets) == 0 {
		return -1
	}
	at := 0
	for i, u := range sets {
		if u.ValidFrom <= day {
			at = i
		}
	}
	return at
}

// FindSet returns the index of the set named ref, by name or by id, or an
// error wrapping ErrInvalid that lists the sets.
func FindSet(sets []UnitSet, ref string) (int, error) {
	for i, u := range sets {
		if u.Name == ref {
			return i, nil
		}
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		for i, u := range sets {
			if u.ID == id {
				return i, nil
			}
		}
	}
	names := make([]string, len(sets))
	for i, u := range sets {
		names[i] = fmt.Sprintf("%s (id %d)", u.Name, u.ID)
	}
	return -1, fmt.Errorf("%w: units %s: no such unit set; the sets are %s", ErrInvalid, strconv.Quote(ref), strings.Join(names, ", "))
}

// CommunesOf returns the communes of one set in code order, each with the
// set's parent level.
func (s *Store) CommunesOf(ctx context.Context, set UnitSet) ([]geo.Commune, error) {
	cs, err := s.queryCommunes(ctx, "WHERE set_id = ?", set.ID)
	for i := range cs {
		cs[i].ParentLevel = set.ParentLevel
	}
	return cs, err
}

// checkNewSet validates a set before it is stored.
func checkNewSet(set NewUnitSet) error {
	if strings.TrimSpace(set.Name) == "" {
		return fmt.Errorf("%w: a unit set needs a name", ErrInvalid)
	}
	if len(set.Communes) == 0 {
		return fmt.Errorf("%w: unit set %s has no commune", ErrInvalid, strconv.Quote(set.Name))
	}
	if set.ValidFrom != "" {
		if _, err := time.Parse(time.DateOnly, set.ValidFrom); err != nil {
			return fmt.Errorf("%w: valid from %s: want a date YYYY-MM-DD", ErrInvalid, strconv.Quote(set.ValidFrom))
		}
	}
	switch set.ParentLevel {
	case "", geo.ParentDistrict, geo.ParentProvince:
	default:
		return fmt.Errorf("%w: parent level %s: want district, province or nothing", ErrInvalid, strconv.Quote(set.ParentLevel))
	}
	return nil
}

// insertSet stores a set and its communes in the caller's transaction.
func insertSet(ctx context.Context, tx *sql.Tx, set NewUnitSet, progress func(done, total int)) (int64, error) {
	var from any
	if set.ValidFrom != "" {
		from = set.ValidFrom
	}
	// The next id after the largest, on both stores: sets replaced whole
	// (replaceSets) are numbered from 1 again, as links name them.
	id, err := insertID(ctx, tx, `INSERT INTO unit_sets (id, name, valid_from, source, parent_level, created_at)
		VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM unit_sets), ?, ?, ?, ?, ?)`,
		set.Name, from, set.Source, set.ParentLevel, now())
	if err != nil {
		return 0, err
	}
	return id, insertCommunes(ctx, tx, id, set.Communes, progress)
}

// ReplaceUnitSets removes every set and commune and stores sets in their
// place, in one transaction (the default data's three versions). Like
// ReplaceCommunes it records nothing in the audit log.
func (s *Store) ReplaceUnitSets(ctx context.Context, sets []NewUnitSet) error {
	if err := checkNewSets(sets); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := replaceSets(ctx, tx, sets, nil)
		return err
	})
}

func checkNewSets(sets []NewUnitSet) error {
	if len(sets) == 0 {
		return fmt.Errorf("%w: no unit set to store", ErrInvalid)
	}
	for _, set := range sets {
		if err := checkNewSet(set); err != nil {
			return err
		}
	}
	return nil
}

// replaceSets removes every set and commune and stores sets, in the
// caller's transaction, and returns their ids; progress, if not nil, is
// told of each set's communes stored.
func replaceSets(ctx context.Context, tx *sql.Tx, sets []NewUnitSet, progress func(done, total int)) ([]int64, error) {
	if err := clearSets(ctx, tx); err != nil {
		return nil, err
	}
	ids := make([]int64, len(sets))
	var all []geo.Commune
	for i, set := range sets {
		var err error
		if ids[i], err = insertSet(ctx, tx, set, progress); err != nil {
			return nil, err
		}
		all = append(all, set.Communes...)
	}
	if err := bumpCommunesVersion(ctx, tx); err != nil {
		return nil, err
	}
	return ids, updateExtent(ctx, tx, "communes", communesBound(all))
}

func clearSets(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM communes"); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM unit_sets")
	return err
}

// AddUnitSet stores a new set in force from set.ValidFrom, which must be
// later than every stored set's: the set before it then ends the day
// before. The audit log records it, in the same transaction.
func (s *Store) AddUnitSet(ctx context.Context, set NewUnitSet, actor string, progress func(done, total int)) (UnitSet, error) {
	if err := checkNewSet(set); err != nil {
		return UnitSet{}, err
	}
	if set.ValidFrom == "" {
		return UnitSet{}, fmt.Errorf("%w: a set added beside others needs the date it takes effect (--valid-from)", ErrInvalid)
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		sets, err := unitSets(ctx, tx)
		if err != nil {
			return err
		}
		for _, u := range sets {
			if u.Name == set.Name {
				return fmt.Errorf("%w: a unit set named %s exists already (id %d)", ErrInvalid, strconv.Quote(set.Name), u.ID)
			}
		}
		if n := len(sets); n > 0 && sets[n-1].ValidFrom >= set.ValidFrom {
			return fmt.Errorf("%w: valid from %s: set %s is in force from %s; a new set must take effect later", ErrInvalid,
				set.ValidFrom, strconv.Quote(sets[n-1].Name), orSinceEver(sets[n-1].ValidFrom))
		}
		// Filings that name no set read their codes on the set in force on
		// their date; the new set must not change which that is.
		if _, err := tx.ExecContext(ctx, "UPDATE filings AS f SET unit_set = "+filingSet+" WHERE unit_set IS NULL"); err != nil {
			return err
		}
		if id, err = insertSet(ctx, tx, set, progress); err != nil {
			return err
		}
		if err := bumpCommunesVersion(ctx, tx); err != nil {
			return err
		}
		if err := recomputeExtent(ctx, tx, "communes"); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "unit_sets.add", set.Source,
			fmt.Sprintf("unit set %s: %d units in force from %s", set.Name, len(set.Communes), set.ValidFrom))
	})
	if err != nil {
		return UnitSet{}, err
	}
	sets, err := s.UnitSets(ctx)
	if err != nil {
		return UnitSet{}, err
	}
	for _, u := range sets {
		if u.ID == id {
			return u, nil
		}
	}
	return UnitSet{}, fmt.Errorf("unit set %d vanished", id)
}

func orSinceEver(day string) string {
	if day == "" {
		return "ever"
	}
	return day
}

// currentSetID returns the id of the set in force today, in the caller's
// transaction or on the store.
func currentSetID(ctx context.Context, q querier) (int64, error) {
	sets, err := unitSets(ctx, q)
	if err != nil {
		return 0, err
	}
	i := SetOn(sets, time.Now().UTC().Format(time.DateOnly))
	if i < 0 {
		return 0, nil
	}
	return sets[i].ID, nil
}
