package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

func cmdImportCommunes(ctx context.Context, args []string, stdout io.Writer) error {
	props := geo.DefaultCommuneProperties()
	fs := newFlags("import communes")
	db := dbFlag(fs, "database file; created and seeded when new")
	newSet := fs.Bool("new-set", false, "replace the whole commune set instead of updating boundaries by code")
	noDemo := fs.Bool("no-demo", false, "leave the demonstration filings out if the database is new")
	fs.StringVar(&props.Code, "code", props.Code, "property holding the commune code")
	fs.StringVar(&props.Name, "name", props.Name, "property holding the commune name")
	fs.StringVar(&props.District, "district", props.District, "property holding the district name")
	fs.StringVar(&props.DistrictCode, "district-code", props.DistrictCode, "property holding the district code")
	fs.StringVar(&props.Type, "type", props.Type, "property holding the commune type (xã, phường, thị trấn)")
	fs.StringVar(&props.Population, "population", props.Population, "property holding the census population")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	file := pos[0]
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	bar := newProgressBar("reading  ")
	source := filepath.Base(file)
	communes, warnings, err := geo.ReadCommunes(&progressReader{r: f, total: st.Size(), bar: bar}, props, *newSet, source)
	if err != nil {
		return fmt.Errorf("%s: %w\nnothing was changed", file, err)
	}
	for _, w := range warnings {
		fmt.Fprintln(stdout, "warning:", w)
	}

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := openStore(ctx, *db, !*noDemo, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if *newSet {
		bar := newProgressBar("storing  ")
		if err := store.ImportCommunes(ctx, communes, source, cliActor(), bar.Update); err != nil {
			return fmt.Errorf("%s: %w\nnothing was changed", file, err)
		}
		fmt.Fprintf(stdout, "loaded a new commune set of %d communes from %s into %s\n", len(communes), file, *db)
		return warnOffGrid(ctx, store, communes, stdout)
	}
	shapes := make(map[string]orb.MultiPolygon, len(communes))
	for _, c := range communes {
		shapes[c.Code] = c.Geometry
	}
	rep, err := store.ImportBoundaries(ctx, shapes, source, cliActor(), newProgressBar("storing  ").Update)
	if err != nil {
		return fmt.Errorf("%s: %w\nnothing was changed", file, err)
	}
	fmt.Fprintf(stdout, "boundaries from %s: %d matched, %d stored communes without a boundary in the file, %d codes in the file not in the store\n",
		file, rep.Matched, len(rep.Unmatched), len(rep.Extra))
	if len(rep.Unmatched) > 0 {
		fmt.Fprintf(stdout, "  kept their previous boundary: %s\n", listSome(rep.Unmatched))
	}
	if len(rep.Extra) > 0 {
		fmt.Fprintf(stdout, "  ignored codes: %s\n", listSome(rep.Extra))
	}
	return nil
}

func listSome(codes []string) string {
	const most = 20
	if len(codes) <= most {
		return fmt.Sprint(codes)
	}
	return fmt.Sprintf("%v … and %d more", codes[:most], len(codes)-most)
}

// progressReader reports how much of a file has been read.
type progressReader struct {
	r     io.Reader
	total int64
	done  int64
	bar   *progressBar
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	// Scale to KiB so that int is wide enough on every platform.
	p.bar.Update(int(p.done>>10), int(p.total>>10))
	return n, err
}

// warnOffGrid says which communes of a new set lie outside the population
// grid in use: their people are spread evenly until a grid covering them is
// imported.
func warnOffGrid(ctx context.Context, store *data.Store, communes []geo.Commune, stdout io.Writer) error {
	grid, info, err := store.PopulationGrid(ctx)
	if err != nil || grid == nil {
		return err
	}
	b := grid.Bound()
	var off []string
	for _, c := range communes {
		cb := c.Geometry.Bound()
		if len(c.Geometry) == 0 {
			cb = c.Point.Bound()
		}
		if !b.Contains(cb.Center()) {
			off = append(off, c.Code)
		}
	}
	if len(off) > 0 {
		fmt.Fprintf(stdout, "warning: %d of %d communes lie outside the population grid in use (%s, lon %.2f–%.2f, lat %.2f–%.2f): "+
			"their people are spread evenly until you import a grid that covers them (phusong import population FILE.tif): %s\n",
			len(off), len(communes), info.Method, info.West, info.East, info.South, info.North, listSome(off))
	}
	return nil
}
