// Command filing turns an operator's part of a scenario file of
// ../shared/data/scenarios into a Phủ Sóng filing (a FeatureCollection with
// layer and as_of), for the ingest benchmark.
//
//	go run ./bench/filing -operator viettel -as-of 2026-01-01 SCENARIO.geojson[.gz] > filing.geojson
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	operator := flag.String("operator", "viettel", "the operator whose footprints to file")
	asOf := flag.String("as-of", "2026-01-01", "the filing's as_of")
	flag.Parse()
	if err := run(flag.Arg(0), *operator, *asOf, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "filing:", err)
		os.Exit(1)
	}
}

func run(path, operator, asOf string, out io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		r = zr
	}
	var fc struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.NewDecoder(r).Decode(&fc); err != nil {
		return err
	}
	w := bufio.NewWriter(out)
	fmt.Fprintf(w, `{"type":"FeatureCollection","layer":"mobile","as_of":%q,"features":[`, asOf)
	n := 0
	for _, raw := range fc.Features {
		var ft struct {
			Properties struct {
				Operator string `json:"operator"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(raw, &ft); err != nil {
			return err
		}
		if ft.Properties.Operator != operator {
			continue
		}
		if n > 0 {
			w.WriteByte(',')
		}
		w.Write(raw)
		n++
	}
	w.WriteString("]}\n")
	if n == 0 {
		return fmt.Errorf("no footprint of operator %q in %s", operator, path)
	}
	fmt.Fprintf(os.Stderr, "filing: %d footprints of %s\n", n, operator)
	return w.Flush()
}
