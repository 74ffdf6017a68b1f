package api

import (
	"context"
	"time"

	"github.com/phusong/phusong/geo"
)

// Every figure is a function of two dates: the date it is of (as_of: which
// filings were in force) and the date it was known (known_at: which
// filings, withdrawals and corrections had been received). By default both
// are today; the figures published on a day are those as of that day, as
// known that day, and stay so whatever is filed later.

// CheckKnownAt checks a pair of dates asked for: knownAt (YYYY-MM-DD, ""
// for today) must not be after the snapshot's day, and asOf not after
// knownAt, since no figure of a day is known before it. It returns asOf,
// which defaults to knownAt when only knownAt is given. Errors wrap
// data.ErrInvalid.
func (snap *Snapshot) CheckKnownAt(asOf, knownAt string) (string, error) {
	if err := snap.CheckAsOf(asOf); err != nil {
		return "", err
	}
	if knownAt == "" {
		return asOf, nil
	}
	if _, err := time.Parse(time.DateOnly, knownAt); err != nil {
		return "", Invalidf("known_at %s: want a date YYYY-MM-DD", quote(knownAt))
	}
	if knownAt > snap.Day {
		return "", Invalidf("known_at %s is after today (%s): what will be known is not known yet", knownAt, snap.Day)
	}
	if asOf == "" {
		return knownAt, nil
	}
	if asOf > knownAt {
		return "", Invalidf("as_of %s is after known_at %s: the figures of a day are known from that day on", asOf, knownAt)
	}
	return asOf, nil
}

// ResultKnown is ResultAt as known on knownAt: the full result as of asOf
// from the filings submitted, and the withdrawals made, by knownAt. For
// knownAt "" or the snapshot's day it is ResultAt. Results are computed on
// the snapshot's surface once per pair of dates and cached with it.
func (s *Service) ResultKnown(ctx context.Context, snap *Snapshot, asOf, knownAt string) (*geo.Result, string, error) {
	if knownAt == "" || knownAt >= snap.Day {
		return s.ResultAt(ctx, snap, asOf)
	}
	if asOf == "" {
		asOf = knownAt
	}
	return snap.plan.results.get(asOf+"@"+knownAt, func() (*geo.Result, string, error) {
		fps, decls, err := s.store.InForceKnown(ctx, asOf, knownAt)
		if err != nil {
			return nil, "", err
		}
		res, err := s.compute(ctx, snap, fps, decls)
		if err != nil {
			return nil, "", err
		}
		// The date of the data: the latest as_of among the filings then in force.
		filings, err := s.store.FilingsInForceKnown(ctx, asOf, knownAt)
		if err != nil {
			return nil, "", err
		}
		dataAsOf := ""
		for _, f := range filings {
			dataAsOf = max(dataAsOf, f.AsOf)
		}
		return res, dataAsOf, nil
	})
}
