package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// webFiles is the web interface: index.html at its root, everything else
// (scripts, styles, images) under assets/, served at /assets/.
//
//go:embed web
var webFiles embed.FS

// Caching policy. Asset URLs written into the page carry the build's
// version (/assets/v-<hash>/…), so a browser may keep them for good: a new
// build changes the URL. The page itself and unversioned asset URLs are
// revalidated on every use (cheap: an ETag answers 304).
const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
	// versionPrefix starts the path segment that names a build.
	versionPrefix = "v-"
	// versionLen is how many hex digits of the content hash name a build.
	versionLen = 12
)

// contentSecurityPolicy allows only the interface's own files: it builds
// its DOM without innerHTML and sets no inline script or style, so an
// injection that slipped through escaping could still not run.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// webFile is one file of the interface, prepared for serving.
type webFile struct {
	body     []byte
	gzipped  []byte // nil when compression does not pay
	etag     string
	gzipETag string
	ctype    string
}

// webSite is the whole interface, read once from the embedded files.
type webSite struct {
	// version names this build's files; it changes whenever any file does.
	version string
	files   map[string]*webFile
}

// loadWebSite prepares the embedded interface once per process. The
// result never changes after it is built, so sharing it is safe.
var loadWebSite = sync.OnceValues(func() (*webSite, error) {
	return newWebSite(webRoot())
})

// webRoot is webFiles without its "web/" prefix.
func webRoot() fs.FS {
	sub, err := fs.Sub(webFiles, "web")
	if err != nil {
		// fs.Sub fails only for an invalid path, and "web" is valid.
		return webFiles
	}
	return sub
}

// newWebSite reads every file under root, names the build by a hash of
// all of them, and points the page's asset URLs at that build.
func newWebSite(root fs.FS) (*webSite, error) {
	raw := map[string][]byte{}
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(root, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		raw[p] = b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web interface: %w", err)
	}
	if raw["index.html"] == nil {
		return nil, fmt.Errorf("web interface: no index.html")
	}
	names := make([]string, 0, len(raw))
	for p := range raw {
		names = append(names, p)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, p := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(raw[p]))
		h.Write(raw[p])
	}
	site := &webSite{
		version: versionPrefix + hex.EncodeToString(h.Sum(nil))[:versionLen],
		files:   make(map[string]*webFile, len(raw)),
	}
	// Only quoted absolute asset URLs are rewritten: the page's src and
	// href attributes. Scripts import each other by relative paths, which
	// resolve under the same versioned folder.
	raw["index.html"] = bytes.ReplaceAll(raw["index.html"], []byte(`"/assets/`), []byte(`"/assets/`+site.version+`/`))
	for p, b := range raw {
		f, err := prepareWebFile(p, b)
		if err != nil {
			return nil, err
		}
		site.files[p] = f
	}
	return site, nil
}

func prepareWebFile(name string, body []byte) (*webFile, error) {
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:8])
	f := &webFile{body: body, etag: `"` + tag + `"`, ctype: webContentType(name)}
	if compressible(f.ctype) && len(body) > 512 {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return nil, fmt.Errorf("compress %s: %w", name, err)
		}
		if _, err := zw.Write(body); err != nil {
			return nil, fmt.Errorf("compress %s: %w", name, err)
		}
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("compress %s: %w", name, err)
		}
		if buf.Len() < len(body)*9/10 {
			f.gzipped = buf.Bytes()
			f.gzipETag = `"` + tag + `-gz"`
		}
	}
	return f, nil
}

// webContentType names the types of the interface's files itself rather
// than trusting the host's mime tables, which differ between systems.
func webContentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".json", ".webmanifest":
		return "application/json"
	case ".png":
		return "image/png"
	case ".ico":
		return "image/x-icon"
	case ".woff2":
		return "font/woff2"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "image/svg") || strings.HasPrefix(ctype, "application/json")
}

// webIndex answers GET /.
func (s *Server) webIndex(c echo.Context) error {
	site, err := loadWebSite()
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	return site.serve(c, "index.html", cacheRevalidate)
}

// webAsset answers GET /assets/{path}. A path under this build's version
// may be cached for good; under another version (a page loaded before an
// upgrade) it gets today's file, revalidated; without a version, likewise.
func (s *Server) webAsset(c echo.Context) error {
	site, err := loadWebSite()
	if err != nil {
		return err
	}
	rest := c.Param("*")
	cache := cacheRevalidate
	if first, after, ok := strings.Cut(rest, "/"); ok && isVersion(first) {
		rest = after
		if first == site.version {
			cache = cacheImmutable
		}
	}
	return site.serve(c, path.Join("assets", rest), cache)
}

func isVersion(seg string) bool {
	if len(seg) != len(versionPrefix)+versionLen || !strings.HasPrefix(seg, versionPrefix) {
		return false
	}
	for _, r := range seg[len(versionPrefix):] {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

// serve writes one prepared file, compressed when the client accepts it,
// or 304 when the client's copy is current.
func (site *webSite) serve(c echo.Context, name, cache string) error {
	name = path.Clean(name)
	f := site.files[name]
	if f == nil || !fs.ValidPath(name) {
		return newError(http.StatusNotFound, codeNotFound, "", "no such file")
	}
	req, h := c.Request(), c.Response().Header()
	body, etag := f.body, f.etag
	useGzip := f.gzipped != nil && acceptsGzip(req.Header.Get(echo.HeaderAcceptEncoding))
	if f.gzipped != nil {
		h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	}
	if useGzip {
		body, etag = f.gzipped, f.gzipETag
	}
	h.Set("Cache-Control", cache)
	h.Set("ETag", etag)
	h.Set(echo.HeaderXContentTypeOptions, "nosniff")
	if etagMatches(req.Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	if useGzip {
		h.Set(echo.HeaderContentEncoding, "gzip")
	}
	return c.Blob(http.StatusOK, f.ctype, body)
}

// acceptsGzip reads an Accept-Encoding header, honouring q=0 refusals.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		return !(q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000")
	}
	return false
}

// etagMatches implements If-None-Match's weak comparison.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
