package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

func cmdDemoRemove(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo remove", flag.ContinueOnError)
	db := fs.String("db", envOr("PHUSONG_DB", "phusong.gpkg"), "database file (env PHUSONG_DB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := openWriter(ctx, *db, "")
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := store.RemoveDemo(ctx, cliActor())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "removed %d demonstration filings from %s\n", n, *db)
	return nil
}
