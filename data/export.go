package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/export"
	"github.com/phusong/phusong/geo/gpkg"
)

// sqlTypes maps the kinds of export.ColumnTypes to SQLite column types.
var sqlTypes = map[string]string{"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "BOOLEAN"}

// WriteGeoPackage writes a layer's figures into a new GeoPackage 1.3 file
// at path: a feature table named after the layer (in t.CRS, EPSG:4326 by
// default, which is then registered in gpkg_spatial_ref_sys; MULTIPOLYGON)
// with one row per commune and the columns of export.Columns, and an
// attributes table "export_info" (key, value) with the layer, the date,
// the method and the source, which the feature table's description repeats.
// The file is written in one transaction with a rollback journal, so that
// it is a single file that GDAL and QGIS open. It refuses to overwrite an
// existing file: callers write to a new path and rename.
func WriteGeoPackage(ctx context.Context, path string, t *export.Table) (err error) {
	if !t.Layer.Valid() {
		return fmt.Errorf("%w: layer %q", ErrInvalid, t.Layer)
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%w: %s already exists", ErrInvalid, path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	q := url.Values{}
	q.Set("_journal_mode", "DELETE")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	defer func() {
		if cerr := db.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
		err = diskFull(err)
	}()
	core, err := coreMigrations()
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := writeGeoPackageHeader(ctx, tx); err != nil {
		return err
	}
	for _, m := range core {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("GeoPackage core tables (%s): %w", m.name, err)
		}
	}
	if err := writeFeatureTable(ctx, tx, t); err != nil {
		return err
	}
	if err := writeExportInfo(ctx, tx, t); err != nil {
		return err
	}
	return tx.Commit()
}

// gpkgCore lists the migrations that make the GeoPackage core tables as the
// store has them: 0001 creates them and 0010 rebuilds gpkg_contents with the
// default Req 13 spells. An export runs both, so that its core tables are
// the store's, byte for byte in their SQL.
var gpkgCore = []int{1, 10}

// coreMigrations returns the migrations of gpkgCore, in order.
func coreMigrations() ([]migration, error) {
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	byVersion := make(map[int]migration, len(ms))
	for _, m := range ms {
		byVersion[m.version] = m
	}
	out := make([]migration, 0, len(gpkgCore))
	for _, v := range gpkgCore {
		m, ok := byVersion[v]
		if !ok {
			return nil, fmt.Errorf("the GeoPackage core migration %d is missing", v)
		}
		out = append(out, m)
	}
	return out, nil
}

// writeFeatureTable creates and fills the layer's feature table. Its name
// is a valid layer and its columns are export.Columns: both come from the
// program, never from a request.
func writeFeatureTable(ctx context.Context, tx *sql.Tx, t *export.Table) error {
	table := string(t.Layer)
	cols := make([]string, 0, len(export.Columns)+2)
	cols = append(cols, "fid INTEGER PRIMARY KEY AUTOINCREMENT", "geom MULTIPOLYGON")
	for _, c := range export.Columns {
		cols = append(cols, c+" "+sqlTypes[export.ColumnTypes[c]])
	}
	if _, err := tx.ExecContext(ctx, "CREATE TABLE "+table+" ("+strings.Join(cols, ", ")+")"); err != nil {
		return err
	}
	srs := exportSRS(t)
	if err := registerSRS(ctx, tx, t); err != nil {
		return err
	}
	b := t.Bound()
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_contents (table_name, data_type, identifier, description,
		last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, ?)`,
		table, fmt.Sprintf("%s coverage %s", table, t.AsOf), t.Description(), lastChange(t),
		b.Min[0], b.Min[1], b.Max[0], b.Max[1], srs); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'MULTIPOLYGON', ?, 0, 0)",
		table, srs); err != nil {
		return err
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(export.Columns)+1), ", ")
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO "+table+" (geom, "+strings.Join(export.Columns, ", ")+") VALUES ("+marks+")")
	if err != nil {
		return err
	}
	defer stmt.Close()
	args := make([]any, 0, len(export.Columns)+1)
	for _, r := range t.Rows {
		blob, err := gpkg.EncodeSRS(r.Geometry, int32(srs))
		if err != nil {
			return fmt.Errorf("commune %s: %w", r.Code, err)
		}
		args = append(args[:0], blob)
		args = append(args, r.Values()...)
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("commune %s: %w", r.Code, err)
		}
	}
	return nil
}

// lastChange is the gpkg_contents.last_change of an export's tables: when
// its figures were computed (t.ComputedAt), in the form of GeoPackage Req 15,
// rather than the time of writing, so that one snapshot's export is the same
// file byte for byte however often it is written; a server can then answer
// range requests for it across several writes. A ComputedAt that does not
// parse as RFC 3339 falls back to the Unix epoch, a fixed value too.
func lastChange(t *export.Table) string {
	at, err := time.Parse(time.RFC3339, t.ComputedAt)
	if err != nil {
		at = time.Unix(0, 0)
	}
	return at.UTC().Format("2006-01-02T15:04:05.000Z")
}

// writeExportInfo stores what the figures are as an attributes table, which
// QGIS and ogrinfo list beside the layer.
func writeExportInfo(ctx context.Context, tx *sql.Tx, t *export.Table) error {
	method, err := json.Marshal(t.Method)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE export_info (
		fid INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, value TEXT NOT NULL)`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)
		VALUES ('export_info', 'attributes', 'export_info', 'What the figures of this file are: layer, date, method, source', ?)`,
		lastChange(t)); err != nil {
		return err
	}
	info := [][2]string{
		{"layer", string(t.Layer)},
		{"as_of", t.AsOf},
		{"computed_at", t.ComputedAt},
		{"method", string(method)},
		{"source", t.Source},
	}
	if t.Breakdown != "" {
		info = append(info, [2]string{"breakdown", t.Breakdown})
	}
	if t.Approximate() > 0 {
		info = append(info, [2]string{"boundary_note", geo.BoundaryNote})
	}
	for _, kv := range info {
		if _, err := tx.ExecContext(ctx, "INSERT INTO export_info (key, value) VALUES (?, ?)", kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}
