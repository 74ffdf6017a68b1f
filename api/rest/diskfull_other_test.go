//go:build !linux

package rest

import (
	"errors"
	"testing"
)

// fullDisk is a server whose store's file system is full; it is built on
// Linux only, where a test run as root can mount a small tmpfs.
type fullDisk struct {
	srv      *Server
	tokens   map[string]string
	logs     *syncBuffer
	makeRoom func()
}

func newFullDisk(t *testing.T) (*fullDisk, error) {
	return nil, errors.New("no small file system to fill: the test mounts a tmpfs, on Linux only")
}
