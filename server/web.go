package server

import (
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"path"

	"github.com/labstack/echo/v4"
)

// webFiles is the web interface: index.html at its root, everything else
// (scripts, styles, images) under assets/, served at /assets/.
//
//go:embed web
var webFiles embed.FS

// webRoot is webFiles without its "web/" prefix.
func webRoot() fs.FS {
	sub, err := fs.Sub(webFiles, "web")
	if err != nil {
		// fs.Sub fails only for an invalid path, and "web" is valid.
		return webFiles
	}
	return sub
}

// webIndex answers GET /.
func (s *Server) webIndex(c echo.Context) error {
	return serveWebFile(c, "index.html")
}

// webAsset answers GET /assets/{path}.
func (s *Server) webAsset(c echo.Context) error {
	return serveWebFile(c, path.Join("assets", c.Param("*")))
}

func serveWebFile(c echo.Context, name string) error {
	root := webRoot()
	name = path.Clean(name)
	st, err := fs.Stat(root, name)
	if errors.Is(err, fs.ErrNotExist) || err == nil && st.IsDir() || !fs.ValidPath(name) {
		return newError(http.StatusNotFound, codeNotFound, "", "no such file")
	}
	if err != nil {
		return err
	}
	http.ServeFileFS(c.Response(), c.Request(), root, name)
	return nil
}
