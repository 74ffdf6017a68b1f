package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/phusong/phusong/api"
)

// maxIndicatorCSV bounds the file `import indicators` reads.
const maxIndicatorCSV = 64 << 20

// cmdImportIndicators enters the values of an indicators CSV file (the
// format of POST /api/v1/indicators/import), all or none, and lists every
// problem by line when there is one.
func cmdImportIndicators(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("import indicators")
	db := dbFlag(fs, "database file; created and seeded when new")
	source := fs.String("source", "", "the source of rows that name none (survey, report, document number)")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(f, maxIndicatorCSV+1))
	f.Close()
	if err != nil {
		return err
	}
	if len(body) > maxIndicatorCSV {
		return fmt.Errorf("%s: over %d MiB; split it\nnothing was stored", pos[0], maxIndicatorCSV>>20)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, _, snap, err := openComputed(ctx, *db, log)
	if err != nil {
		return err
	}
	defer store.Close()
	vals, err := snap.ImportValues(ctx, store, body, *source, cliActor())
	var ps api.ValueProblems
	if errors.As(err, &ps) {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %d problem(s); nothing was stored", pos[0], len(ps))
		for _, p := range ps {
			fmt.Fprintf(&b, "\n  line %d, %s (%s): %s", p.Index, p.Field, p.Code, p.Message)
		}
		return errors.New(b.String())
	}
	if err != nil {
		return err
	}
	per := map[string]int{}
	var order []string
	for _, v := range vals {
		if per[v.Indicator] == 0 {
			order = append(order, v.Indicator)
		}
		per[v.Indicator]++
	}
	fmt.Fprintf(stdout, "%d value(s) stored from %s into %s:\n", len(vals), pos[0], *db)
	for _, id := range order {
		fmt.Fprintf(stdout, "  %s: %d\n", id, per[id])
	}
	return nil
}
