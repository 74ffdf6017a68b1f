package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phusong/phusong/data"
)

// runCLITimeout runs the binary and kills it after d: a command that should
// refuse at once must not be left serving when it does not.
func runCLITimeout(t *testing.T, d time.Duration, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	out, err := exec.CommandContext(ctx, binPath, args...).CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("phusong %s still running after %s:\n%s", strings.Join(args, " "), d, out)
	}
	return string(out), err
}

// TestE2E_EmptyDatabaseRefused: serve and the commands that create a
// database refuse a 0-byte file by name and leave it as it is, instead of
// seeding it as a new demonstration database.
func TestE2E_EmptyDatabaseRefused(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "phusong.gpkg")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"serve", "--addr", freeAddr(t), "--db", empty},
		{"recompute", "--db", empty},
	} {
		out, err := runCLITimeout(t, 30*time.Second, args...)
		if err == nil || !strings.Contains(out, empty) || !strings.Contains(out, "0 bytes") {
			t.Fatalf("phusong %s on a 0-byte file: %v\n%s", args[0], err, out)
		}
		if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
			t.Fatalf("phusong %s changed the empty file: %v", args[0], err)
		}
	}
}

// TestE2E_OneWriter: while a service holds a database, every command that
// writes it refuses, by whatever name it is given (the path, a symbolic
// link, a hard link), and says what to do; a second service refuses too;
// the commands that only read still work.
func TestE2E_OneWriter(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "live", "phusong.gpkg")
	if err := os.Mkdir(filepath.Dir(db), 0o755); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.gpkg")
	newDatabase(t, db)
	if out, err := runCLI(t, "provider", "add", "--layers", "mobile", "viettel", "--db", db); err != nil {
		t.Fatalf("provider add: %v\n%s", err, out)
	}
	if out, err := runCLI(t, "backup", backup, "--db", db); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	communes := filepath.Join(dir, "one.geojson")
	os.WriteFile(communes, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"gso_code":"99999","name":"X","district":"D","pop_2019":10},`+
		`"geometry":{"type":"Polygon","coordinates":[[[105.3,20.8],[105.4,20.8],[105.4,20.9],[105.3,20.8]]]}}]}`), 0o644)
	remote := filepath.Join(dir, "remote.csv")
	os.WriteFile(remote, []byte("code\n04807\n"), 0o644)

	s := startServer(t, db)
	symlink := filepath.Join(dir, "link.gpkg")
	if err := os.Symlink(db, symlink); err != nil {
		t.Fatal(err)
	}
	linkedDir := filepath.Join(dir, "linked")
	if err := os.Symlink(filepath.Dir(db), linkedDir); err != nil {
		t.Fatal(err)
	}
	writers := [][]string{
		{"import", "communes", communes, "--new-set"},
		{"import", "communes", communes},
		{"import", "remote", remote},
		{"demo", "remove"},
		{"provider", "add", "--layers", "phone", "vnpt"},
		{"provider", "token", "viettel"},
		{"provider", "revoke", "viettel"},
		{"admin", "token"},
		{"restore", backup},
		{"recompute"},
	}
	for _, name := range []string{db, symlink, filepath.Join(linkedDir, "phusong.gpkg")} {
		for _, w := range writers {
			args := append(append([]string{}, w...), "--db", name)
			out, err := runCLITimeout(t, 60*time.Second, args...)
			if err == nil {
				t.Errorf("phusong %s succeeded while the service holds %s:\n%s", strings.Join(args, " "), db, out)
				continue
			}
			if !strings.Contains(out, "held by a running phusong service") || !strings.Contains(out, "stop the service") {
				t.Errorf("phusong %s: the refusal does not say that the service holds the database and what to do:\n%s", strings.Join(args, " "), out)
			}
		}
		out, err := runCLITimeout(t, 30*time.Second, "serve", "--addr", freeAddr(t), "--db", name)
		if err == nil || !strings.Contains(out, "held by a running phusong service") {
			t.Errorf("a second service on %s: %v\n%s", name, err, out)
		}
	}
	// Nothing changed: the communes and the providers are as they were.
	if n := len(s.layer(t, "mobile").Features); n != 210 {
		t.Errorf("%d communes served after the refused imports, want 210", n)
	}
	if out, err := runCLI(t, "provider", "list", "--db", symlink); err != nil || !strings.Contains(out, "viettel") || strings.Contains(out, "vnpt") {
		t.Errorf("provider list while serving: %v\n%s", err, out)
	}
	if out, err := runCLI(t, "backup", filepath.Join(dir, "again.gpkg"), "--db", symlink); err != nil {
		t.Errorf("backup while serving: %v\n%s", err, out)
	}
	if out, err := runCLI(t, "export", "--layer", "mobile", "--format", "csv", "--db", symlink); err != nil {
		t.Errorf("export while serving: %v\n%.300s", err, out)
	}

	t.Run("a hard link", func(t *testing.T) {
		hard := filepath.Join(dir, "hard.gpkg")
		if err := os.Link(db, hard); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(hard)
		for _, args := range [][]string{
			{"serve", "--addr", freeAddr(t), "--db", hard},
			{"provider", "add", "--layers", "phone", "vnpt", "--db", hard},
			{"restore", backup, "--db", hard},
			{"provider", "list", "--db", hard},
		} {
			out, err := runCLITimeout(t, 30*time.Second, args...)
			if err == nil {
				t.Errorf("phusong %s through a hard link succeeded:\n%s", strings.Join(args, " "), out)
			}
		}
	})
	s.stop(t)
	// Stopped, the same commands work again.
	if out, err := runCLI(t, "provider", "add", "--layers", "phone", "vnpt", "--db", symlink); err != nil {
		t.Fatalf("provider add once the service stopped: %v\n%s", err, out)
	}
	if out, err := runCLI(t, "restore", backup, "--db", symlink); err != nil {
		t.Fatalf("restore once the service stopped: %v\n%s", err, out)
	}
	if fi, err := os.Lstat(symlink); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("restore through a symbolic link replaced the link, not the database: %v", err)
	}
}

// lastLine is the last line of a command's output: the token it printed.
func lastLine(out string) string {
	out = strings.TrimSpace(out)
	return strings.TrimSpace(out[strings.LastIndex(out, "\n")+1:])
}

// status answers the status of GET path with a bearer token.
func (s *server) status(t *testing.T, path, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", s.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestE2E_AdminTokens: admin tokens are listed, revoked by id and rotated
// from the command line, and the service refuses the revoked ones.
func TestE2E_AdminTokens(t *testing.T) {
	db := filepath.Join(t.TempDir(), "phusong.gpkg")
	newDatabase(t, db, "--no-demo")
	var tokens []string
	for range 2 {
		out, err := runCLI(t, "admin", "token", "--db", db)
		if err != nil {
			t.Fatalf("admin token: %v\n%s", err, out)
		}
		tokens = append(tokens, lastLine(out))
	}
	id := func(token string) string {
		idText, _, _ := strings.Cut(strings.TrimPrefix(token, "ps_"), "_")
		return idText
	}
	out, err := runCLI(t, "admin", "token", "--list", "--db", db)
	if err != nil || !strings.Contains(out, id(tokens[0])) || !strings.Contains(out, id(tokens[1])) || strings.Contains(out, tokens[0]) {
		t.Fatalf("admin token --list: %v\n%s", err, out)
	}
	if out, err := runCLI(t, "admin", "token", "--revoke", id(tokens[0]), "--db", db); err != nil {
		t.Fatalf("admin token --revoke: %v\n%s", err, out)
	}
	if out, err := runCLI(t, "admin", "token", "--revoke", "999", "--db", db); err == nil {
		t.Fatalf("revoking an unknown token succeeded:\n%s", out)
	}
	s := startServer(t, db)
	if got := s.status(t, "/api/v1/audit", tokens[0]); got != 401 {
		t.Errorf("a revoked admin token: %d, want 401", got)
	}
	if got := s.status(t, "/api/v1/audit", tokens[1]); got != 200 {
		t.Errorf("the other admin token: %d, want 200", got)
	}
	s.stop(t)

	out, err = runCLI(t, "admin", "token", "--rotate", "--db", db)
	if err != nil || !strings.HasPrefix(lastLine(out), "ps_") {
		t.Fatalf("admin token --rotate: %v\n%s", err, out)
	}
	rotated := lastLine(out)
	s = startServer(t, db)
	if got := s.status(t, "/api/v1/audit", tokens[1]); got != 401 {
		t.Errorf("an admin token from before the rotation: %d, want 401", got)
	}
	if got := s.status(t, "/api/v1/audit", rotated); got != 200 {
		t.Errorf("the rotated admin token: %d, want 200", got)
	}
	var audit struct {
		Entries []struct{ Action, Target string } `json:"entries"`
	}
	req, _ := http.NewRequest("GET", s.url+"/api/v1/audit", nil)
	req.Header.Set("Authorization", "Bearer "+rotated)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	json.NewDecoder(res.Body).Decode(&audit)
	seen := map[string]bool{}
	for _, e := range audit.Entries {
		seen[e.Action] = true
	}
	for _, a := range []string{"admin.token", "admin.token.revoke", "admin.token.rotate"} {
		if !seen[a] {
			t.Errorf("the audit log has no %s: %+v", a, audit.Entries)
		}
	}
}

// TestE2E_CommandLineAudited: every command that changes a database records
// who ran it (the OS user, through the command line), what it did and how
// much, in the audit log that GET /api/v1/audit lists; a restore records
// itself in the restored database.
func TestE2E_CommandLineAudited(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "phusong.gpkg")
	newDatabase(t, db)
	boundaries := filepath.Join(dir, "official.geojson")
	os.WriteFile(boundaries, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"gso_code":"04807"},`+
		`"geometry":{"type":"Polygon","coordinates":[[[105.3,20.8],[105.4,20.8],[105.4,20.9],[105.3,20.8]]]}}]}`), 0o644)
	set := filepath.Join(dir, "set.geojson")
	os.WriteFile(set, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"gso_code":"04807","name":"X","district":"D","pop_2019":10},`+
		`"geometry":{"type":"Polygon","coordinates":[[[105.3,20.8],[105.4,20.8],[105.4,20.9],[105.3,20.8]]]}}]}`), 0o644)
	remote := filepath.Join(dir, "remote.csv")
	os.WriteFile(remote, []byte("code\n04807\n"), 0o644)
	backup := filepath.Join(dir, "backup.gpkg")
	for _, args := range [][]string{
		{"demo", "remove"},
		{"import", "communes", boundaries},
		{"import", "remote", remote},
		{"backup", backup},
		{"import", "communes", set, "--new-set"},
		{"restore", backup},
	} {
		if out, err := runCLI(t, append(args, "--db", db)...); err != nil {
			t.Fatalf("phusong %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	store, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	entries, err := store.Audit(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]data.AuditEntry{}
	for _, e := range entries {
		got[e.Action] = e
	}
	user := "cli:" + osUser()
	for _, w := range []struct{ action, target, detail string }{
		{"demo.remove", "", " demonstration filings deleted"},
		{"communes.boundaries", "official.geojson", "1 matched"},
		{"remote.replace", "remote.csv", "1 communes remote"},
		{"store.restore", backup, "210 communes"},
	} {
		e, ok := got[w.action]
		if !ok {
			t.Errorf("no %s in the audit log", w.action)
			continue
		}
		if e.Actor != user || !strings.Contains(e.Target, w.target) || !strings.Contains(e.Detail, w.detail) {
			t.Errorf("%s: actor %q target %q detail %q; want actor %q, target with %q, detail with %q",
				w.action, e.Actor, e.Target, e.Detail, user, w.target, w.detail)
		}
	}
	// The new commune set was imported after the backup: the restored file
	// does not hold its record, and the record of what was there is the
	// restore's own.
	if _, ok := got["communes.replace"]; ok {
		t.Error("the restored database holds a record made after its backup")
	}
	s2 := filepath.Join(dir, "s2.gpkg")
	newDatabase(t, s2, "--no-demo")
	if out, err := runCLI(t, "import", "communes", set, "--new-set", "--db", s2); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	st, err := data.Open(context.Background(), s2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	entries, _ = st.Audit(context.Background(), 10)
	if len(entries) == 0 || entries[0].Action != "communes.replace" || entries[0].Target != "set.geojson" ||
		!strings.Contains(entries[0].Detail, "1 communes") || entries[0].Actor != user {
		t.Errorf("import communes --new-set: audit %+v", entries)
	}
}
