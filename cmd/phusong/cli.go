package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// The command line is the standard flag package with one shared helper,
// parseArgs, that reads options wherever they stand among the positional
// arguments and refuses anything a command does not take. A CLI library
// (cobra, kong, urfave/cli) would bring the same and shell completion, but
// also a dependency and, for cobra and urfave, pflag-style options that
// break the single-dash forms (-db, -o) that scripts use today; fourteen
// commands of a few options each do not need it.

// command is one subcommand of phusong.
type command struct {
	name     string // as typed: "serve", "import communes"
	synopsis string // the arguments, for the usage line
	summary  string // what it does, for phusong help
	run      func(ctx context.Context, env env, args []string) error
}

// env is what a command writes to.
type env struct {
	stdout, stderr io.Writer
	log            *slog.Logger
}

// commands lists every command, in the order phusong help shows them.
func commands() []command {
	return []command{
		{"serve", "[--addr HOST:PORT] [--db PATH] [--no-demo] [--cell-size M] [--write-rate N] [--read-header-timeout D] [--cors-origin URL] [--basemap-url URL | --basemap FILE.pmtiles]",
			"Run the service. Creates and seeds the database on first start (Hòa Bình, 2019 census,\n" +
				"with demonstration filings unless --no-demo), and holds it while it runs.",
			func(ctx context.Context, e env, args []string) error { return cmdServe(ctx, args, e.log) }},
		{"import communes", "FILE.geojson [--db PATH] [--new-set [--valid-from YYYY-MM-DD] [--set-name NAME]] [--parent-level L] [--code P] [--name P] [--district P] [--district-code P] [--type P] [--population P] [--no-demo]",
			"Update commune boundaries matched by code, or with --new-set replace every unit\n" +
				"set by this one (e.g. every commune of Vietnam), or with --new-set --valid-from\n" +
				"add it beside the others, in force from that date (e.g. the units of 1 July 2025).",
			func(ctx context.Context, e env, args []string) error { return cmdImportCommunes(ctx, args, e.stdout) }},
		{"import population", "FILE.tif [--db PATH] [--source TEXT] [--name NAME] | --none [--db PATH]",
			"Place each commune's census people with a population grid (a GeoTIFF of people\n" +
				"per pixel in EPSG:4326, e.g. WorldPop's), keeping each commune's total; or with\n" +
				"--none spread them evenly again. Recomputes and prints how the figures moved.",
			func(ctx context.Context, e env, args []string) error { return cmdImportPopulation(ctx, args, e.stdout) }},
		{"import indicators", "FILE.csv [--db PATH] [--source TEXT]",
			"Enter indicator values from a CSV file (indicator, as_of, unit_code, value or\n" +
				"numerator and denominator, source; English or Vietnamese headers), all or none:\n" +
				"every problem is listed by line and nothing is stored if there is one.",
			func(ctx context.Context, e env, args []string) error { return cmdImportIndicators(ctx, args, e.stdout) }},
		{"import remote", "FILE.csv [--db PATH] [--column NAME]",
			"Mark exactly the communes listed (by GSO code) as remote (vùng sâu, vùng xa),\n" +
				"replacing the default approximation.",
			func(ctx context.Context, e env, args []string) error { return cmdImportRemote(ctx, args, e.stdout) }},
		{"sets list", "[--db PATH]",
			"List the unit sets (versions of the administrative units) with the dates they are\n" +
				"in force, their units and parent level.",
			func(ctx context.Context, e env, args []string) error { return cmdSetsList(ctx, args, e.stdout) }},
		{"demo remove", "[--db PATH]",
			"Delete every demonstration filing, and nothing else.",
			func(ctx context.Context, e env, args []string) error { return cmdDemoRemove(ctx, args, e.stdout) }},
		{"recompute", "[--db PATH] [--no-demo] [--cell-size M]",
			"Recompute and store the coverage figures and print the province's.",
			func(ctx context.Context, e env, args []string) error { return cmdRecompute(ctx, args, e.stdout, e.log) }},
		{"provider add", "NAME --layers L1,L2 [--db PATH]",
			"Add a provider who may file the layers named, and print its token once.",
			func(ctx context.Context, e env, args []string) error { return cmdProviderAdd(ctx, args, e.stdout) }},
		{"provider list", "[--db PATH]",
			"List the providers, their layers and how many active tokens each has.",
			func(ctx context.Context, e env, args []string) error { return cmdProviderList(ctx, args, e.stdout) }},
		{"provider token", "NAME [--db PATH]",
			"Issue a new token for a provider; its earlier tokens are revoked.",
			func(ctx context.Context, e env, args []string) error { return cmdProviderToken(ctx, args, e.stdout) }},
		{"provider revoke", "NAME [--db PATH]",
			"Revoke every token of a provider; its filings stay.",
			func(ctx context.Context, e env, args []string) error { return cmdProviderRevoke(ctx, args, e.stdout) }},
		{"admin token", "[--list | --revoke ID | --rotate] [--db PATH]",
			"Issue an admin token (manages providers and targets over the API); list the admin\n" +
				"tokens; revoke one by its ID (the number after ps_); or issue a new one and\n" +
				"revoke every earlier one.",
			func(ctx context.Context, e env, args []string) error { return cmdAdminToken(ctx, args, e.stdout) }},
		{"backup", "FILE [--db PATH]",
			"Write a consistent copy of the database and check it, also while the service runs.",
			func(ctx context.Context, e env, args []string) error { return cmdBackup(ctx, args, e.stdout) }},
		{"restore", "FILE [--db PATH]",
			"Check a copy (integrity, schema) and put it in place of the database; stop the\n" +
				"service first.",
			func(ctx context.Context, e env, args []string) error { return cmdRestore(ctx, args, e.stdout) }},
		{"export", "--layer L --format gpkg|geojson|csv|kml [--as-of YYYY-MM-DD] [-o FILE] [--db PATH] [--cell-size M]",
			"Write a layer's figures per commune to a file (default: standard output), with\n" +
				"the date, the method and the source of the data.",
			func(ctx context.Context, e env, args []string) error { return cmdExport(ctx, args, e.stdout) }},
		{"version", "",
			"Print the version, the commit and the Go version of this program.",
			func(ctx context.Context, e env, args []string) error { return cmdVersion(args, e.stdout) }},
	}
}

// lookup finds the command that args start with, and the rest of args. A
// first word that only starts commands ("import", "provider") without a
// second that completes one is found as a group, with cmd nil.
func lookup(args []string) (cmd *command, group string, rest []string) {
	cs := commands()
	for i := range cs {
		words := strings.Fields(cs[i].name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == cs[i].name {
			return &cs[i], "", args[len(words):]
		}
	}
	if len(args) > 0 {
		for _, c := range cs {
			if strings.HasPrefix(c.name, args[0]+" ") {
				return nil, args[0], args[1:]
			}
		}
	}
	return nil, "", args
}

// commandNamed returns the command called name; every flag set is named
// after one.
func commandNamed(name string) command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return command{name: name}
}

// newFlags makes the flag set of the command called name. It prints
// nothing itself: parseArgs turns its errors into usage errors and -h into
// a request for the command's help.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// dbFlag defines the --db option that every command but version has.
func dbFlag(fs *flag.FlagSet, doc string) *string {
	return fs.String("db", envOr("PHUSONG_DB", "phusong.gpkg"), doc+" (env PHUSONG_DB)")
}

// parseArgs parses args with fs, options and positional arguments in any
// order, and returns the positional arguments, of which there must be from
// min to max. The flag package alone stops at the first positional
// argument, so "FILE --new-set" silently ignored --new-set; here every
// argument is either an option fs knows, the value of one, or a positional
// argument, and anything else is a usage error. "--" ends the options.
func parseArgs(fs *flag.FlagSet, args []string, min, max int) ([]string, error) {
	var opts, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		opts = append(opts, a)
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue // unknown: fs.Parse says so
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			opts = append(opts, args[i+1])
			i++
		}
	}
	if err := fs.Parse(opts); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, &helpRequest{fs: fs}
		}
		return nil, &usageError{cmd: fs.Name(), err: err}
	}
	switch {
	case len(pos) > max:
		return nil, &usageError{cmd: fs.Name(), err: fmt.Errorf("unexpected argument %q", pos[max])}
	case len(pos) < min:
		return nil, &usageError{cmd: fs.Name(), err: fmt.Errorf("missing %s", placeholder(fs.Name(), len(pos)))}
	}
	return pos, nil
}

// placeholder names the i-th positional argument of the command called
// name, as its synopsis writes it ("FILE.geojson", "NAME").
func placeholder(name string, i int) string {
	depth := 0 // inside [optional parts]
	for _, w := range strings.Fields(commandNamed(name).synopsis) {
		optional := depth > 0 || strings.HasPrefix(w, "[")
		depth += strings.Count(w, "[") - strings.Count(w, "]")
		if optional || strings.HasPrefix(w, "-") {
			continue
		}
		if i == 0 {
			return w
		}
		i--
	}
	return "argument"
}

// usageError is a command line that a command does not take: phusong
// prints it with the command's usage line and exits with status 2.
type usageError struct {
	cmd string // "" for phusong itself
	err error
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef makes a usage error of the command cmd.
func usagef(cmd, format string, args ...any) error {
	return &usageError{cmd: cmd, err: fmt.Errorf(format, args...)}
}

// helpRequest is -h or --help: phusong prints the command's help on
// standard output and exits with status 0.
type helpRequest struct{ fs *flag.FlagSet }

func (h *helpRequest) Error() string { return "help requested" }
func (h *helpRequest) Unwrap() error { return flag.ErrHelp }

// printHelp writes a command's usage line, summary and options.
func printHelp(w io.Writer, c command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: phusong %s\n\n%s\n", strings.TrimSpace(c.name+" "+c.synopsis), c.summary)
	if fs == nil {
		return
	}
	has := false
	fs.VisitAll(func(*flag.Flag) { has = true })
	if has {
		fmt.Fprintln(w, "\noptions:")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}

// printUsage writes the list of commands.
func printUsage(w io.Writer) {
	fmt.Fprint(w, "Phủ Sóng — infrastructure coverage maps for a province.\n\nUsage:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  phusong %s\n", strings.TrimSpace(c.name+" "+c.synopsis))
		for _, line := range strings.Split(c.summary, "\n") {
			fmt.Fprintf(w, "      %s\n", line)
		}
	}
	fmt.Fprint(w, `  phusong help [COMMAND]
      This list, or a command's usage and options (as phusong COMMAND --help).

Options may come before, between or after a command's arguments; "--" ends them.
Environment: PHUSONG_ADDR (default 127.0.0.1:8080), PHUSONG_DB (default ./phusong.gpkg).
`)
}
