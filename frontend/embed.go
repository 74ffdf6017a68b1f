// Package frontend embeds the web application that the binary serves at /,
// so the service runs with no files beside it and no request leaving the
// machine.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed static
var files embed.FS

// FS returns the application's files, rooted at the folder that holds
// index.html.
func FS() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		// fs.Sub fails only on an invalid path, and "static" is a constant.
		panic(err)
	}
	return sub
}
