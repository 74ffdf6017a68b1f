// Command filing turns an operator's part of a scenario file of
// ../shared/data/scenarios into a Phủ Sóng filing (a FeatureCollection with
// layer and as_of), for the ingest benchmark; with -operator all, every
// operator's footprints, and with -max-bytes, the first ones that fit in
// that many bytes (the large filings of bench/heavy_filings.sh).
//
//	go run ./bench/filing -operator viettel -as-of 2026-01-01 SCENARIO.geojson[.gz] > filing.geojson
//	go run ./bench/filing -operator all -max-bytes 51000000 SCENARIO.geojson[.gz] > filing.geojson
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
	operator := flag.String("operator", "viettel", "the operator whose footprints to file, or all")
	asOf := flag.String("as-of", "2026-01-01", "the filing's as_of")
	maxBytes := flag.Int("max-bytes", 0, "stop before the filing passes this size (0: no limit)")
	flag.Parse()
	if err := run(flag.Arg(0), *operator, *asOf, *maxBytes, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "filing:", err)
		os.Exit(1)
	}
}

func run(path, operator, asOf string, maxBytes int, out io.Writer) error {
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
	head := fmt.Sprintf(`{"type":"FeatureCollection","layer":"mobile","as_of":%q,"features":[`, asOf)
	w.WriteString(head)
	const tail = "]}\n"
	n, size := 0, len(head)+len(tail)
	for _, raw := range fc.Features {
		var ft struct {
			Properties struct {
				Operator string `json:"operator"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(raw, &ft); err != nil {
			return err
		}
		if operator != "all" && ft.Properties.Operator != operator {
			continue
		}
		if maxBytes > 0 && size+len(raw)+1 > maxBytes {
			break
		}
		if n > 0 {
			w.WriteByte(',')
			size++
		}
		w.Write(raw)
		size += len(raw)
		n++
	}
	w.WriteString(tail)
	if n == 0 {
		return fmt.Errorf("no footprint of operator %q in %s", operator, path)
	}
	fmt.Fprintf(os.Stderr, "filing: %d footprints of %s, %d bytes\n", n, operator, size)
	return w.Flush()
}
