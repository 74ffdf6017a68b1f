package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
)

// cmdSetsList prints the unit sets of a database, earliest first, with the
// dates they are in force.
func cmdSetsList(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("sets list")
	db := dbFlag(fs, "database file")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		return err
	}
	store, err := openReader(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	sets, err := store.UnitSets(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tIN FORCE\tUNITS\tPARENT\tOWN POPULATION\tSOURCE")
	for _, u := range sets {
		fmt.Fprintf(tw, "%d\t%s\t%s – %s\t%d\t%s\t%d\t%s\n", u.ID, u.Name, orText(u.ValidFrom, "ever"), orText(u.ValidTo, "today"),
			u.Units, orNone(u.ParentLevel), u.OwnPeople, u.Source)
	}
	return tw.Flush()
}

func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
