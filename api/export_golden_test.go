package api

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phusong/phusong/api/apitest"
	"github.com/phusong/phusong/geo"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The files people download, in every format, are golden: any change to
// what an export says (figures, columns, metadata, geometry) shows here
// and needs -update. The GeoPackage is compared as a dump of its tables.
func TestExport_Golden(t *testing.T) {
	store := apitest.SmallStore(t)
	s := New(DefaultConfig(), store, quietLog())
	ctx := context.Background()
	if err := s.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	for _, layer := range []geo.Layer{geo.Mobile, geo.Broadcast} {
		for _, format := range []string{"geojson", "csv", "kml", "gpkg"} {
			t.Run(string(layer)+"."+format, func(t *testing.T) {
				var buf bytes.Buffer
				day, err := s.Export(ctx, &buf, layer, format, apitest.GoldenDay, "")
				if err != nil {
					t.Fatal(err)
				}
				if day != apitest.GoldenDay {
					t.Fatalf("exported as of %s, want %s", day, apitest.GoldenDay)
				}
				got, name := buf.Bytes(), string(layer)+"."+format
				if format == "gpkg" {
					got, name = dumpGeoPackage(t, got), name+".txt"
				}
				apitest.Golden(t, filepath.Join("testdata", "export", name), got, *update)
			})
		}
	}
}

// dumpGeoPackage writes a GeoPackage's tables as text: each table's
// columns, then its rows in primary-key order, blobs in hexadecimal.
func dumpGeoPackage(t *testing.T, gpkg []byte) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "export.gpkg")
	if err := writeFile(path, gpkg); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out strings.Builder
	var appID int
	if err := db.QueryRow("PRAGMA application_id").Scan(&appID); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&out, "application_id %#x\n", appID)
	tables, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'rtree_%' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var n string
		if err := tables.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	tables.Close()
	for _, n := range names {
		rows, err := db.Query(`SELECT * FROM "` + n + `" ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		fmt.Fprintf(&out, "\n== %s (%s)\n", n, strings.Join(cols, ", "))
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			cells := make([]string, len(vals))
			for i, v := range vals {
				switch v := v.(type) {
				case []byte:
					cells[i] = fmt.Sprintf("x'%x'", v)
				case nil:
					cells[i] = "NULL"
				case time.Time: // gpkg_contents.last_change: when the file was written
					cells[i] = "(time of writing)"
				default:
					cells[i] = fmt.Sprint(v)
				}
			}
			out.WriteString(strings.Join(cells, " | ") + "\n")
		}
		rows.Close()
	}
	return []byte(out.String())
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o644) }
