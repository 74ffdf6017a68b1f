//go:build cgo

package data

import (
	"errors"
	"syscall"

	"github.com/mattn/go-sqlite3"
)

// sqliteFull reports whether err is SQLite's SQLITE_FULL (its answer to
// ENOSPC on a write, and to a database at its max_page_count), or another
// SQLite error whose system error is ENOSPC.
func sqliteFull(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrFull || se.SystemErrno == syscall.ENOSPC)
}
