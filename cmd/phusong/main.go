// Command phusong is Phủ Sóng, an infrastructure coverage mapping service:
// it serves commune-level coverage layers and figures from one SQLite
// (GeoPackage) file. Run "phusong help" for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/phusong/phusong/data"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

// exit reports err and returns the exit status: 0, 2 for a command line a
// command does not take (with its usage line), 1 for any other failure.
func exit(err error, stderr io.Writer) int {
	var u *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u):
		fmt.Fprintf(stderr, "phusong: %v\n", u.err)
		if u.cmd == "" {
			fmt.Fprint(stderr, "usage: phusong COMMAND [ARGUMENTS] [OPTIONS]; run phusong help for the commands\n")
			return 2
		}
		c := commandNamed(u.cmd)
		fmt.Fprintf(stderr, "usage: phusong %s\nrun phusong %s --help for the options\n", strings.TrimSpace(c.name+" "+c.synopsis), c.name)
		return 2
	default:
		fmt.Fprintln(stderr, "phusong:", err)
		return 1
	}
}

// run runs the command that args name.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	e := env{stdout: stdout, stderr: stderr, log: slog.New(slog.NewTextHandler(stderr, nil))}
	if len(args) == 0 {
		printUsage(stderr)
		return &usageError{err: errors.New("missing command")}
	}
	switch args[0] {
	case "help", "-h", "--help":
		if len(args) > 1 && args[0] == "help" {
			// phusong help import communes = phusong import communes --help
			return run(ctx, append(append([]string{}, args[1:]...), "--help"), stdout, stderr)
		}
		printUsage(stdout)
		return nil
	case "--version", "-version":
		return cmdVersion(args[1:], stdout)
	}
	cmd, group, rest := lookup(args)
	if cmd == nil {
		if group != "" {
			var names []string
			for _, c := range commands() {
				if strings.HasPrefix(c.name, group+" ") {
					names = append(names, "phusong "+c.name)
				}
			}
			return &usageError{err: fmt.Errorf("%s what? one of: %s", group, strings.Join(names, ", "))}
		}
		return &usageError{err: fmt.Errorf("unknown command %q", args[0])}
	}
	err := cmd.run(ctx, e, rest)
	var h *helpRequest
	if errors.As(err, &h) {
		printHelp(stdout, *cmd, h.fs)
		return nil
	}
	return err
}

// linkedCommit is the commit the binary was built from, set by make build
// with -ldflags "-X main.linkedCommit=…" for builds that record no VCS
// information: this project's machines set GOFLAGS=-buildvcs=false, and go
// records none in a git worktree. It is "" otherwise.
var linkedCommit string

// cmdVersion prints the program's version.
func cmdVersion(args []string, stdout io.Writer) error {
	if _, err := parseArgs(newFlags("version"), args, 0, 0); err != nil {
		return err
	}
	bi, _ := debug.ReadBuildInfo()
	fmt.Fprintln(stdout, versionLine(bi, linkedCommit))
	return nil
}

// versionLine says the module version (a tag, or a pseudo-version with the
// commit's date and hash; "(devel)" for a build from a work tree), the
// commit with its time and whether the tree had uncommitted changes, as
// the build recorded them (or linked, when it recorded none), and the Go
// version. bi may be nil.
func versionLine(bi *debug.BuildInfo, linked string) string {
	version, commit, at, modified := "(unknown)", "", "", false
	if bi != nil {
		version = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if commit == "" {
		commit = linked
	}
	var b strings.Builder
	fmt.Fprintf(&b, "phusong %s", version)
	if commit != "" {
		fmt.Fprintf(&b, " (commit %s", commit)
		if at != "" {
			fmt.Fprintf(&b, ", %s", at)
		}
		if modified {
			b.WriteString(", with uncommitted changes")
		}
		b.WriteString(")")
	}
	fmt.Fprintf(&b, " built with %s", runtime.Version())
	return b.String()
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// fileExists says clearly when a database file that must exist does not;
// a PostgreSQL database is checked by connecting to it.
func fileExists(path string) error {
	if data.IsPostgres(path) {
		return nil
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("--db %s: no such database (start the service once, or give --db)", path)
	}
	return nil
}
