package data

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/phusong/phusong/geo"
)

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
