package data

import (
	"errors"
	"fmt"
)

// ErrDiskFull is wrapped by the error of a write that found no room: the
// disk (or the file system) holding the database is full. Nothing of the
// write is kept; it may succeed once room is made.
var ErrDiskFull = errors.New("disk full")

// diskFull wraps err with ErrDiskFull when SQLite says that there was no
// room (sqliteFull), and with ErrUnavailable when PostgreSQL could not be
// reached (unavailable). Other errors, and nil, are returned as they are.
func diskFull(err error) error {
	err = unavailable(err)
	if sqliteFull(err) && !errors.Is(err, ErrDiskFull) {
		return fmt.Errorf("%w: %w", ErrDiskFull, err)
	}
	return err
}
