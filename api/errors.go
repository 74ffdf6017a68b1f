package api

import (
	"fmt"

	"github.com/phusong/phusong/data"
)

// detailError is an error of a request that says only what is wrong, for
// people, while wrapping the sentinel a host maps to its answer (HTTP: 400
// for data.ErrInvalid, 404 for data.ErrNotFound).
type detailError struct {
	kind   error
	detail string
}

func (e *detailError) Error() string { return e.detail }
func (e *detailError) Unwrap() error { return e.kind }

// Invalidf returns an error wrapping data.ErrInvalid whose message is the
// formatted detail alone, e.g. `limit "0": want a whole number from 1 to
// 10000`.
func Invalidf(format string, args ...any) error {
	return &detailError{data.ErrInvalid, fmt.Sprintf(format, args...)}
}

// NotFoundf returns an error wrapping data.ErrNotFound whose message is the
// formatted detail alone, e.g. `no commune with code "99999"`.
func NotFoundf(format string, args ...any) error {
	return &detailError{data.ErrNotFound, fmt.Sprintf(format, args...)}
}
