package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/phusong/phusong/data"
)

func cmdBackup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("backup")
	db := dbFlag(fs, "database file, read beside a running service")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	store, err := openReader(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Backup(ctx, pos[0]); err != nil {
		return err
	}
	info, err := data.CheckCopy(ctx, pos[0])
	if err != nil {
		return fmt.Errorf("the backup was written but does not check: %w", err)
	}
	fmt.Fprintf(stdout, "backed up %s to %s: %d communes, %d filings, schema %d; integrity ok\n",
		store.Path(), pos[0], info.Communes, info.Filings, info.SchemaVersion)
	return nil
}

func cmdRestore(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("restore")
	db := dbFlag(fs, "database file to replace")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	file := pos[0]
	info, err := data.Restore(ctx, file, *db, cliActor())
	if errors.Is(err, data.ErrLocked) {
		return explainLocked(err, *db, "")
	}
	if err != nil {
		return fmt.Errorf("restore %s: %w\nnothing was changed", file, err)
	}
	fmt.Fprintf(stdout, "restored %s from %s: %d communes, %d filings, schema %d\n", *db, file, info.Communes, info.Filings, info.SchemaVersion)
	return nil
}
