package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// exitCode is the exit status of a finished command (0 when err is nil).
func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if err == nil {
		return 0
	}
	if !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return ee.ExitCode()
}

// TestE2E_OptionsAnywhere: options are read wherever they stand, before,
// between or after the positional arguments, as the command line
// wrote them: before, every option after FILE was ignored and the import
// reported a missing code for every feature.
func TestE2E_OptionsAnywhere(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.gpkg")
	file := filepath.Join(dir, "set.geojson")
	square := `{"type":"Polygon","coordinates":[[[105.3,20.8],[105.4,20.8],[105.4,20.9],[105.3,20.8]]]}`
	os.WriteFile(file, []byte(`{"type":"FeatureCollection","features":[`+
		`{"type":"Feature","properties":{"code":"00001","nm":"A","dist":"D","pop":10},"geometry":`+square+`},`+
		`{"type":"Feature","properties":{"code":"00002","nm":"B","dist":"D","pop":20},"geometry":`+square+`}]}`), 0o644)
	out, err := runCLI(t, "import", "communes", "--db", db, file, "--new-set", "--code", "code", "--name", "nm",
		"--district", "dist", "--population", "pop", "--type", "", "--district-code", "dist", "--no-demo")
	if err != nil || !strings.Contains(out, "loaded a new commune set of 2 communes") {
		t.Fatalf("import communes with options after FILE: %v\n%s", err, out)
	}
	list := filepath.Join(dir, "remote.csv")
	os.WriteFile(list, []byte("ma\n00002\n"), 0o644)
	for _, args := range [][]string{
		{"import", "remote", "--column", "ma", list, "--db", db},
		{"provider", "add", "--db", db, "viettel", "--layers", "mobile"},
		{"provider", "token", "--db", db, "viettel"},
		{"backup", "--db", db, filepath.Join(dir, "b.gpkg")},
		{"restore", "--db", db, filepath.Join(dir, "b.gpkg")},
	} {
		if out, err := runCLI(t, args...); err != nil {
			t.Errorf("phusong %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// TestE2E_LeftoverArgumentsRefused: what a command does not take is a usage
// error (exit status 2) that names it, for every command, and nothing runs.
func TestE2E_LeftoverArgumentsRefused(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.gpkg")
	newDatabase(t, db, "--no-demo")
	for _, args := range [][]string{
		{"serve", "--addr", freeAddr(t), "--db", db, "stray"},
		{"import", "communes", "a.geojson", "stray", "--db", db},
		{"import", "remote", "a.csv", "stray", "--db", db},
		{"demo", "remove", "stray", "--db", db},
		{"recompute", "--db", db, "stray"},
		{"provider", "add", "--layers", "mobile", "a", "stray", "--db", db},
		{"provider", "list", "stray", "--db", db},
		{"provider", "token", "a", "stray", "--db", db},
		{"provider", "revoke", "a", "stray", "--db", db},
		{"admin", "token", "stray", "--db", db},
		{"backup", filepath.Join(dir, "b.gpkg"), "stray", "--db", db},
		{"restore", filepath.Join(dir, "b.gpkg"), "stray", "--db", db},
		{"export", "--layer", "mobile", "--format", "csv", "stray", "--db", db},
		{"version", "stray"},
	} {
		out, err := runCLITimeout(t, 30*time.Second, args...)
		if code := exitCode(t, err); code != 2 || !strings.Contains(out, `unexpected argument "stray"`) || !strings.Contains(out, "usage: phusong "+args[0]) {
			t.Errorf("phusong %s: exit %d\n%s", strings.Join(args, " "), code, out)
		}
	}
	for _, args := range [][]string{
		{"demo", "remove", "--nope", "--db", db},
		{"import", "communes", "--db", db},
		{"provider", "add", "--db", db},
		{"import", "nothing"},
		{"nothing"},
	} {
		out, err := runCLI(t, args...)
		if code := exitCode(t, err); code != 2 || !strings.Contains(out, "usage: phusong") {
			t.Errorf("phusong %s: exit %d\n%s", strings.Join(args, " "), code, out)
		}
	}
}

// TestE2E_VersionAndHelp: phusong --version and phusong version print the
// module version, the commit and the Go version; every command answers
// --help (and phusong help COMMAND) with its usage and options, exit 0.
func TestE2E_VersionAndHelp(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		out, err := runCLI(t, args...)
		if err != nil || !strings.HasPrefix(out, "phusong ") || !strings.Contains(out, runtime.Version()) {
			t.Fatalf("phusong %s: %v\n%s", args[0], err, out)
		}
		// The commit, where the build recorded it (see linkedCommit).
		if info, _ := exec.Command("go", "version", "-m", binPath).Output(); strings.Contains(string(info), "vcs.revision=") {
			rev := string(info)[strings.Index(string(info), "vcs.revision=")+len("vcs.revision="):]
			if rev = strings.Fields(rev)[0]; !strings.Contains(out, rev) {
				t.Errorf("phusong %s does not name the commit %s:\n%s", args[0], rev, out)
			}
		}
	}
	out, err := runCLI(t, "help")
	if err != nil {
		t.Fatalf("phusong help: %v\n%s", err, out)
	}
	for _, name := range []string{"serve", "import communes", "import remote", "demo remove", "recompute",
		"provider add", "provider list", "provider token", "provider revoke", "admin token",
		"backup", "restore", "export", "version"} {
		if !strings.Contains(out, "phusong "+name) {
			t.Errorf("phusong help does not list %s", name)
		}
		for _, args := range [][]string{append(strings.Fields(name), "--help"), append([]string{"help"}, strings.Fields(name)...)} {
			h, err := runCLI(t, args...)
			if err != nil || !strings.HasPrefix(h, "usage: phusong "+name) {
				t.Errorf("phusong %s: %v\n%s", strings.Join(args, " "), err, h)
			}
			if name != "version" && !strings.Contains(h, "-db") {
				t.Errorf("phusong %s does not list the options:\n%s", strings.Join(args, " "), h)
			}
		}
	}
}

func TestVersionLine(t *testing.T) {
	vcs := &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261202110000-0123456789ab+dirty"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.time", Value: "2026-12-02T11:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	for _, c := range []struct {
		name   string
		bi     *debug.BuildInfo
		linked string
		want   string
	}{
		{"recorded by the build", vcs, "", "phusong v0.0.0-20261202110000-0123456789ab+dirty (commit 0123456789abcdef, 2026-12-02T11:00:00Z, with uncommitted changes) built with "},
		{"the build's record wins", vcs, "fedcba", "phusong v0.0.0-20261202110000-0123456789ab+dirty (commit 0123456789abcdef, "},
		{"linked by make build", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "0123456789ab-modified", "phusong (devel) (commit 0123456789ab-modified) built with "},
		{"nothing recorded", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "", "phusong (devel) built with "},
		{"no build information", nil, "", "phusong (unknown) built with "},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := versionLine(c.bi, c.linked)
			if !strings.HasPrefix(got, c.want) || !strings.HasSuffix(got, runtime.Version()) {
				t.Fatalf("%q, want %q…%s", got, c.want, runtime.Version())
			}
		})
	}
}
