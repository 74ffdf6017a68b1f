//go:build !cgo

package data

// sqliteFull is false without cgo: the SQLite driver is then a stub that
// opens nothing, so no write can find the disk full.
func sqliteFull(error) bool { return false }
