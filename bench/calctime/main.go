// Command calctime times Phủ Sóng's calculator, geo.Surface.Compute with
// every layer and breakdown, on a communes file and a scenario of
// footprints, and writes the per-commune figures of the mobile layer to a
// CSV file. bench/postgis.sh runs it beside PostGIS in the same run, so that
// both sides are timed on the same machine under the same load.
//
// Usage:
//
//	calctime -communes FILE -footprints FILE [-code commune_id …] [-runs 7] [-stdin] [-figures out.csv]
//
// It prints one fact a line, "name value…", for the script to read:
//
//	surface_ms 2104.1                 NewSurface, once (the service does it at start-up)
//	ready                             loaded, warmed up and -runs Computes timed
//	batch_ms 371.0 366.2 402.9        with -stdin: the times of the n Computes a line "n" asked for
//	runs 13                           at the end (with -stdin, at the end of its input):
//	compute_ms 381.2                  the median of every timed Compute
//	compute_ms_min 352.0
//	compute_ms_max 450.7
//	compute_cpu_ms 690.3              median CPU time (user + system, all threads) of a Compute
//	province all 89387989 88110000 0.985700   key, people, people covered, share
//	largest viettel                   the provider the "largest" breakdown picked
//
// With -stdin the process stays loaded and times more Computes whenever a
// line asks, so that the script can interleave them with the PostGIS queries
// and both sides meet the same load from whatever else the machine runs.
package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/stream"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "calctime:", err)
		os.Exit(1)
	}
}

func run(args []string, in io.Reader, out io.Writer) error {
	props := geo.DefaultCommuneProperties()
	fs := flag.NewFlagSet("calctime", flag.ContinueOnError)
	communesPath := fs.String("communes", "", "GeoJSON FeatureCollection of communes")
	footprintsPath := fs.String("footprints", "", "GeoJSON FeatureCollection of footprints (properties operator, technology); .gz is gunzipped")
	fs.StringVar(&props.Code, "code", props.Code, "commune property holding the code")
	fs.StringVar(&props.Name, "name", props.Name, "commune property holding the name")
	fs.StringVar(&props.DistrictCode, "district-code", props.DistrictCode, "commune property holding the district code")
	fs.StringVar(&props.District, "district", props.District, "commune property holding the district name")
	fs.StringVar(&props.Population, "pop", props.Population, "commune property holding the census population (null counts as 0)")
	runs := fs.Int("runs", 7, "timed Computes after one warm-up; the median is reported")
	stdin := fs.Bool("stdin", false, "then time n more Computes for each line \"n\" on standard input")
	figuresPath := fs.String("figures", "", "write the mobile layer's per-commune figures here (CSV)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *communesPath == "" || *footprintsPath == "" || *runs < 1 {
		return errors.New("-communes and -footprints are required, and -runs must be at least 1")
	}

	communes, err := readCommunes(*communesPath, props)
	if err != nil {
		return err
	}
	fps, err := readFootprints(*footprintsPath)
	if err != nil {
		return err
	}
	start := time.Now()
	s, err := geo.NewSurface(communes, geo.SurfaceOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "communes %d\nfootprints %d\npeople %d\n", len(communes), len(fps), s.Total())
	fmt.Fprintf(out, "surface_ms %.1f\n", ms(time.Since(start)))

	opt := geo.DefaultOptions()
	res, err := s.Compute(fps, nil, opt) // warm-up: the first run pays for page faults
	if err != nil {
		return err
	}
	var times, cpus []time.Duration
	timeRuns := func(n int) ([]time.Duration, error) {
		batch := make([]time.Duration, n)
		for i := range batch {
			start, cpu0 := time.Now(), cpuTime()
			if res, err = s.Compute(fps, nil, opt); err != nil {
				return nil, err
			}
			batch[i] = time.Since(start)
			cpus = append(cpus, cpuTime()-cpu0)
		}
		times = append(times, batch...)
		return batch, nil
	}
	if _, err := timeRuns(*runs); err != nil {
		return err
	}
	fmt.Fprintln(out, "ready")
	if *stdin {
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			n, err := strconv.Atoi(strings.TrimSpace(sc.Text()))
			if err != nil || n < 1 || n > 1000 {
				return fmt.Errorf("standard input: %q is not a count of runs (1–1000)", sc.Text())
			}
			batch, err := timeRuns(n)
			if err != nil {
				return err
			}
			line := "batch_ms"
			for _, t := range batch {
				line += fmt.Sprintf(" %.1f", ms(t))
			}
			fmt.Fprintln(out, line)
		}
		if err := sc.Err(); err != nil {
			return err
		}
	}
	slices.Sort(times)
	slices.Sort(cpus)
	fmt.Fprintf(out, "runs %d\ncompute_ms %.1f\ncompute_ms_min %.1f\ncompute_ms_max %.1f\ncompute_cpu_ms %.1f\n",
		len(times), ms(median(times)), ms(times[0]), ms(times[len(times)-1]), ms(median(cpus)))

	mobile := res.Layer(geo.Mobile)
	for _, b := range mobile.Breakdowns {
		p := b.Province
		fmt.Fprintf(out, "province %s %d %.1f %.6f\n", b.Key, p.Population, p.Covered, p.Share)
	}
	fmt.Fprintf(out, "largest %s\n", mobile.Breakdown(geo.KindLargest).Value)
	if *figuresPath != "" {
		return writeFigures(*figuresPath, mobile)
	}
	return nil
}

// cpuTime is the CPU time the process has used so far, user and system, in
// all its threads; 0 where getrusage fails.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// median of sorted durations; the mean of the two middle ones for an even
// count.
func median(sorted []time.Duration) time.Duration {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func readCommunes(path string, props geo.CommuneProperties) ([]geo.Commune, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cs, _, err := geo.ReadCommunes(f, props, true, path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cs, nil
}

// readFootprints decodes a scenario's features one at a time, so that the
// national file (about 100 MB of text) never sits in memory whole. Every
// footprint is a mobile one; its provider is the "operator" property.
func readFootprints(path string) ([]geo.Footprint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := stream.Uncompressed(f, path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var fps []geo.Footprint
	err = stream.Features(r, func(_ int, feat *geojson.Feature) error {
		var mp orb.MultiPolygon
		switch g := feat.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			return fmt.Errorf("geometry %T is not polygonal", feat.Geometry)
		}
		fps = append(fps, geo.Footprint{
			Provider:   feat.Properties.MustString("operator", ""),
			Layer:      geo.Mobile,
			Technology: feat.Properties.MustString("technology", ""),
			Geometry:   mp,
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return fps, nil
}

// writeFigures writes breakdown,code,population,covered,share for the
// breakdowns PostGIS computes too: all, multi and each provider.
func writeFigures(path string, lr *geo.LayerResult) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"breakdown", "code", "population", "covered", "share"})
	for _, b := range lr.Breakdowns {
		if b.Kind != geo.KindAll && b.Kind != geo.KindMulti && b.Kind != geo.KindProvider {
			continue
		}
		for _, c := range b.Communes {
			_ = w.Write([]string{b.Key, c.Code, strconv.Itoa(c.Population),
				strconv.FormatFloat(c.Covered, 'f', 3, 64), strconv.FormatFloat(c.Share, 'f', 8, 64)})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
