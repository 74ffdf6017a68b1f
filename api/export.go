package api

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/crs"
	"github.com/phusong/phusong/geo/export"
)

// ExportTypes maps each export format, which is also the file's extension,
// to its media type.
var ExportTypes = map[string]string{
	"gpkg":    "application/geopackage+sqlite3",
	"geojson": "application/geo+json",
	"csv":     "text/csv; charset=utf-8",
	"kml":     "application/vnd.google-earth.kml+xml",
}

// Export writes a layer's figures per commune as of day (YYYY-MM-DD, ""
// for the current figures) to w in format (a key of ExportTypes), and
// returns the day the figures are of. The figures are the API's: the same
// snapshot, or the same Compute on the filings in force on day, through the
// same table. Every file says its date, method and source. A bad layer,
// format or day, or a day after today (see Snapshot.CheckDay), is an error
// wrapping data.ErrInvalid.
//
// knownAt ("" for today) exports the figures as known on that day
// (FiguresKnown), and the file's source says so.
func (s *Service) Export(ctx context.Context, w io.Writer, layer geo.Layer, format, day, knownAt string) (string, error) {
	return s.ExportCRS(ctx, w, layer, format, day, knownAt, "")
}

// ExportCRS is Export in the system named by crsName: ExportBreakdown of
// every provider together.
func (s *Service) ExportCRS(ctx context.Context, w io.Writer, layer geo.Layer, format, day, knownAt, crsName string) (string, error) {
	return s.ExportBreakdown(ctx, w, layer, format, day, knownAt, crsName, "", "")
}

// ExportBreakdown is Export with the geometry in the system named by crsName
// (see crs.Lookup: "" or EPSG:4326, EPSG:3857, EPSG:4756, EPSG:3405 or
// EPSG:3406), transformed before it is written. GeoJSON then names the
// system in a crs member and a GeoPackage registers it; the CSV has no
// geometry and is the same in every system. KML is WGS 84 by definition,
// so any other system for it is an error wrapping data.ErrInvalid, as is
// an unsupported system.
//
// breakdown ("" or "all" for every provider together) exports the figures
// of one breakdown of the layer, as GET /api/v1/layers/{layer}/communes?
// breakdown= serves them ("provider:viettel", "technology:4G"…); the file
// names it (Table.Breakdown). A key the layer does not have wraps
// data.ErrInvalid.
//
// units names the unit set of the rows (Service.View; "" for the set in
// force on day).
func (s *Service) ExportBreakdown(ctx context.Context, w io.Writer, layer geo.Layer, format, day, knownAt, crsName, breakdown, units string) (string, error) {
	c, err := crs.Lookup(crsName)
	if err != nil {
		return "", fmt.Errorf("%w: crs: %v", data.ErrInvalid, err)
	}
	if format == "kml" && !c.IsWGS84() {
		return "", fmt.Errorf("%w: crs %s: KML is always WGS 84 (EPSG:4326); ask for geojson or gpkg in %s", data.ErrInvalid, quote(crsName), c)
	}
	if !layer.Valid() {
		return "", fmt.Errorf("%w: layer %s: want broadcast, phone, broadband or mobile", data.ErrInvalid, quote(string(layer)))
	}
	if _, ok := ExportTypes[format]; !ok {
		return "", fmt.Errorf("%w: format %s: want gpkg, geojson, csv or kml", data.ErrInvalid, quote(format))
	}
	if day != "" {
		var err error
		if day, err = ParseDay(day); err != nil {
			return "", err
		}
	}
	figs, err := s.FiguresUnits(ctx, day, knownAt, units)
	if err != nil {
		return "", err
	}
	t, err := figs.BreakdownTable(layer, breakdown)
	if err != nil {
		return "", err
	}
	if err := s.describeSource(ctx, t, figs.KnownAt); err != nil {
		return "", err
	}
	t = t.InCRS(c)
	switch format {
	case "geojson":
		err = t.WriteGeoJSON(w)
	case "csv":
		err = t.WriteCSV(w)
	case "kml":
		err = t.WriteKML(w)
	case "gpkg":
		err = writeGeoPackage(ctx, w, t)
	}
	return t.AsOf, err
}

// writeGeoPackage writes the table as a GeoPackage in a temporary folder,
// since SQLite writes files, and copies it to w.
func writeGeoPackage(ctx context.Context, w io.Writer, t *export.Table) error {
	dir, err := os.MkdirTemp("", "phusong-export")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, string(t.Layer)+".gpkg")
	if err := data.WriteGeoPackage(ctx, path, t); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
