package rest

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/geo"
)

// A 4G footprint over the west of Hòa Bình city, where the store seeded
// without demonstration data has no coverage at all.
const goodFiling = `{"type":"FeatureCollection","layer":"mobile","as_of":"2025-06-30","features":[
 {"type":"Feature","properties":{"technology":"4G","min_down_mbps":20},
  "geometry":{"type":"Polygon","coordinates":[[[105.28,20.78],[105.38,20.78],[105.38,20.88],[105.28,20.88],[105.28,20.78]]]}}]}`

func post(t *testing.T, s *Server, target, token, contentType, key, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("POST", target, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	return v
}

func TestFilings_Lifecycle(t *testing.T) {
	s, store, _ := writableServer(t)
	ctx := context.Background()
	viettel, _ := store.AddProvider(ctx, "viettel", []geo.Layer{geo.Mobile}, "test")
	vnpt, _ := store.AddProvider(ctx, "vnpt", []geo.Layer{geo.Mobile, geo.Phone}, "test")
	admin, _ := store.NewAdminToken(ctx, "test")
	state0 := storeState(t, store)

	dry := post(t, s, "/api/v1/filings?dry_run=true", viettel, "application/geo+json", "", goodFiling)
	da := decode[filingAnswer](t, dry)
	if dry.Code != 200 || !da.DryRun || da.After.Covered <= da.Before.Covered || da.Report.Footprints != 1 {
		t.Fatalf("dry run: %d %s", dry.Code, dry.Body)
	}
	if storeState(t, store) != state0 {
		t.Fatal("a dry run stored something")
	}

	first := post(t, s, "/api/v1/filings", viettel, "application/geo+json", "key-1", goodFiling)
	fa := decode[filingAnswer](t, first)
	if first.Code != 201 || fa.ID == 0 || first.Header().Get("Location") != fa.Links["self"] {
		t.Fatalf("submit: %d %s", first.Code, first.Body)
	}
	if fa.After.Covered != da.After.Covered || fa.Change.Covered <= 0 {
		t.Fatalf("stored figures %+v differ from the dry run's %+v", fa.After, da.After)
	}
	if got := s.mustSnapshot(t).Province(geo.Mobile).Covered; got != fa.After.Covered {
		t.Fatalf("the layer serves %.0f covered, the answer said %.0f", got, fa.After.Covered)
	}

	t.Run("a dry run lists the filings it supersedes", func(t *testing.T) {
		if da.Supersedes == nil || len(*da.Supersedes) != 0 {
			t.Fatalf("the first dry run supersedes %v, want []", da.Supersedes)
		}
		later := strings.Replace(goodFiling, "2025-06-30", "2025-07-01", 1)
		rec := post(t, s, "/api/v1/filings?dry_run=true", viettel, "application/geo+json", "", later)
		a := decode[filingAnswer](t, rec)
		if rec.Code != 200 || a.Supersedes == nil || len(*a.Supersedes) != 1 {
			t.Fatalf("dry run: %d %s", rec.Code, rec.Body)
		}
		got := (*a.Supersedes)[0]
		if got.ID != fa.ID || got.AsOf != "2025-06-30" || got.Layer != geo.Mobile || got.Footprints != 1 ||
			got.Declarations != 0 || !slices.Equal(got.Technologies, fa.Report.Technologies) {
			t.Fatalf("supersedes %+v, want filing %d", got, fa.ID)
		}
		older := strings.Replace(goodFiling, "2025-06-30", "2025-06-01", 1)
		rec = post(t, s, "/api/v1/filings?dry_run=true", viettel, "application/geo+json", "", older)
		if a := decode[filingAnswer](t, rec); a.Supersedes == nil || len(*a.Supersedes) != 0 {
			t.Fatalf("an older filing supersedes nothing in force: %s", rec.Body)
		}
		if rec := do(t, s, "GET", "/api/v1/filings", viettel, ""); !strings.Contains(rec.Body.String(), `"status":"in_force"`) {
			t.Fatalf("the list does not say the filing is in force: %s", rec.Body)
		}
		if strings.Contains(first.Body.String(), `"supersedes"`) {
			t.Fatalf("a submission's answer has supersedes: %s", first.Body)
		}
	})

	t.Run("a retry with the same key returns the first answer and stores nothing", func(t *testing.T) {
		state := storeState(t, store)
		again := post(t, s, "/api/v1/filings", viettel, "application/geo+json", "key-1", goodFiling)
		if again.Code != 201 || again.Body.String() != first.Body.String() || again.Header().Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry: %d %s", again.Code, again.Body)
		}
		if storeState(t, store) != state {
			t.Fatal("the retry stored something")
		}
		other := post(t, s, "/api/v1/filings", viettel, "application/geo+json", "key-1", strings.Replace(goodFiling, "2025-06-30", "2025-07-01", 1))
		if other.Code != 409 {
			t.Fatalf("same key, other body: %d %s", other.Code, other.Body)
		}
	})

	t.Run("providers see only their own filings", func(t *testing.T) {
		path := fa.Links["self"]
		if rec := do(t, s, "GET", path, vnpt, ""); rec.Code != 404 {
			t.Fatalf("vnpt read viettel's filing: %d", rec.Code)
		}
		if rec := do(t, s, "GET", path+"/features", vnpt, ""); rec.Code != 404 {
			t.Fatalf("vnpt read viettel's features: %d", rec.Code)
		}
		if rec := do(t, s, "DELETE", path, vnpt, ""); rec.Code != 404 {
			t.Fatalf("vnpt withdrew viettel's filing: %d", rec.Code)
		}
		list := do(t, s, "GET", "/api/v1/filings", vnpt, "")
		if list.Code != 200 || strings.Contains(list.Body.String(), `"viettel"`) {
			t.Fatalf("vnpt's list: %s", list.Body)
		}
		if rec := do(t, s, "GET", path, viettel, ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"footprints":1`) {
			t.Fatalf("viettel's own filing: %d %s", rec.Code, rec.Body)
		}
		if rec := do(t, s, "GET", path, admin, ""); rec.Code != 200 {
			t.Fatalf("admin: %d", rec.Code)
		}
		feats := do(t, s, "GET", path+"/features", viettel, "")
		if feats.Code != 200 || feats.Header().Get("Content-Type") != "application/geo+json" || !strings.Contains(feats.Body.String(), `"min_down_mbps":20`) {
			t.Fatalf("features: %d %s", feats.Code, feats.Body)
		}
	})

	t.Run("an admin token may not file", func(t *testing.T) {
		if rec := post(t, s, "/api/v1/filings", admin, "application/geo+json", "", goodFiling); rec.Code != 403 {
			t.Fatalf("%d", rec.Code)
		}
	})

	t.Run("CSV declarations", func(t *testing.T) {
		csv := "\xef\xbb\xbfcommune_code,technology,share\n04882,fixed_line,0.8\n05200,fixed_line,1\n"
		rec := post(t, s, "/api/v1/filings?layer=phone&as_of=2025-01-31", vnpt, "text/csv", "", csv)
		a := decode[filingAnswer](t, rec)
		if rec.Code != 201 || a.Report.Declarations != 2 || a.Layer != geo.Phone || a.Change.Covered <= 0 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	})

	t.Run("withdrawal restores the figures", func(t *testing.T) {
		rec := do(t, s, "DELETE", fa.Links["self"], viettel, "")
		w := decode[filingAnswer](t, rec)
		if rec.Code != 200 || w.WithdrawnAt == "" || w.After.Covered != fa.Before.Covered {
			t.Fatalf("withdraw: %d %s (covered before the filing: %.0f)", rec.Code, rec.Body, fa.Before.Covered)
		}
		if rec := do(t, s, "DELETE", fa.Links["self"], viettel, ""); rec.Code != 409 {
			t.Fatalf("second withdrawal: %d", rec.Code)
		}
		if rec := do(t, s, "GET", fa.Links["self"], viettel, ""); !strings.Contains(rec.Body.String(), `"withdrawn_at"`) {
			t.Fatalf("the withdrawn filing is not kept: %s", rec.Body)
		}
		if rec := do(t, s, "GET", "/api/v1/filings", viettel, ""); !strings.Contains(rec.Body.String(), `"status":"withdrawn"`) {
			t.Fatalf("the list does not say the filing is withdrawn: %s", rec.Body)
		}
	})

	t.Run("a revoked token stops at once", func(t *testing.T) {
		if _, err := store.RevokeProvider(ctx, "vnpt", "test"); err != nil {
			t.Fatal(err)
		}
		rec := post(t, s, "/api/v1/filings", vnpt, "application/geo+json", "", goodFiling)
		if rec.Code != 401 || rec.Header().Get("WWW-Authenticate") == "" {
			t.Fatalf("%d", rec.Code)
		}
	})

	t.Run("every write is audited", func(t *testing.T) {
		log := do(t, s, "GET", "/api/v1/audit", admin, "").Body.String()
		for _, want := range []string{`"filing.submit"`, `"filing.withdraw"`, `"provider:viettel"`} {
			if !strings.Contains(log, want) {
				t.Fatalf("audit log lacks %s", want)
			}
		}
	})
}

func (s *Server) mustSnapshot(t *testing.T) *api.Snapshot {
	t.Helper()
	snap, err := s.core.Current()
	if err != nil {
		t.Fatal(err)
	}
	return snap
}
