// Command phusong is Phủ Sóng, an infrastructure coverage mapping service:
// it serves commune-level coverage layers and figures from one SQLite
// (GeoPackage) file. Run "phusong help" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `Phủ Sóng — infrastructure coverage maps for a province.

Usage:
  phusong serve [--addr HOST:PORT] [--db PATH] [--no-demo] [--cell-size M] [--basemap-url URL]
      Run the service. Creates and seeds the database on first start
      (Hòa Bình, 2019 census, with demonstration filings unless --no-demo).
  phusong import communes FILE.geojson [--db PATH] [--new-set] [--code P] [--name P]
      [--district P] [--district-code P] [--type P] [--population P] [--no-demo]
      Update commune boundaries matched by code, or with --new-set replace the
      whole commune set (e.g. every commune of Vietnam).
  phusong import remote FILE.csv [--db PATH] [--column code]
      Mark exactly the communes listed (by GSO code) as remote (vùng sâu, vùng
      xa), replacing the default approximation.
  phusong demo remove [--db PATH]
      Delete every demonstration filing, and nothing else.
  phusong recompute [--db PATH]
      Recompute the coverage figures and print the province's.
  phusong provider add --layers mobile,phone NAME | list | token NAME | revoke NAME
      Manage the providers who file coverage, and their bearer tokens.
  phusong admin token [--list | --revoke ID | --rotate]
      Issue an admin token (manages providers and targets over the API), list
      them, revoke one, or issue a new one and revoke every earlier one.
  phusong backup FILE [--db PATH]
      Write a consistent copy of the database, also while the service runs.
  phusong restore FILE [--db PATH]
      Check a copy (integrity, schema) and put it in place; stop the service first.
  phusong export --layer L --format gpkg|geojson|csv|kml [--as-of YYYY-MM-DD] [-o FILE] [--db PATH]
      Write a layer's figures per commune to a file (default: standard output),
      with the date, the method and the source of the data.

Environment: PHUSONG_ADDR (default 127.0.0.1:8080), PHUSONG_DB (default ./phusong.gpkg).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "phusong:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return errors.New("missing command")
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], log)
	case "import":
		switch {
		case len(args) >= 2 && args[1] == "communes":
			return cmdImportCommunes(ctx, args[2:], stdout)
		case len(args) >= 2 && args[1] == "remote":
			return cmdImportRemote(ctx, args[2:], stdout)
		}
		return errors.New(`usage: phusong import communes FILE.geojson [options] | phusong import remote FILE.csv [options]`)
	case "demo":
		if len(args) < 2 || args[1] != "remove" {
			return errors.New("usage: phusong demo remove [--db PATH]")
		}
		return cmdDemoRemove(ctx, args[2:], stdout)
	case "provider":
		return cmdProvider(ctx, args[1:], stdout)
	case "admin":
		if len(args) < 2 || args[1] != "token" {
			return errors.New("usage: phusong admin token [--db PATH]")
		}
		return cmdAdminToken(ctx, args[2:], stdout)
	case "backup":
		return cmdBackup(ctx, args[1:], stdout)
	case "restore":
		return cmdRestore(ctx, args[1:], stdout)
	case "recompute":
		return cmdRecompute(ctx, args[1:], stdout, log)
	case "export":
		return cmdExport(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// fileExists says clearly when a database that must exist does not.
func fileExists(path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("--db %s: no such database (start the service once, or give --db)", path)
	}
	return nil
}
