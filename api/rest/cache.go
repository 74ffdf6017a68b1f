package rest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
)

// cachedBody is one response rendered once per snapshot: the body, its
// gzip form and an ETag. The figures change only on recompute, so a body
// rendered for one request serves every later one until then.
type cachedBody struct {
	once sync.Once
	raw  []byte
	gz   []byte
	etag string // of raw; the gzip form's is gzipETag(etag)
	err  error
}

// gzipETag is the ETag of the gzip form of the body whose ETag is etag. A
// strong ETag names one representation (RFC 9110 §8.8.3): the gzip and the
// identity forms of a body differ byte for byte, so a cache holding one
// must not be told by a 304 that it holds the other.
func gzipETag(etag string) string { return strings.TrimSuffix(etag, `"`) + `-gz"` }

// bodyCache holds the rendered responses of one snapshot, by key.
type bodyCache struct {
	mu       sync.Mutex
	bodies   map[string]*cachedBody
	bytes    int // of the bodies kept, raw and gzip
	maxBytes int // 0 for maxCachedBytes
}

// maxCachedBodies bounds the responses kept per snapshot: tiles of every
// zoom up to tileCacheZoom are many, and a client asking for empty tiles
// all over the world must not fill the memory. Past it, bodies are rendered
// for each request.
const maxCachedBodies = 4096

// maxCachedBytes bounds the bytes of the responses kept per snapshot (raw
// and gzip): a full page of OGC items on the national set is megabytes,
// and its key names the client's Host and offset, which a client can vary
// at will. Past it, bodies are rendered for each request.
const maxCachedBytes = 512 << 20

func (bc *bodyCache) get(key string, render func() ([]byte, error)) *cachedBody {
	bc.mu.Lock()
	if bc.bodies == nil {
		bc.bodies = map[string]*cachedBody{}
	}
	cb, ok := bc.bodies[key]
	if !ok {
		cb = &cachedBody{}
		if len(bc.bodies) < maxCachedBodies {
			bc.bodies[key] = cb
		}
	}
	bc.mu.Unlock()
	cb.once.Do(func() {
		if cb.raw, cb.err = render(); cb.err != nil {
			return
		}
		sum := sha256.Sum256(cb.raw)
		cb.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(cb.raw)
		zw.Close()
		cb.gz = buf.Bytes()
		bc.keep(key, cb)
	})
	return cb
}

// keep counts the rendered cb against the byte budget, or forgets it when
// the budget is spent: the request that rendered it is served, later ones
// render again.
func (bc *bodyCache) keep(key string, cb *cachedBody) {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	if bc.bodies[key] != cb {
		return // not kept: maxCachedBodies was reached
	}
	limit := bc.maxBytes
	if limit == 0 {
		limit = maxCachedBytes
	}
	if n := len(cb.raw) + len(cb.gz); bc.bytes+n <= limit {
		bc.bytes += n
	} else {
		delete(bc.bodies, key)
	}
}

// perSnapshot holds a cache (bodies, export files) of the snapshot last
// served: a new snapshot, published by a recompute, starts an empty one,
// so nothing is ever served with figures other than those it was rendered
// from. T's zero value must be an empty cache.
type perSnapshot[T any] struct {
	mu    sync.Mutex
	snap  *api.Snapshot
	cache *T
}

// of returns the cache of snap.
func (p *perSnapshot[T]) of(snap *api.Snapshot) *T {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.snap != snap {
		p.snap, p.cache = snap, new(T)
	}
	return p.cache
}

// serveCached answers with the snapshot's rendering of key, gzipped when
// the client accepts it, or 304 when the client's If-None-Match holds the
// ETag of the form it would get.
func (s *Server) serveCached(c *gin.Context, snap *api.Snapshot, key, contentType string, render func() ([]byte, error)) {
	cb := s.bodies.of(snap).get(key, render)
	if cb.err != nil {
		s.fail(c, cb.err)
		return
	}
	body, etag, gzipped := cb.raw, cb.etag, acceptsGzip(c.GetHeader("Accept-Encoding"))
	if gzipped {
		body, etag = cb.gz, gzipETag(cb.etag)
	}
	h := c.Writer.Header()
	h.Set("ETag", etag)
	addVary(h, "Accept-Encoding")
	h.Set("Cache-Control", "no-cache") // revalidate: the figures change on every recompute
	if notModified(c, etag) {
		return
	}
	if gzipped {
		h.Set("Content-Encoding", "gzip")
	}
	c.Data(http.StatusOK, contentType, body)
}
