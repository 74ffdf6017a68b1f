package main

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/geotiff"
)

// cmdImportPopulation stores a population grid (a GeoTIFF of people per
// pixel in EPSG:4326) that places each commune's census people within it,
// or with --none returns to the even spread; then it recomputes and prints
// how the figures moved.
func cmdImportPopulation(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("import population")
	db := dbFlag(fs, "database file; created and seeded when new")
	source := fs.String("source", "", "attribution of the grid, stored with it (default: the file's name)")
	name := fs.String("name", "", "short name of the grid in the method, grid-NAME-v1 (default: worldpop for WorldPop's files, else from the file's name)")
	none := fs.Bool("none", false, "stop using a population grid: spread each commune's people evenly again")
	pos, err := parseArgs(fs, args, 0, 1)
	if err != nil {
		return err
	}
	switch {
	case *none && len(pos) > 0:
		return errors.New("give a grid FILE.tif, or --none to spread people evenly, not both")
	case !*none && len(pos) == 0:
		return errors.New("give a population grid FILE.tif (people per pixel, EPSG:4326), or --none to spread people evenly")
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	fmt.Fprintln(stdout, "computing the figures before the change…")
	store, srv, before, err := openComputed(ctx, *db, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if *none {
		was, err := store.UseEvenSpread(ctx, cliActor())
		if err != nil {
			return err
		}
		if !was {
			fmt.Fprintf(stdout, "%s already spreads each commune's people evenly: nothing was changed\n", *db)
			return nil
		}
		fmt.Fprintf(stdout, "%s spreads each commune's people evenly again (the grids stay stored)\n", *db)
	} else {
		grid, info, err := readPopulationGrid(pos[0], before, *name, *source)
		if err != nil {
			return fmt.Errorf("%s: %w\nnothing was changed", pos[0], err)
		}
		s, err := geo.NewSurface(before.Communes, geo.SurfaceOptions{Grid: grid})
		if err != nil {
			return fmt.Errorf("%s: %w\nnothing was changed", pos[0], err)
		}
		fallback := s.Stats().EvenFallback
		if !s.Weighted() {
			return fmt.Errorf("%s: the grid has no people over any commune (its pixels there are no data or 0)\nnothing was changed", pos[0])
		}
		id, err := store.ImportPopulationGrid(ctx, grid, info, cliActor())
		if err != nil {
			return fmt.Errorf("%s: %w\nnothing was changed", pos[0], err)
		}
		w, south, e, n := grid.West, grid.North-float64(grid.Rows)*grid.DY, grid.West+float64(grid.Cols)*grid.DX, grid.North
		fmt.Fprintf(stdout, "population grid %d (%s) from %s: kept %d × %d pixels over the communes (lon %.4f–%.4f, lat %.4f–%.4f), %s people by the grid's own count\n",
			id, grid.PopulationMethod(), pos[0], grid.Cols, grid.Rows, w, e, south, n, groupDigits(int(math.Round(info.People))))
		fmt.Fprintf(stdout, "it places the people of %d of %d communes; ", len(before.Communes)-len(fallback), len(before.Communes))
		if len(fallback) == 0 {
			fmt.Fprintln(stdout, "every commune's census population is kept to the person")
		} else {
			fmt.Fprintf(stdout, "spread evenly, for lack of grid people: %s\n", listSome(fallback))
		}
	}
	fmt.Fprintln(stdout, "recomputing every figure on the new surface…")
	if err := srv.Recompute(ctx); err != nil {
		return err
	}
	after, err := srv.Current()
	if err != nil {
		return err
	}
	printPopulationChange(stdout, before, after)
	return nil
}

// readPopulationGrid reads the part of a GeoTIFF that covers the communes,
// with a pixel's margin, and describes it for the store.
func readPopulationGrid(path string, snap *api.Snapshot, name, source string) (*geo.PopulationGrid, data.PopulationGridInfo, error) {
	var info data.PopulationGridInfo
	f, err := os.Open(path)
	if err != nil {
		return nil, info, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, info, err
	}
	if len(snap.Communes) == 0 {
		return nil, info, errors.New("the database has no communes to place people in")
	}
	b := snap.Extent
	const margin = 0.01 // degrees, about a pixel of a 30 arc-second grid
	r, err := geotiff.DecodeWindow(f, st.Size(), b.Min[0]-margin, b.Min[1]-margin, b.Max[0]+margin, b.Max[1]+margin)
	if errors.Is(err, geotiff.ErrNoOverlap) {
		return nil, info, fmt.Errorf("the grid does not cover the communes (lon %.4f–%.4f, lat %.4f–%.4f): is it a grid of another country? %w",
			b.Min[0], b.Max[0], b.Min[1], b.Max[1], err)
	}
	if err != nil {
		return nil, info, err
	}
	if name == "" {
		name = gridName(path)
	}
	grid := data.GridFromRaster(r, name)
	if err := grid.Validate(); err != nil {
		return nil, info, fmt.Errorf("--name: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, info, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, info, err
	}
	if source == "" {
		source = filepath.Base(path)
	}
	info = data.PopulationGridInfo{Source: source, File: filepath.Base(path), FileSHA256: hex.EncodeToString(h.Sum(nil)), People: grid.People()}
	return grid, info, nil
}

// gridName names a grid by its file: "worldpop" for WorldPop's files
// (vnm_ppp_2020_…), else the file's name in lower-case letters, digits and
// hyphens.
func gridName(path string) string {
	base := strings.ToLower(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	if strings.Contains(base, "worldpop") || strings.Contains(base, "_ppp_") {
		return "worldpop"
	}
	var b strings.Builder
	for _, r := range base {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if len(name) > 40 {
		name = strings.Trim(name[:40], "-")
	}
	if name == "" {
		return "imported"
	}
	return name
}

// printPopulationChange prints each layer's province figure before and
// after, and the communes whose mobile share moved most.
func printPopulationChange(w io.Writer, before, after *api.Snapshot) {
	fmt.Fprintf(w, "figures recomputed: population %s → %s\n", before.Result.Method.Population, after.Result.Method.Population)
	fmt.Fprintf(w, "%-10s %16s %16s\n", "layer", "covered before", "covered after")
	for _, l := range geo.Layers {
		b, a := before.Province(l), after.Province(l)
		fmt.Fprintf(w, "%-10s %15.2f%% %15.2f%%\n", l, 100*b.Share, 100*a.Share)
	}
	type move struct {
		name          string
		before, after float64
		population    int
	}
	bf := before.Result.Layer(geo.Mobile).Breakdown(geo.KindAll).Communes
	af := after.Result.Layer(geo.Mobile).Breakdown(geo.KindAll).Communes
	if len(bf) != len(af) {
		return
	}
	var moves []move
	for i := range af {
		if d := af[i].Share - bf[i].Share; math.Abs(d) >= 0.0005 {
			moves = append(moves, move{after.Communes[i].Name + " (" + af[i].Code + ")", bf[i].Share, af[i].Share, af[i].Population})
		}
	}
	slices.SortFunc(moves, func(x, y move) int {
		return cmp.Compare(math.Abs(y.after-y.before), math.Abs(x.after-x.before))
	})
	if len(moves) == 0 {
		fmt.Fprintln(w, "no commune's mobile share moved by 0.05 points or more")
		return
	}
	fmt.Fprintf(w, "mobile: %d communes moved by 0.05 points or more; most:\n", len(moves))
	for _, m := range moves[:min(5, len(moves))] {
		fmt.Fprintf(w, "  %-40s %7.2f%% → %7.2f%% (%+.2f points)\n", m.name, 100*m.before, 100*m.after, 100*(m.after-m.before))
	}
}

// groupDigits writes n with a comma between groups of three digits.
func groupDigits(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}
