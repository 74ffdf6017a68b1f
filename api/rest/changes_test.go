package rest

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// The change log answers "why did the figure drop?": each filing and
// withdrawal is listed, newest first, with who, when, the date it affects
// from, and the province figures before and after.
func TestChanges_ListEachWriteWithItsFigures(t *testing.T) {
	s, store, _ := writableServer(t)
	ctx := context.Background()
	token, err := store.AddProvider(ctx, "viettel", []geo.Layer{geo.Mobile}, "test")
	if err != nil {
		t.Fatal(err)
	}
	changes := func() []data.FigureChange {
		t.Helper()
		return decodeAs[struct {
			Changes []data.FigureChange `json:"changes"`
		}](t, get(t, s, http.MethodGet, "/api/v1/changes"), http.StatusOK).Changes
	}
	first := changes()
	if len(first) != 1 || first[0].Before != nil || len(first[0].Writes) != 0 {
		t.Fatalf("a new store's log: %+v; want one entry, its first figures", first)
	}
	rec := post(t, s, "/api/v1/filings", token, "application/geo+json", "", goodFiling)
	if rec.Code != http.StatusCreated {
		t.Fatalf("filing: %d %s", rec.Code, rec.Body)
	}
	id := decode[filingAnswer](t, rec).ID
	cs := changes()
	if len(cs) != 2 {
		t.Fatalf("%d changes after a filing, want 2", len(cs))
	}
	c := cs[0]
	if len(c.Writes) != 1 || c.Writes[0].Action != "filing.submit" || c.Writes[0].Actor != "provider:viettel" ||
		c.Writes[0].AffectsFrom != "2025-06-30" || c.Writes[0].Target != "filing "+strconv.FormatInt(id, 10) {
		t.Fatalf("the filing's change: %+v", c.Writes)
	}
	if c.Before[geo.Mobile].Covered != 0 || c.After[geo.Mobile].Covered <= 0 || c.After[geo.Mobile].Covered != cs[0].After[geo.Mobile].Covered {
		t.Fatalf("mobile before %v, after %v", c.Before[geo.Mobile].Covered, c.After[geo.Mobile].Covered)
	}
	if rec := do(t, s, http.MethodDelete, "/api/v1/filings/"+strconv.FormatInt(id, 10), token, ""); rec.Code != http.StatusOK {
		t.Fatalf("withdrawal: %d %s", rec.Code, rec.Body)
	}
	cs = changes()
	w := cs[0]
	if len(cs) != 3 || len(w.Writes) != 1 || w.Writes[0].Action != "filing.withdraw" || w.Writes[0].AffectsFrom != time.Now().UTC().Format(time.DateOnly) {
		t.Fatalf("the withdrawal's change: %d changes, %+v", len(cs), w.Writes)
	}
	if w.Before[geo.Mobile].Covered != c.After[geo.Mobile].Covered || w.After[geo.Mobile].Covered != 0 {
		t.Fatalf("withdrawal: mobile before %v, after %v", w.Before[geo.Mobile].Covered, w.After[geo.Mobile].Covered)
	}
	// A provider's new token changes no figure and is not a change.
	if _, err := store.NewProviderToken(ctx, "viettel", "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(changes()); n != 3 {
		t.Fatalf("%d changes after a new token, want still 3", n)
	}
	if rec := get(t, s, http.MethodGet, "/api/v1/changes?since=2999-01-01"); rec.Code != http.StatusOK || rec.Body.String() != `{"changes":[]}` {
		t.Fatalf("since the future: %d %s", rec.Code, rec.Body)
	}
}
