package data

import (
	"context"
	"database/sql"

	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/export"
)

// exportSRS returns the srs_id of the table's geometry: its EPSG code, or
// geo.SRID (EPSG:4326) for a table in the zero CRS.
func exportSRS(t *export.Table) int {
	if t.CRS.Code == 0 {
		return geo.SRID
	}
	return t.CRS.Code
}

// registerSRS adds the table's system to gpkg_spatial_ref_sys, with the
// definition GDAL writes (WKT1_GDAL), unless it is there already, as
// EPSG:4326 always is from the core migration.
func registerSRS(ctx context.Context, tx *sql.Tx, t *export.Table) error {
	c := t.CRS
	if c.Code == 0 || c.IsWGS84() {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO gpkg_spatial_ref_sys
		(srs_name, srs_id, organization, organization_coordsys_id, definition, description)
		VALUES (?, ?, 'EPSG', ?, ?, ?)`, c.Name, c.Code, c.Code, c.WKT, c.Name)
	return err
}
