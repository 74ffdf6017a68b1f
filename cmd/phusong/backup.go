package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/phusong/phusong/data"
)

func cmdBackup(ctx context.Context, args []string, stdout io.Writer) error {
	store, pos, err := openExisting(ctx, flag.NewFlagSet("backup", flag.ContinueOnError), args, false, "")
	if err != nil {
		return err
	}
	defer store.Close()
	if len(pos) != 1 {
		return errors.New("usage: phusong backup FILE [--db PATH]")
	}
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
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	db := fs.String("db", envOr("PHUSONG_DB", "phusong.gpkg"), "database file to replace (env PHUSONG_DB)")
	var file string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if file == "" {
		return errors.New("usage: phusong restore FILE [--db PATH]")
	}
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
