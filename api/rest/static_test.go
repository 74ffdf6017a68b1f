package rest

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/phusong/phusong/frontend"
)

// staticServer is a server whose web application is the given files.
func staticServer(t *testing.T, files fstest.MapFS) *Server {
	t.Helper()
	srv := newTestServer(DefaultConfig(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv.static = newStaticFiles(files, "index.html")
	return srv
}

func TestStatic_GzipCacheAndTypes(t *testing.T) {
	script := []byte("export const greeting = '" + strings.Repeat("xin chào ", 400) + "';\n")
	png := []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 2000))
	srv := staticServer(t, fstest.MapFS{
		"index.html":             {Data: []byte("<!doctype html><title>Phủ Sóng</title>")},
		"assets/index-abc123.js": {Data: script},
		"assets/map-9f8e.png":    {Data: png},
	})
	cases := []struct {
		name, path, acceptEncoding string
		status                     int
		contentType, encoding      string
		cache                      string
		body                       []byte
	}{
		{"index at /", "/", "gzip", 200, "text/html; charset=utf-8", "", "no-cache", []byte("<!doctype html><title>Phủ Sóng</title>")},
		{"script gzipped", "/assets/index-abc123.js", "gzip, deflate, br", 200, "text/javascript; charset=utf-8", "gzip", "immutable", script},
		{"script plain without Accept-Encoding", "/assets/index-abc123.js", "", 200, "text/javascript; charset=utf-8", "", "immutable", script},
		{"script plain when gzip refused", "/assets/index-abc123.js", "gzip;q=0, br", 200, "text/javascript; charset=utf-8", "", "immutable", script},
		{"wildcard accepts gzip", "/assets/index-abc123.js", "*", 200, "text/javascript; charset=utf-8", "gzip", "immutable", script},
		{"image never gzipped", "/assets/map-9f8e.png", "gzip", 200, "image/png", "", "immutable", png},
		{"missing file", "/assets/nothing.js", "gzip", 404, "application/problem+json", "", "", nil},
		{"no directory listing", "/assets/", "gzip", 404, "application/problem+json", "", "", nil},
		{"no escape", "/../api/server.go", "gzip", 404, "application/problem+json", "", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", c.path, nil)
			if c.acceptEncoding != "" {
				req.Header.Set("Accept-Encoding", c.acceptEncoding)
			}
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, req)
			h := rec.Header()
			if rec.Code != c.status || h.Get("Content-Type") != c.contentType || h.Get("Content-Encoding") != c.encoding {
				t.Fatalf("%d %q encoding %q, want %d %q %q", rec.Code, h.Get("Content-Type"), h.Get("Content-Encoding"), c.status, c.contentType, c.encoding)
			}
			if c.body == nil {
				return
			}
			if !strings.Contains(h.Get("Cache-Control"), c.cache) || h.Get("ETag") == "" || !strings.Contains(h.Get("Vary"), "Accept-Encoding") {
				t.Fatalf("Cache-Control %q ETag %q Vary %q", h.Get("Cache-Control"), h.Get("ETag"), h.Get("Vary"))
			}
			body := rec.Body.Bytes()
			if c.encoding == "gzip" {
				if len(body) >= len(c.body)/2 {
					t.Fatalf("gzip body %d bytes of %d: not compressed", len(body), len(c.body))
				}
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(body, c.body) {
				t.Fatalf("body differs from the file")
			}
		})
	}

	t.Run("revalidation by ETag", func(t *testing.T) {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
		again := httptest.NewRecorder()
		srv.Handler().ServeHTTP(again, req)
		if again.Code != 304 || again.Body.Len() != 0 {
			t.Fatalf("%d with %d bytes, want 304 and no body", again.Code, again.Body.Len())
		}
	})
	t.Run("HEAD has no body", func(t *testing.T) {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest("HEAD", "/assets/index-abc123.js", nil))
		if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") != strconv.Itoa(len(script)) {
			t.Fatalf("%d, %d bytes, Content-Length %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
		}
	})
}

// The binary serves the built application at /, or the page that says how
// to build it.
func TestStatic_EmbeddedIndex(t *testing.T) {
	srv := newTestServer(DefaultConfig(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	want := "make run"
	if frontend.Built() {
		want = `<div id="map"`
	}
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(rec.Body.String(), want) {
		t.Fatalf("%d %q, body without %q:\n%s", rec.Code, rec.Header().Get("Content-Type"), want, rec.Body)
	}
}

// The build's Brotli forms (NAME.br) go to a client that accepts br, gzip
// to one that accepts only gzip, and are not served under their own names.
func TestStatic_BrotliFromBuild(t *testing.T) {
	script := []byte("export const greeting = '" + strings.Repeat("xin chào ", 400) + "';\n")
	// Not real Brotli: the server sends the build's bytes as they are.
	br := []byte("brotli form of the script")
	srv := staticServer(t, fstest.MapFS{
		"index.html":                {Data: []byte("<!doctype html><title>Phủ Sóng</title>")},
		"assets/index-abc123.js":    {Data: script},
		"assets/index-abc123.js.br": {Data: br},
	})
	get := func(path, acceptEncoding string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept-Encoding", acceptEncoding)
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		return rec
	}
	rec := get("/assets/index-abc123.js", "gzip, deflate, br, zstd")
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "br" || !bytes.Equal(rec.Body.Bytes(), br) {
		t.Fatalf("br accepted: %d, encoding %q, %d bytes", rec.Code, rec.Header().Get("Content-Encoding"), rec.Body.Len())
	}
	brETag := rec.Header().Get("ETag")
	rec = get("/assets/index-abc123.js", "gzip, br;q=0")
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("ETag") == brETag {
		t.Fatalf("br refused: encoding %q, ETag %q (the br form's is %q)", rec.Header().Get("Content-Encoding"), rec.Header().Get("ETag"), brETag)
	}
	if rec = get("/assets/index-abc123.js.br", "br"); rec.Code != 404 {
		t.Fatalf("the .br file itself answered %d, want 404", rec.Code)
	}
}
