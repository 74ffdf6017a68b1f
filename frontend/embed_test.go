package frontend

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// The binary embeds exactly the application: the placeholder page, and
// after a build index.html with the hashed assets it refers to, and the
// build's Brotli form (NAME.br) of some of them, nothing else (no source
// maps, no node_modules).
func TestFS_EmbedsTheApplication(t *testing.T) {
	var files []string
	err := fs.WalkDir(FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !Built() {
		if len(files) != 1 || files[0] != Unbuilt {
			t.Fatalf("unbuilt tree embeds %v, want only %s", files, Unbuilt)
		}
		t.Skip("skipped: the application is not built (make test builds it); only the placeholder is embedded")
	}
	embedded := map[string]bool{}
	for _, f := range files {
		embedded[f] = true
	}
	for _, f := range files {
		if f == Index || f == Unbuilt {
			continue
		}
		if base, ok := strings.CutSuffix(f, ".br"); ok {
			if !embedded[base] {
				t.Errorf("%s is embedded without %s", f, base)
			}
			if base == Index {
				continue
			}
			f = base
		}
		if !strings.HasPrefix(f, "assets/") || !regexp.MustCompile(`\.(js|mjs|css)$`).MatchString(f) {
			t.Errorf("unexpected embedded file %s", f)
		}
	}
	index, err := fs.ReadFile(FS(), Index)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range regexp.MustCompile(`(?:src|href)="/(assets/[^"]+)"`).FindAllStringSubmatch(string(index), -1) {
		if _, err := fs.Stat(FS(), ref[1]); err != nil {
			t.Errorf("index.html refers to %s, which is not embedded", ref[1])
		}
	}
	// A strict Content-Security-Policy holds: no inline script, handler or style.
	html := string(index)
	for _, s := range regexp.MustCompile(`<script[^>]*>`).FindAllString(html, -1) {
		if !strings.Contains(s, ` src="`) {
			t.Errorf("inline script %s", s)
		}
	}
	if m := regexp.MustCompile(`(?i)\son[a-z]+\s*=|\sstyle\s*=|<style`).FindString(html); m != "" {
		t.Errorf("inline handler or style %q", m)
	}
	if n := len(files); n < 4 {
		t.Errorf("%d files embedded, want index.html, unbuilt.html, the script, the worker and the styles", n)
	}
}
