// Package frontend embeds the web application that the binary serves at /,
// so the service runs with no files beside it and no request leaving the
// machine.
//
// The application's sources (TypeScript, built by Vite) live beside this
// file; the build writes dist/, which is embedded here. A fresh clone has
// only dist/unbuilt.html, committed so that the package compiles and the
// Go tests run without Node: a binary built from it serves that page at /
// and says how to build the application.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed dist
var files embed.FS

// Index is the page served at / when the application was built.
const Index = "index.html"

// Unbuilt is the page served at / when it was not.
const Unbuilt = "unbuilt.html"

// FS returns the application's files, rooted at the folder that holds
// index.html (or only unbuilt.html, when the application was not built).
func FS() fs.FS {
	sub, err := fs.Sub(files, "dist")
	if err != nil {
		// fs.Sub fails only on an invalid path, and "dist" is a constant.
		panic(err)
	}
	return sub
}

// Built reports whether the application was built into the binary.
func Built() bool {
	_, err := fs.Stat(FS(), Index)
	return err == nil
}
