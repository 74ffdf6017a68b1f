package data

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/phusong/phusong/geo"
)

// ErrUnauthorized is returned for a token that is unknown, malformed or
// revoked. It never says which.
var ErrUnauthorized = errors.New("unauthorized")

// ErrConflict is returned when a write clashes with what is stored: a
// provider that exists, a filing already withdrawn, a reused idempotency key.
var ErrConflict = errors.New("conflict")

// Roles of a token.
const (
	RoleProvider = "provider"
	RoleAdmin    = "admin"
)

// Provider is a telecom or broadcast provider allowed to file coverage.
type Provider struct {
	Name      string      `json:"name"`
	Layers    []geo.Layer `json:"layers"`
	CreatedAt string      `json:"created_at"`
	Tokens    int         `json:"active_tokens"`
}

// Principal is who a token belongs to.
type Principal struct {
	Role     string
	Provider *Provider // nil for the admin
	// Province limits an admin to one province's targets and remote
	// communes (a GSO code); "" is the admin of the whole store.
	Province string
}

// String names the principal in the audit log and idempotency records.
func (p Principal) String() string {
	if p.Role == RoleAdmin && p.Province != "" {
		return "admin:province " + p.Province
	}
	if p.Role == RoleAdmin {
		return "admin"
	}
	return "provider:" + p.Provider.Name
}

var providerName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// ValidateProviderName checks a provider name: 1–63 lower-case letters,
// digits, '.', '_' or '-', starting with a letter or digit.
func ValidateProviderName(name string) error {
	if !providerName.MatchString(name) {
		return fmt.Errorf("%w: provider name %q: want 1–63 lower-case letters, digits, '.', '_' or '-'", ErrInvalid, name)
	}
	return nil
}

// tokenPrefix starts every token, so that a leaked one is recognisable.
const tokenPrefix = "ps_"

// newToken makes a token "ps_<row id>_<secret>" with 256 random bits and
// the SHA-256 of its secret.
func newSecret() (secret string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	secret = base64.RawURLEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(secret))
	return secret, h[:], nil
}

// AddProvider creates a provider allowed to file the given layers and
// returns its first token, which is not stored and cannot be shown again.
func (s *Store) AddProvider(ctx context.Context, name string, layers []geo.Layer, actor string) (string, error) {
	if err := ValidateProviderName(name); err != nil {
		return "", err
	}
	if len(layers) == 0 {
		return "", fmt.Errorf("%w: provider %s needs at least one layer", ErrInvalid, name)
	}
	names := make([]string, len(layers))
	for i, l := range layers {
		if !l.Valid() {
			return "", fmt.Errorf("%w: layer %q is not one of broadcast, phone, broadband, mobile", ErrInvalid, l)
		}
		if slices.Contains(layers[:i], l) {
			return "", fmt.Errorf("%w: layer %q is named more than once", ErrInvalid, l)
		}
		names[i] = string(l)
	}
	var token string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := insertID(ctx, tx, "INSERT INTO providers (name, layers, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
			name, strings.Join(names, ","), now())
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: provider %s exists", ErrConflict, name)
		}
		if err != nil {
			return err
		}
		if token, err = insertToken(ctx, tx, RoleProvider, &id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "provider.add", name, "layers "+strings.Join(names, ","))
	})
	return token, err
}

// NewProviderToken issues a new token for a provider and revokes its
// earlier ones, so that a lost or leaked token can be replaced at once.
func (s *Store) NewProviderToken(ctx context.Context, name, actor string) (string, error) {
	var token string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		id, _, err := revokeTokens(ctx, tx, name)
		if err != nil {
			return err
		}
		if token, err = insertToken(ctx, tx, RoleProvider, &id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "provider.token", name, "new token; earlier tokens revoked")
	})
	return token, err
}

// RevokeProvider revokes every token of a provider; its filings stay.
func (s *Store) RevokeProvider(ctx context.Context, name, actor string) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if _, n, err = revokeTokens(ctx, tx, name); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "provider.revoke", name, fmt.Sprintf("%d tokens revoked", n))
	})
	return int(n), err
}

// NewAdminToken issues a token for the admin, who manages providers and
// targets. Earlier admin tokens keep working: RevokeAdminToken and
// RotateAdminTokens end them.
func (s *Store) NewAdminToken(ctx context.Context, actor string) (string, error) {
	return s.NewProvinceAdminToken(ctx, "", actor)
}

// NewProvinceAdminToken issues an admin token limited to one province (a
// GSO code that some unit of the store is in): it may change only that
// province's targets and remote communes. province "" is NewAdminToken.
func (s *Store) NewProvinceAdminToken(ctx context.Context, province, actor string) (string, error) {
	var token string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		detail := "new admin token"
		if province != "" {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM communes WHERE province_code = ?", province).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("%w: province %q: no unit of the store is in it (a province's GSO code, e.g. 25 for Phú Thọ)", ErrInvalid, province)
			}
			detail = "new admin token for province " + province
		}
		var err error
		if token, err = insertToken(ctx, tx, RoleAdmin, nil); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE tokens SET province = ? WHERE id = ?", province, tokenID(token)); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "admin.token", tokenTarget(token), detail)
	})
	return token, err
}

// Token describes an issued token, never its secret. ID is the number a
// token carries after "ps_".
type Token struct {
	ID        int64  `json:"id"`
	CreatedAt string `json:"created_at"`
	RevokedAt string `json:"revoked_at,omitempty"` // "" while the token works
}

// AdminTokens lists every admin token ever issued, revoked or not, oldest
// first.
func (s *Store) AdminTokens(ctx context.Context) ([]Token, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT id, created_at, COALESCE(revoked_at, '') FROM tokens WHERE role = ? ORDER BY id", RoleAdmin)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		var t Token
		if err := rows.Scan(&t.ID, &t.CreatedAt, &t.RevokedAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAdminToken revokes the admin token id. An id that is not an admin
// token's is ErrNotFound (provider tokens are revoked by provider); a
// token already revoked is ErrConflict.
func (s *Store) RevokeAdminToken(ctx context.Context, id int64, actor string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var revoked sql.NullString
		err := tx.QueryRowContext(ctx, "SELECT revoked_at FROM tokens WHERE id = ? AND role = ?", id, RoleAdmin).Scan(&revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: no admin token %d", ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		if revoked.Valid {
			return fmt.Errorf("%w: admin token %d was revoked at %s", ErrConflict, id, revoked.String)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE tokens SET revoked_at = ? WHERE id = ?", now(), id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "admin.token.revoke", "token "+strconv.FormatInt(id, 10), "admin token revoked")
	})
}

// RotateAdminTokens issues a new admin token and revokes every earlier one
// in the same transaction, so that there is never a moment with none or
// with the old ones still working. It returns the new token and how many
// were revoked.
func (s *Store) RotateAdminTokens(ctx context.Context, actor string) (string, int, error) {
	var token string
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE tokens SET revoked_at = ? WHERE role = ? AND revoked_at IS NULL", now(), RoleAdmin)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		if token, err = insertToken(ctx, tx, RoleAdmin, nil); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "admin.token.rotate", tokenTarget(token),
			fmt.Sprintf("new admin token; %d earlier admin token(s) revoked", n))
	})
	return token, int(n), err
}

// tokenTarget names a token in the audit log by its id, never its secret.
func tokenTarget(token string) string {
	return "token " + strconv.FormatInt(tokenID(token), 10)
}

// tokenID is the number a token carries after "ps_".
func tokenID(token string) int64 {
	idText, _, _ := strings.Cut(strings.TrimPrefix(token, tokenPrefix), "_")
	id, _ := strconv.ParseInt(idText, 10, 64)
	return id
}

// revokeTokens revokes every active token of the named provider, returning
// its id and how many tokens went.
func revokeTokens(ctx context.Context, tx *sql.Tx, name string) (int64, int64, error) {
	id, err := providerID(ctx, tx, name)
	if err != nil {
		return 0, 0, err
	}
	res, err := tx.ExecContext(ctx, "UPDATE tokens SET revoked_at = ? WHERE provider_id = ? AND revoked_at IS NULL", now(), id)
	if err != nil {
		return 0, 0, err
	}
	n, err := res.RowsAffected()
	return id, n, err
}

func providerID(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM providers WHERE name = ?", name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%w: provider %q", ErrNotFound, name)
	}
	return id, err
}

func insertToken(ctx context.Context, tx *sql.Tx, role string, providerID *int64) (string, error) {
	secret, hash, err := newSecret()
	if err != nil {
		return "", err
	}
	id, err := insertID(ctx, tx, "INSERT INTO tokens (secret_hash, role, provider_id, created_at) VALUES (?, ?, ?, ?)",
		hash, role, providerID, now())
	if err != nil {
		return "", err
	}
	return tokenPrefix + strconv.FormatInt(id, 10) + "_" + secret, nil
}

// Authenticate returns the principal of a bearer token. The secret's hash
// is compared in constant time; a revoked token fails at once, since every
// request asks the store.
func (s *Store) Authenticate(ctx context.Context, token string) (Principal, error) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return Principal{}, ErrUnauthorized
	}
	idText, secret, ok := strings.Cut(rest, "_")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || len(secret) != 43 {
		return Principal{}, ErrUnauthorized
	}
	var hash []byte
	var role, province string
	var pname, players sql.NullString
	err = s.r.QueryRowContext(ctx, `SELECT t.secret_hash, t.role, t.province, p.name, p.layers FROM tokens t
		LEFT JOIN providers p ON p.id = t.provider_id WHERE t.id = ? AND t.revoked_at IS NULL`, id).
		Scan(&hash, &role, &province, &pname, &players)
	if errors.Is(err, sql.ErrNoRows) {
		return Principal{}, ErrUnauthorized
	}
	if err != nil {
		return Principal{}, err
	}
	got := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(got[:], hash) != 1 {
		return Principal{}, ErrUnauthorized
	}
	p := Principal{Role: role, Province: province}
	if role == RoleProvider {
		p.Provider = &Provider{Name: pname.String, Layers: splitLayers(players.String)}
	}
	return p, nil
}

func splitLayers(s string) []geo.Layer {
	var out []geo.Layer
	for _, l := range strings.Split(s, ",") {
		if l != "" {
			out = append(out, geo.Layer(l))
		}
	}
	return out
}

// Providers lists the providers with their number of active tokens.
func (s *Store) Providers(ctx context.Context) ([]Provider, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT p.name, p.layers, p.created_at,
		(SELECT COUNT(*) FROM tokens t WHERE t.provider_id = p.id AND t.revoked_at IS NULL)
		FROM providers p ORDER BY p.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Provider{}
	for rows.Next() {
		var p Provider
		var layers string
		if err := rows.Scan(&p.Name, &layers, &p.CreatedAt, &p.Tokens); err != nil {
			return nil, err
		}
		p.Layers = splitLayers(layers)
		out = append(out, p)
	}
	return out, rows.Err()
}

// AuditEntry is one recorded write.
type AuditEntry struct {
	ID     int64  `json:"id"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Target string `json:"target"`
	Detail string `json:"detail"`
}

// audit records a write in the caller's transaction, so that the record
// and the write stand or fall together.
func audit(ctx context.Context, tx *sql.Tx, actor, action, target, detail string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
		now(), actor, action, target, detail)
	return err
}

// Audit returns the newest entries of the audit log, at most limit.
func (s *Store) Audit(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT id, at, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
