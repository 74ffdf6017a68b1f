package rest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// staticFiles serves the embedded web application. Every file is read and,
// when that makes it smaller, gzipped once (New starts it in the
// background), so a page load costs no compression: the application's
// JavaScript is about 1.7 MB and under 0.5 MB gzipped. The build also
// writes a Brotli form of each text file beside it (NAME.br, by Node's zlib
// at its best level: Go's standard library has no Brotli encoder), about
// 15% smaller than gzip; it is sent to a client that accepts br, and the
// .br files are not served under their own names.
type staticFiles struct {
	fsys  fs.FS
	index string // the file that answers "/"

	once  sync.Once
	files map[string]*staticFile // by path without the leading slash
	err   error
}

// staticFile is one embedded file, ready to send.
type staticFile struct {
	body        []byte
	gz          []byte // nil when gzip does not make it smaller
	br          []byte // the build's Brotli form (NAME.br), nil when there is none
	contentType string
	etag        string // of body; gz's is gzipETag(etag)
	// immutable is true for Vite's content-hashed assets, which browsers
	// may cache for good; everything else is revalidated by ETag.
	immutable bool
}

func newStaticFiles(fsys fs.FS, index string) *staticFiles {
	return &staticFiles{fsys: fsys, index: index}
}

// staticTypes are the content types of the files a build contains; the
// system's MIME table is not used, so the answer does not depend on the
// machine.
var staticTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
	".txt":   "text/plain; charset=utf-8",
	".map":   "application/json",
}

// compressible are the types worth gzipping; images and fonts are
// compressed already.
func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") || strings.HasPrefix(contentType, "application/json") ||
		strings.HasPrefix(contentType, "image/svg")
}

// load reads every file of the tree once.
func (sf *staticFiles) load() (map[string]*staticFile, error) {
	sf.once.Do(func() {
		files := map[string]*staticFile{}
		brotli := map[string][]byte{}
		sf.err = fs.WalkDir(sf.fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			body, err := fs.ReadFile(sf.fsys, p)
			if err != nil {
				return err
			}
			if strings.HasSuffix(p, ".br") {
				brotli[strings.TrimSuffix(p, ".br")] = body
				return nil
			}
			ct, ok := staticTypes[path.Ext(p)]
			if !ok {
				ct = http.DetectContentType(body)
			}
			sum := sha256.Sum256(body)
			f := &staticFile{body: body, contentType: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`,
				immutable: strings.HasPrefix(p, "assets/")}
			if compressible(ct) && len(body) > 512 {
				var buf bytes.Buffer
				zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
				zw.Write(body)
				zw.Close()
				if buf.Len() < len(body)*9/10 {
					f.gz = buf.Bytes()
				}
			}
			files[p] = f
			return nil
		})
		for p, br := range brotli {
			if f := files[p]; f != nil && compressible(f.contentType) && (f.gz == nil || len(br) < len(f.gz)) {
				f.br = br
			}
		}
		sf.files = files
	})
	return sf.files, sf.err
}

// serveStatic answers a GET or HEAD of a file of the embedded application
// (the index at /), in Brotli or gzip when the client accepts it, or 404.
func (s *Server) serveStatic(c *gin.Context) {
	files, err := s.static.load()
	if err != nil {
		s.fail(c, err)
		return
	}
	p := strings.TrimPrefix(c.Request.URL.Path, "/")
	if p == "" {
		p = s.static.index
	}
	f, ok := files[p]
	if !ok {
		writeProblem(c, http.StatusNotFound, "no such page: "+c.Request.URL.Path)
		return
	}
	body, etag, encoding := f.body, f.etag, ""
	if accept := c.GetHeader("Accept-Encoding"); f.br != nil && accepts(accept, "br") {
		body, etag, encoding = f.br, strings.TrimSuffix(f.etag, `"`)+`-br"`, "br"
	} else if f.gz != nil && acceptsGzip(accept) {
		body, etag, encoding = f.gz, gzipETag(f.etag), "gzip"
	}
	h := c.Writer.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", etag)
	addVary(h, "Accept-Encoding")
	if f.immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if match := c.GetHeader("If-None-Match"); match != "" && etagMatches(match, etag) {
		c.Status(http.StatusNotModified)
		return
	}
	if encoding != "" {
		h.Set("Content-Encoding", encoding)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Status(http.StatusOK)
	c.Writer.Write(body) // dropped for a HEAD (head.go)
}

// notModified answers 304 when the request's If-None-Match names etag,
// and says whether it did.
func notModified(c *gin.Context, etag string) bool {
	if !etagMatches(c.GetHeader("If-None-Match"), etag) {
		return false
	}
	c.Status(http.StatusNotModified)
	c.Writer.WriteHeaderNow()
	return true
}

// etagMatches reads an If-None-Match list ("*" or ETags, weak or strong).
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reads Accept-Encoding: gzip (or *) with a q-value above 0.
func acceptsGzip(header string) bool { return accepts(header, "gzip") }

// accepts reads Accept-Encoding: the coding (or *) with a q-value above 0.
func accepts(header, want string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != want && coding != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		return q > 0
	}
	return false
}
