package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/phusong/phusong/geo"
)

// The provider and admin commands change the database (except the lists),
// so they refuse while a service holds it; each says which API call makes
// the same change through the running service.

func cmdProviderAdd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("provider add")
	db := dbFlag(fs, "database file")
	layers := fs.String("layers", "", "comma-separated layers the provider may file: broadcast, phone, broadband, mobile")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	var ls []geo.Layer
	for _, l := range strings.Split(*layers, ",") {
		if l = strings.TrimSpace(l); l != "" {
			ls = append(ls, geo.Layer(l))
		}
	}
	if len(ls) == 0 {
		return usagef("provider add", "--layers: name at least one of broadcast, phone, broadband, mobile")
	}
	store, err := openWriter(ctx, *db, "add it through the API (POST /api/v1/providers, admin)")
	if err != nil {
		return err
	}
	defer store.Close()
	token, err := store.AddProvider(ctx, pos[0], ls, cliActor())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "provider %s added (layers %s)\ntoken (shown only once, keep it safe):\n%s\n", pos[0], *layers, token)
	return nil
}

func cmdProviderList(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("provider list")
	db := dbFlag(fs, "database file, read beside a running service")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		return err
	}
	store, err := openReader(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
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
}

func cmdProviderToken(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("provider token")
	db := dbFlag(fs, "database file")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	store, err := openWriter(ctx, *db, "issue it through the API (POST /api/v1/providers/NAME/tokens, admin)")
	if err != nil {
		return err
	}
	defer store.Close()
	token, err := store.NewProviderToken(ctx, pos[0], cliActor())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "new token for %s (earlier tokens are revoked; shown only once):\n%s\n", pos[0], token)
	return nil
}

func cmdProviderRevoke(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("provider revoke")
	db := dbFlag(fs, "database file")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	store, err := openWriter(ctx, *db, "revoke through the API (DELETE /api/v1/providers/NAME/tokens, admin)")
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := store.RevokeProvider(ctx, pos[0], cliActor())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "revoked %d token(s) of %s; its filings stay\n", n, pos[0])
	return nil
}

// cmdAdminToken issues an admin token; with --list lists them (reading,
// beside a service), with --revoke ID revokes one, with --rotate issues a
// new one and revokes every earlier one.
func cmdAdminToken(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("admin token")
	db := dbFlag(fs, "database file")
	list := fs.Bool("list", false, "list the admin tokens (id, issued, revoked), never their secrets")
	revoke := fs.Int64("revoke", 0, "revoke the admin token `ID` (the number after ps_ in the token)")
	rotate := fs.Bool("rotate", false, "issue a new admin token and revoke every earlier one")
	province := fs.String("province", "", "issue an admin token for one province (its GSO `CODE`, e.g. 25): it changes only that province's targets and remote communes")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		return err
	}
	if *province != "" && (*list || *revoke != 0 || *rotate) {
		return usagef("admin token", "--province issues a new token: not with --list, --revoke or --rotate")
	}
	chosen := 0
	for _, on := range []bool{*list, *revoke != 0, *rotate} {
		if on {
			chosen++
		}
	}
	if chosen > 1 {
		return usagef("admin token", "--list, --revoke and --rotate exclude each other")
	}
	if *list {
		return listAdminTokens(ctx, *db, stdout)
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
	case *province != "":
		token, err := store.NewProvinceAdminToken(ctx, *province, cliActor())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "admin token for province %s (shown only once, keep it safe; it may change only that province's targets and remote communes):\n%s\n", *province, token)
	default:
		token, err := store.NewAdminToken(ctx, cliActor())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "admin token (shown only once, keep it safe; earlier admin tokens still work, --rotate ends them):\n%s\n", token)
	}
	return nil
}

func listAdminTokens(ctx context.Context, db string, stdout io.Writer) error {
	store, err := openReader(ctx, db)
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
