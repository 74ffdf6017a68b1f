package main

import (
	"context"
	"fmt"
	"io"
)

func cmdDemoRemove(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("demo remove")
	db := dbFlag(fs, "database file")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
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
