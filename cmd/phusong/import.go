package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
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
	validFrom := fs.String("valid-from", "", "with --new-set: keep the sets stored and add this one, in force from this date (YYYY-MM-DD)")
	setName := fs.String("set-name", "", "with --new-set: the new set's name (default: the year of --valid-from, or \"communes\")")
	parentLevel := fs.String("parent-level", "auto", "level of each unit's parent: district, province, none, or auto (from the file's properties)")
	noDemo := fs.Bool("no-demo", false, "leave the demonstration filings out if the database is new")
	fs.StringVar(&props.Code, "code", props.Code, "property holding the commune code")
	fs.StringVar(&props.Name, "name", props.Name, "property holding the commune name")
	fs.StringVar(&props.District, "district", props.District, "property holding the district name")
	fs.StringVar(&props.DistrictCode, "district-code", props.DistrictCode, "property holding the district code")
	fs.StringVar(&props.Type, "type", props.Type, "property holding the commune type (xã, phường, thị trấn)")
	fs.StringVar(&props.Population, "population", props.Population, "property holding the census population")
	fs.StringVar(&props.ProvinceCode, "province-code", props.ProvinceCode, "property holding the province's GSO code (e.g. 25)")
	fs.StringVar(&props.Province, "province", props.Province, "property holding the province's name; without a code, the code is looked up by it (\"Ha Noi\" → 01)")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	file := pos[0]
	if (*validFrom != "" || *setName != "") && !*newSet {
		return &usageError{cmd: "import communes", err: fmt.Errorf("--valid-from and --set-name name a new unit set: give --new-set too")}
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	level, err := detectUnitProperties(raw, &props, given, *parentLevel)
	if err != nil {
		return fmt.Errorf("%s: %w\nnothing was changed", file, err)
	}
	bar := newProgressBar("reading  ")
	source := filepath.Base(file)
	communes, warnings, err := geo.ReadCommunes(&progressReader{r: bytes.NewReader(raw), total: int64(len(raw)), bar: bar}, props, *newSet, source)
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
	if *newSet && *validFrom != "" {
		name := *setName
		if name == "" {
			name = (*validFrom)[:min(4, len(*validFrom))]
		}
		set, err := store.AddUnitSet(ctx, data.NewUnitSet{Name: name, ValidFrom: *validFrom, Source: source, ParentLevel: level, Communes: communes},
			cliActor(), newProgressBar("storing  ").Update)
		if err != nil {
			return fmt.Errorf("%s: %w\nnothing was changed", file, err)
		}
		fmt.Fprintf(stdout, "added unit set %q (id %d): %d units in force from %s, parent level %s, from %s into %s\n",
			set.Name, set.ID, set.Units, set.ValidFrom, orNone(set.ParentLevel), file, *db)
		fmt.Fprintln(stdout, "the set before it now ends the day before; `phusong sets list` shows every set")
		return warnOffGrid(ctx, store, communes, stdout)
	}
	if *newSet {
		bar := newProgressBar("storing  ")
		if err := store.ImportCommunesSet(ctx, communes, *setName, level, source, cliActor(), bar.Update); err != nil {
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

// detectUnitProperties fits the property names to the file where the
// user did not name them (given), and returns the parent level: a file of
// the two-tier form of 2025 (province_code and province, no district) has
// its units' parent in the province, and its population in "population"
// when it has no "pop_2019". level is the --parent-level flag.
func detectUnitProperties(raw []byte, props *geo.CommuneProperties, given map[string]bool, level string) (string, error) {
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	has := map[string]bool{}
	if json.Unmarshal(raw, &fc) == nil {
		for _, f := range fc.Features {
			for k, v := range f.Properties {
				if v != nil {
					has[k] = true
				}
			}
		}
	}
	if !given["population"] && !has[props.Population] && has["population"] {
		props.Population = "population"
	}
	if !given["code"] && !has[props.Code] && has["code"] {
		props.Code = "code"
	}
	twoTier := !has[props.DistrictCode] && !has[props.District] && has["province_code"]
	if twoTier && !given["district-code"] && !given["district"] {
		props.DistrictCode, props.District = "province_code", "province"
	}
	switch level {
	case "auto":
		switch {
		case twoTier:
			return geo.ParentProvince, nil
		case has[props.DistrictCode] || has[props.District]:
			return geo.ParentDistrict, nil
		}
		return "", nil
	case "district", "province":
		return level, nil
	case "none":
		return "", nil
	}
	return "", fmt.Errorf("--parent-level %q: want district, province, none or auto", level)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
