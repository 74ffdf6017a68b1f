package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/phusong/phusong/data"
)

// openWriter opens an existing database as its one writer (see the
// database lock in package data). While a service holds it, the error says
// so and what to do instead; alternative, when not "", is how to make the
// same change through the running service.
func openWriter(ctx context.Context, db, alternative string) (*data.Store, error) {
	if err := fileExists(db); err != nil {
		return nil, err
	}
	store, err := data.OpenExclusive(ctx, db, false)
	return store, explainLocked(err, db, alternative)
}

// openReader opens an existing database to read it, beside a service that
// may hold it.
func openReader(ctx context.Context, db string) (*data.Store, error) {
	if err := fileExists(db); err != nil {
		return nil, err
	}
	return data.Open(ctx, db)
}

// explainLocked turns data.ErrLocked into what a user can act on.
func explainLocked(err error, db, alternative string) error {
	if !errors.Is(err, data.ErrLocked) {
		return err
	}
	msg := fmt.Sprintf("%s is held by a running phusong service (or by another phusong command that is changing it): "+
		"nothing was changed; stop the service first", db)
	if alternative != "" {
		msg += ", or " + alternative
	}
	return fmt.Errorf("%s (%w)", msg, data.ErrLocked)
}
