package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

const providerUsage = `usage:
  phusong provider add --layers mobile,phone NAME [--db PATH]
  phusong provider list [--db PATH]
  phusong provider token NAME [--db PATH]    (new token; earlier ones are revoked)
  phusong provider revoke NAME [--db PATH]   (revoke every token of NAME)
  phusong admin token [--list | --revoke ID | --rotate] [--db PATH]`

// openExisting opens a store that must already exist (created by serve or
// import), so that a typo in --db does not make an empty database. With
// write, it opens it as the one writer (openWriter; alternative says how
// to make the change through a running service instead); otherwise to
// read, alongside a service.
func openExisting(ctx context.Context, fs *flag.FlagSet, args []string, write bool, alternative string) (*data.Store, []string, error) {
	db := fs.String("db", envOr("PHUSONG_DB", "phusong.gpkg"), "database file (env PHUSONG_DB)")
	// Accept a positional argument before or after the options.
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if write {
		store, err := openWriter(ctx, *db, alternative)
		return store, pos, err
	}
	if err := fileExists(*db); err != nil {
		return nil, nil, err
	}
	store, err := data.Open(ctx, *db)
	return store, pos, err
}

func cmdProvider(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(providerUsage)
	}
	fs := flag.NewFlagSet("provider "+args[0], flag.ContinueOnError)
	layers := fs.String("layers", "", "comma-separated layers the provider may file: broadcast, phone, broadband, mobile")
	alternative := map[string]string{
		"add":    "add it through the API (POST /api/v1/providers, admin)",
		"token":  "issue it through the API (POST /api/v1/providers/NAME/tokens, admin)",
		"revoke": "revoke through the API (DELETE /api/v1/providers/NAME/tokens, admin)",
	}[args[0]]
	store, pos, err := openExisting(ctx, fs, args[1:], args[0] != "list", alternative)
	if err != nil {
		return err
	}
	defer store.Close()
	needName := func() (string, error) {
		if len(pos) != 1 {
			return "", errors.New(providerUsage)
		}
		return pos[0], nil
	}
	switch args[0] {
	case "add":
		name, err := needName()
		if err != nil {
			return err
		}
		var ls []geo.Layer
		for _, l := range strings.Split(*layers, ",") {
			if l = strings.TrimSpace(l); l != "" {
				ls = append(ls, geo.Layer(l))
			}
		}
		token, err := store.AddProvider(ctx, name, ls, cliActor())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "provider %s added (layers %s)\ntoken (shown only once, keep it safe):\n%s\n", name, *layers, token)
	case "list":
		ps, err := store.Providers(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "NAME\tLAYERS\tACTIVE TOKENS\tCREATED")
		for _, p := range ps {
			ls := make([]string, len(p.Layers))
			for i, l := range p.Layers {
				ls[i] = string(l)
			}
			fmt.Fprintf(w, "%s\t%s\t%d\t%s\n", p.Name, strings.Join(ls, ","), p.Tokens, p.CreatedAt)
		}
		return w.Flush()
	case "token":
		name, err := needName()
		if err != nil {
			return err
		}
		token, err := store.NewProviderToken(ctx, name, cliActor())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "new token for %s (earlier tokens are revoked; shown only once):\n%s\n", name, token)
	case "revoke":
		name, err := needName()
		if err != nil {
			return err
		}
		n, err := store.RevokeProvider(ctx, name, cliActor())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked %d token(s) of %s; its filings stay\n", n, name)
	default:
		return errors.New(providerUsage)
	}
	return nil
}

func cmdAdminToken(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("admin token", flag.ContinueOnError)
	list := fs.Bool("list", false, "list the admin tokens (id, issued, revoked), never their secrets")
	revoke := fs.Int64("revoke", 0, "revoke the admin token `ID` (the number after ps_ in the token)")
	rotate := fs.Bool("rotate", false, "issue a new admin token and revoke every earlier one")
	// The flags are read after parsing, so the store is opened by hand.
	db := fs.String("db", envOr("PHUSONG_DB", "phusong.gpkg"), "database file (env PHUSONG_DB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	chosen := 0
	for _, on := range []bool{*list, *revoke != 0, *rotate} {
		if on {
			chosen++
		}
	}
	if chosen > 1 || fs.NArg() > 0 {
		return errors.New("usage: phusong admin token [--list | --revoke ID | --rotate] [--db PATH]")
	}
	if *list {
		if err := fileExists(*db); err != nil {
			return err
		}
		store, err := data.Open(ctx, *db)
		if err != nil {
			return err
		}
		defer store.Close()
		tokens, err := store.AdminTokens(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tISSUED\tREVOKED")
		for _, t := range tokens {
			revoked := t.RevokedAt
			if revoked == "" {
				revoked = "- (active)"
			}
			fmt.Fprintf(w, "%d\t%s\t%s\n", t.ID, t.CreatedAt, revoked)
		}
		return w.Flush()
	}
	store, err := openWriter(ctx, *db, "")
	if err != nil {
		return err
	}
	defer store.Close()
	switch {
	case *revoke != 0:
		if err := store.RevokeAdminToken(ctx, *revoke, cliActor()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "admin token %d revoked\n", *revoke)
	case *rotate:
		token, n, err := store.RotateAdminTokens(ctx, cliActor())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d earlier admin token(s) revoked; the new admin token (shown only once, keep it safe):\n%s\n", n, token)
	default:
		token, err := store.NewAdminToken(ctx, cliActor())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "admin token (shown only once, keep it safe; earlier admin tokens still work, --rotate ends them):\n%s\n", token)
	}
	return nil
}
