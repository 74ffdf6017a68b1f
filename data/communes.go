package data

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/gpkg"
)

// Communes returns the communes of the set in force today in code order,
// with their geometry.
func (s *Store) Communes(ctx context.Context) ([]geo.Commune, error) {
	sets, err := s.UnitSets(ctx)
	if err != nil {
		return nil, err
	}
	i := SetOn(sets, time.Now().UTC().Format(time.DateOnly))
	if i < 0 {
		return nil, nil
	}
	return s.CommunesOf(ctx, sets[i])
}

// queryCommunes reads communes, where selecting them, in code order.
func (s *Store) queryCommunes(ctx context.Context, where string, args ...any) ([]geo.Commune, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT code, name, type, district_code, district, province_code, province, population,
		COALESCE(population_urban, 0), COALESCE(population_rural, 0), COALESCE(lon, 0), COALESCE(lat, 0),
		COALESCE(area_km2, 0), boundary, geom FROM communes `+where+` ORDER BY code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []geo.Commune
	for rows.Next() {
		var c geo.Commune
		var blob []byte
		if err := rows.Scan(&c.Code, &c.Name, &c.Type, &c.DistrictCode, &c.District, &c.ProvinceCode, &c.Province, &c.Population,
			&c.PopulationUrban, &c.PopulationRural, &c.Point[0], &c.Point[1], &c.AreaKm2, &c.Boundary, &blob); err != nil {
			return nil, err
		}
		if blob != nil {
			if c.Geometry, err = gpkg.Decode(blob); err != nil {
				return nil, fmt.Errorf("commune %s: %w", c.Code, err)
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CommuneCount returns the number of communes of the set in force today.
func (s *Store) CommuneCount(ctx context.Context) (int, error) {
	id, err := currentSetID(ctx, s.r)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM communes WHERE set_id = ?", id).Scan(&n)
	return n, err
}

// ReplaceCommunes removes every unit set and commune and stores cs in
// their place as one set in force since ever, all in one transaction: on any error the store keeps the communes it had. Filings
// are kept; declarations for codes that no longer exist are ignored by the
// calculator. progress, if not nil, is told how many communes are written.
// It records nothing in the audit log: it builds stores for tests and
// tools, and a person's import goes through ImportCommunes.
func (s *Store) ReplaceCommunes(ctx context.Context, cs []geo.Commune, progress func(done, total int)) error {
	if len(cs) == 0 {
		return fmt.Errorf("%w: a commune set needs at least one commune", ErrInvalid)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error { return replaceCommunes(ctx, tx, cs, progress) })
}

// ImportCommunes is ReplaceCommunes for a file that actor loads: the audit
// log records, in the same transaction, the file (source), and how many
// communes replaced how many.
func (s *Store) ImportCommunes(ctx context.Context, cs []geo.Commune, source, actor string, progress func(done, total int)) error {
	return s.ImportCommunesSet(ctx, cs, "", "auto", source, actor, progress)
}

// ImportCommunesSet is ImportCommunes naming the one set (name, "" for
// "communes") and its parent level ("auto": district when a commune has
// one).
func (s *Store) ImportCommunesSet(ctx context.Context, cs []geo.Commune, name, level, source, actor string, progress func(done, total int)) error {
	if len(cs) == 0 {
		return fmt.Errorf("%w: a commune set needs at least one commune", ErrInvalid)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var before int
		id, err := currentSetID(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM communes WHERE set_id = ?", id).Scan(&before); err != nil {
			return err
		}
		if err := replaceSet(ctx, tx, cs, name, level, source, progress); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "communes.replace", source,
			fmt.Sprintf("new commune set: %d communes replace %d", len(cs), before))
	})
}

func replaceCommunes(ctx context.Context, tx *sql.Tx, cs []geo.Commune, progress func(done, total int)) error {
	return replaceSet(ctx, tx, cs, "", "auto", "", progress)
}

func replaceSet(ctx context.Context, tx *sql.Tx, cs []geo.Commune, name, level, source string, progress func(done, total int)) error {
	if level == "auto" {
		level = ""
		for _, c := range cs {
			if c.DistrictCode != "" || c.District != "" {
				level = geo.ParentDistrict
				break
			}
		}
	}
	if name == "" {
		name = "communes"
	}
	_, err := replaceSets(ctx, tx, []NewUnitSet{{Name: name, ParentLevel: level, Source: source, Communes: cs}}, progress)
	return err
}

// insertCommunes stores cs as the units of set id, in the caller's
// transaction.
func insertCommunes(ctx context.Context, tx *sql.Tx, id int64, cs []geo.Commune, progress func(done, total int)) error {
	rows := newBatch(ctx, tx, `INSERT INTO communes (geom, set_id, code, name, type, district_code, district,
		province_code, province, population, population_urban, population_rural, lon, lat, area_km2, boundary) VALUES`, 16, "")
	for i, c := range cs {
		blob, err := gpkg.Encode(c.Geometry)
		if err != nil {
			return fmt.Errorf("commune %s: %w", c.Code, err)
		}
		if err := rows.add(blob, id, c.Code, c.Name, c.Type, c.DistrictCode, c.District, c.ProvinceCode, c.Province,
			c.Population, c.PopulationUrban, c.PopulationRural, c.Point[0], c.Point[1], c.AreaKm2, c.Boundary); err != nil {
			return fmt.Errorf("communes up to %s: %w", c.Code, err)
		}
		if progress != nil {
			progress(i+1, len(cs))
		}
	}
	if err := rows.flush(); err != nil {
		return fmt.Errorf("communes: %w", err)
	}
	return nil
}

// BoundaryReport tells how an import of boundaries matched the stored
// communes by code.
type BoundaryReport struct {
	Matched   int      `json:"matched"`
	Unmatched []string `json:"unmatched"` // stored communes the file has no boundary for; they keep theirs
	Extra     []string `json:"extra"`     // codes in the file that match no stored commune; ignored
}

// UpdateBoundaries replaces the geometry of the stored communes whose code
// is a key of shapes, marking their boundary as coming from source, in one
// transaction. Codes that match nothing are reported, not stored. Like
// ReplaceCommunes it records nothing in the audit log; a person's import
// goes through ImportBoundaries.
func (s *Store) UpdateBoundaries(ctx context.Context, shapes map[string]orb.MultiPolygon, source string, progress func(done, total int)) (BoundaryReport, error) {
	var rep BoundaryReport
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		rep, err = updateBoundaries(ctx, tx, shapes, source, progress)
		return err
	})
	return rep, err
}

// ImportBoundaries is UpdateBoundaries for a file that actor loads: the
// audit log records, in the same transaction, the file (source) and how
// its codes matched.
func (s *Store) ImportBoundaries(ctx context.Context, shapes map[string]orb.MultiPolygon, source, actor string, progress func(done, total int)) (BoundaryReport, error) {
	var rep BoundaryReport
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if rep, err = updateBoundaries(ctx, tx, shapes, source, progress); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "communes.boundaries", source,
			fmt.Sprintf("boundaries: %d matched, %d stored communes without a boundary in the file, %d codes in the file not in the store",
				rep.Matched, len(rep.Unmatched), len(rep.Extra)))
	})
	return rep, err
}

func updateBoundaries(ctx context.Context, tx *sql.Tx, shapes map[string]orb.MultiPolygon, source string, progress func(done, total int)) (BoundaryReport, error) {
	var rep BoundaryReport
	if source == "" || source == geo.BoundaryApproximate {
		return rep, fmt.Errorf("%w: boundary source %q must name the imported file", ErrInvalid, source)
	}
	err := func() error {
		stored := map[string]bool{}
		set, err := currentSetID(ctx, tx)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT code FROM communes WHERE set_id = ?", set)
		if err != nil {
			return err
		}
		for rows.Next() {
			var code string
			if err := rows.Scan(&code); err != nil {
				rows.Close()
				return err
			}
			stored[code] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		codes := make([]string, 0, len(shapes))
		for code := range shapes {
			codes = append(codes, code)
		}
		sort.Strings(codes)
		done := 0
		for _, code := range codes {
			if !stored[code] {
				rep.Extra = append(rep.Extra, code)
				continue
			}
			blob, err := gpkg.Encode(shapes[code])
			if err != nil {
				return fmt.Errorf("commune %s: %w", code, err)
			}
			if _, err := tx.ExecContext(ctx, "UPDATE communes SET geom = ?, boundary = ? WHERE set_id = ? AND code = ?", blob, source, set, code); err != nil {
				return fmt.Errorf("commune %s: %w", code, err)
			}
			rep.Matched++
			delete(stored, code)
			done++
			if progress != nil {
				progress(done, len(codes))
			}
		}
		for code := range stored {
			rep.Unmatched = append(rep.Unmatched, code)
		}
		sort.Strings(rep.Unmatched)
		if rep.Matched == 0 {
			return fmt.Errorf("%w: no code in the file matches a stored commune", ErrInvalid)
		}
		if err := bumpCommunesVersion(ctx, tx); err != nil {
			return err
		}
		return recomputeExtent(ctx, tx, "communes")
	}()
	return rep, err
}

func communesBound(cs []geo.Commune) orb.Bound {
	var b orb.Bound
	for i, c := range cs {
		b = extend(b, i == 0, c.Geometry.Bound())
	}
	return b
}

func extend(b orb.Bound, first bool, o orb.Bound) orb.Bound {
	if first {
		return o
	}
	return b.Union(o)
}

// updateExtent records a feature table's bounding box in gpkg_contents, as
// GIS clients read it to zoom to the layer.
func updateExtent(ctx context.Context, tx *sql.Tx, table string, b orb.Bound) error {
	_, err := tx.ExecContext(ctx, `UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?,
		last_change = ? WHERE table_name = ?`,
		b.Min[0], b.Min[1], b.Max[0], b.Max[1], time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), table)
	return err
}

// recomputeExtent reads every geometry of a feature table to set its extent.
// table comes from the store's own code, never from a request.
func recomputeExtent(ctx context.Context, tx *sql.Tx, table string) error {
	rows, err := tx.QueryContext(ctx, "SELECT geom FROM "+table+" WHERE geom IS NOT NULL")
	if err != nil {
		return err
	}
	defer rows.Close()
	var b orb.Bound
	n := 0
	for rows.Next() {
		var blob []byte
		if err := rows.Scan(&blob); err != nil {
			return err
		}
		mp, err := gpkg.Decode(blob)
		if err != nil || len(mp) == 0 {
			continue
		}
		b = extend(b, n == 0, mp.Bound())
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	if n == 0 {
		return nil
	}
	return updateExtent(ctx, tx, table, b)
}

// CommunesVersion changes whenever the commune set or a boundary changes,
// so that a cached population surface can tell it is stale.
func (s *Store) CommunesVersion(ctx context.Context) (string, error) {
	return s.Meta(ctx, "communes_version")
}

func bumpCommunesVersion(ctx context.Context, tx *sql.Tx) error {
	return bumpVersion(ctx, tx, "communes_version")
}

// InputsVersion changes whenever anything the calculator reads changes:
// communes, boundaries or filings, by this process or another one (the
// command line writing while the service runs).
func (s *Store) InputsVersion(ctx context.Context) (string, error) {
	return s.versions(ctx, "communes_version", "filings_version")
}

// versions returns the counters of keys in meta as "key=value;…", in the
// order of keys, leaving out those never bumped.
func (s *Store) versions(ctx context.Context, keys ...string) (string, error) {
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	rows, err := s.r.QueryContext(ctx, "SELECT key, value FROM meta WHERE key IN (?"+strings.Repeat(", ?", len(keys)-1)+")", args...)
	if err != nil {
		return "", unavailable(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return "", err
		}
		got[k] = v
	}
	var parts []string
	for _, k := range keys {
		if v, ok := got[k]; ok {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, ";"), rows.Err()
}

// insertID runs an INSERT and returns the id of the row it made, by
// RETURNING, which SQLite and PostgreSQL both understand. An INSERT that
// made no row (ON CONFLICT DO NOTHING) gives sql.ErrNoRows.
func insertID(ctx context.Context, tx *sql.Tx, query string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// bumpVersion increments a counter kept in meta, in the caller's
// transaction. key is one of the store's own names.
func bumpVersion(ctx context.Context, tx *sql.Tx, key string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)`, key)
	return err
}
