package data

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo"
)

// idOf is the id a token carries: the number after "ps_".
func idOf(t *testing.T, token string) int64 {
	t.Helper()
	id := tokenID(token)
	if id == 0 {
		t.Fatalf("token %q has no id", token)
	}
	return id
}

// TestAdminTokens_RevokeAndRotate: admin tokens are listed without their
// secrets, one can be revoked by its id, and a rotation issues a new one
// and revokes every earlier one; each change is in the audit log and takes
// effect at the next authentication.
func TestAdminTokens_RevokeAndRotate(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	first, err := s.NewAdminToken(ctx, "cli:root")
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.NewAdminToken(ctx, "cli:root")
	if err != nil {
		t.Fatal(err)
	}
	provider, err := s.AddProvider(ctx, "viettel", []geo.Layer{geo.Mobile}, "cli:root")
	if err != nil {
		t.Fatal(err)
	}
	works := func(token string) bool {
		_, err := s.Authenticate(ctx, token)
		return err == nil
	}
	if !works(first) || !works(second) {
		t.Fatal("new admin tokens do not authenticate")
	}

	list, err := s.AdminTokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != idOf(t, first) || list[1].ID != idOf(t, second) || list[0].RevokedAt != "" {
		t.Fatalf("AdminTokens = %+v, want the two admin tokens, active", list)
	}

	if err := s.RevokeAdminToken(ctx, idOf(t, first), "cli:root"); err != nil {
		t.Fatal(err)
	}
	if works(first) || !works(second) {
		t.Fatalf("after revoking the first: first works %t, second works %t", works(first), works(second))
	}
	for name, c := range map[string]struct {
		id   int64
		want error
	}{
		"already revoked":  {idOf(t, first), ErrConflict},
		"a provider token": {idOf(t, provider), ErrNotFound},
		"unknown":          {999, ErrNotFound},
	} {
		if err := s.RevokeAdminToken(ctx, c.id, "cli:root"); !errors.Is(err, c.want) {
			t.Errorf("revoke %s: %v, want %v", name, err, c.want)
		}
	}
	if !works(provider) {
		t.Fatal("the provider's token stopped working")
	}

	third, revoked, err := s.RotateAdminTokens(ctx, "cli:root")
	if err != nil {
		t.Fatal(err)
	}
	if revoked != 1 || works(second) || !works(third) {
		t.Fatalf("rotate: %d revoked, second works %t, new works %t", revoked, works(second), works(third))
	}
	list, _ = s.AdminTokens(ctx)
	active := 0
	for _, tk := range list {
		if tk.RevokedAt == "" {
			active++
			if tk.ID != idOf(t, third) {
				t.Errorf("token %d still active after the rotation", tk.ID)
			}
		}
	}
	if len(list) != 3 || active != 1 {
		t.Fatalf("after the rotation: %+v", list)
	}

	entries, err := s.Audit(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		if strings.HasPrefix(e.Action, "admin.") {
			actions = append(actions, e.Action+" "+e.Target+" ("+e.Detail+") by "+e.Actor)
		}
	}
	want := []string{
		"admin.token.rotate token " + strconv.FormatInt(idOf(t, third), 10) + " (new admin token; 1 earlier admin token(s) revoked) by cli:root",
		"admin.token.revoke token " + strconv.FormatInt(idOf(t, first), 10) + " (admin token revoked) by cli:root",
		"admin.token token " + strconv.FormatInt(idOf(t, second), 10) + " (new admin token) by cli:root",
		"admin.token token " + strconv.FormatInt(idOf(t, first), 10) + " (new admin token) by cli:root",
	}
	if strings.Join(actions, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(actions, "\n"), strings.Join(want, "\n"))
	}
}

// TestAudit_CommandLineChanges: the changes a person makes from the command
// line are in the audit log with the actor, the file and the counts, in the
// transaction of the change itself.
func TestAudit_CommandLineChanges(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.SeedDefault2019(ctx, true); err != nil {
		t.Fatal(err)
	}
	demo, err := s.Filings(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RemoveDemo(ctx, "cli:alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportBoundaries(ctx, map[string]orb.MultiPolygon{"04807": square(105.3, 20.8, 0.1), "99999": square(0, 0, 1)},
		"official.geojson", "cli:alice", nil); err != nil {
		t.Fatal(err)
	}
	cs, err := s.Communes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ImportCommunes(ctx, cs[:10], "ten.geojson", "cli:alice", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.ImportCommunes(ctx, nil, "none.geojson", "cli:alice", nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("an empty set: %v", err)
	}
	entries, err := s.Audit(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Actor+" "+e.Action+" "+e.Target+": "+e.Detail)
	}
	want := []string{
		"cli:alice communes.replace ten.geojson: new commune set: 10 communes replace 210",
		"cli:alice communes.boundaries official.geojson: boundaries: 1 matched, 209 stored communes without a boundary in the file, 1 codes in the file not in the store",
		"cli:alice demo.remove : " + strconv.Itoa(len(demo)) + " demonstration filings deleted",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A provider's layers are a set: naming one twice is refused (the command
// line's provider add --layers mobile,mobile too), and nothing is stored.
func TestAddProvider_DuplicateLayerRefused(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	_, err := s.AddProvider(ctx, "viettel", []geo.Layer{geo.Mobile, geo.Phone, geo.Mobile}, "test")
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `"mobile"`) {
		t.Fatalf("err = %v, want ErrInvalid naming \"mobile\"", err)
	}
	ps, err := s.Providers(ctx)
	if err != nil || len(ps) != 0 {
		t.Fatalf("providers after the refusal: %v %v", ps, err)
	}
}
