package data

import (
	"errors"

	"github.com/phusong/phusong/geo"
)

// ErrForbidden is a write outside the writer's territory: an admin token
// limited to one province (Principal.Province) acting on a target or a
// commune of another. Nothing is stored.
var ErrForbidden = errors.New("forbidden")

// TerritoryError says what was outside the writer's territory; it wraps
// ErrForbidden.
type TerritoryError struct {
	What      string // "target 3 belongs to", "commune H1 is in", "a target of"
	Territory string // "" for the whole store, or a province's GSO code
	Province  string // the writer's province
}

func (e *TerritoryError) Error() string {
	of := "the whole store (every province)"
	if e.Territory != "" {
		of = "province " + e.Territory
		if n := geo.ProvinceName(e.Territory); n != "" {
			of += " (" + n + ")"
		}
	}
	return e.What + " " + of + "; this admin token is for province " + e.Province + " only"
}

func (e *TerritoryError) Unwrap() error { return ErrForbidden }

// CheckTerritory is a *TerritoryError when a writer limited to province
// ("" for none: the whole store's admin) would act on territory.
func CheckTerritory(province, territory, what string) error {
	if province == "" || territory == province {
		return nil
	}
	return &TerritoryError{What: what, Territory: territory, Province: province}
}
