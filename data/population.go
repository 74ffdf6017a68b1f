package data

import (
	"bytes"
	"compress/zlib"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/phusong/phusong/geo"
)

// PopulationGridInfo describes a stored population grid.
type PopulationGridInfo struct {
	ID         int64   `json:"id"`
	Name       string  `json:"name"`   // method id: grid-<name>-v1
	Method     string  `json:"method"` // the surface's population rule with it, e.g. grid-worldpop-v1
	Source     string  `json:"source"`
	File       string  `json:"file"`
	FileSHA256 string  `json:"file_sha256"`
	ImportedAt string  `json:"imported_at"`
	ImportedBy string  `json:"imported_by"`
	West       float64 `json:"west"`
	South      float64 `json:"south"`
	East       float64 `json:"east"`
	North      float64 `json:"north"`
	DX         float64 `json:"dx"`
	DY         float64 `json:"dy"`
	Cols       int     `json:"cols"`
	Rows       int     `json:"rows"`
	People     float64 `json:"people"` // the grid's own count over the kept pixels
	InUse      bool    `json:"in_use"`
}

const gridColumns = "id, name, source, file_name, file_sha256, imported_at, imported_by, west, north, dx, dy, cols, rows, people"

func scanGridInfo(sc interface{ Scan(...any) error }) (PopulationGridInfo, error) {
	var g PopulationGridInfo
	err := sc.Scan(&g.ID, &g.Name, &g.Source, &g.File, &g.FileSHA256, &g.ImportedAt, &g.ImportedBy,
		&g.West, &g.North, &g.DX, &g.DY, &g.Cols, &g.Rows, &g.People)
	g.Method = (&geo.PopulationGrid{Name: g.Name}).PopulationMethod()
	g.East, g.South = g.West+float64(g.Cols)*g.DX, g.North-float64(g.Rows)*g.DY
	return g, err
}

// PopulationGrid returns the grid in use and its description, or nil and
// nil when communes are spread evenly.
func (s *Store) PopulationGrid(ctx context.Context) (*geo.PopulationGrid, *PopulationGridInfo, error) {
	id, err := s.gridInUse(ctx, s.r)
	if err != nil || id == 0 {
		return nil, nil, err
	}
	info, err := scanGridInfo(s.r.QueryRowContext(ctx, "SELECT "+gridColumns+" FROM population_grids WHERE id = ?", id))
	if err != nil {
		return nil, nil, fmt.Errorf("population grid %d: %w", id, err)
	}
	var blob []byte
	if err := s.r.QueryRowContext(ctx, "SELECT pixels FROM population_grids WHERE id = ?", id).Scan(&blob); err != nil {
		return nil, nil, fmt.Errorf("population grid %d: %w", id, err)
	}
	info.InUse = true
	values, err := decodePixels(blob, info.Cols*info.Rows)
	if err != nil {
		return nil, nil, fmt.Errorf("population grid %d: %w", id, err)
	}
	g := &geo.PopulationGrid{Name: info.Name, West: info.West, North: info.North, DX: info.DX, DY: info.DY,
		Cols: info.Cols, Rows: info.Rows, Values: values}
	return g, &info, nil
}

// PopulationGrids lists every imported grid, the newest first.
func (s *Store) PopulationGrids(ctx context.Context) ([]PopulationGridInfo, error) {
	inUse, err := s.gridInUse(ctx, s.r)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+gridColumns+" FROM population_grids ORDER BY id DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []PopulationGridInfo{}
	for rows.Next() {
		g, err := scanGridInfo(rows)
		if err != nil {
			return nil, err
		}
		g.InUse = g.ID == inUse
		out = append(out, g)
	}
	return out, rows.Err()
}

// gridInUse returns the id of the grid in use, 0 for none.
func (s *Store) gridInUse(ctx context.Context, q querier) (int64, error) {
	var v string
	err := q.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'population_grid'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || v == "none" {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("meta population_grid %q is not a grid id", v)
	}
	return id, nil
}

// ImportPopulationGrid stores g, described by info (name, source, file,
// its SHA-256), and puts it in use; the surface is then rebuilt on it. It
// returns the new grid's id.
func (s *Store) ImportPopulationGrid(ctx context.Context, g *geo.PopulationGrid, info PopulationGridInfo, actor string) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = addPopulationGrid(ctx, tx, g, info, actor)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "population.import", info.File,
			fmt.Sprintf("grid %d %q (%s), %d × %d pixels, %.0f people in them; source: %s", id, g.Name,
				g.PopulationMethod(), g.Cols, g.Rows, g.People(), info.Source))
	})
	return id, err
}

// addPopulationGrid stores g and puts it in use, in the caller's
// transaction.
func addPopulationGrid(ctx context.Context, tx *sql.Tx, g *geo.PopulationGrid, info PopulationGridInfo, actor string) (int64, error) {
	if err := g.Validate(); err != nil {
		return 0, err
	}
	blob, err := encodePixels(g.Values)
	if err != nil {
		return 0, err
	}
	id, err := insertID(ctx, tx, `INSERT INTO population_grids (name, source, file_name, file_sha256, imported_at,
		imported_by, west, north, dx, dy, cols, rows, people, pixels) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		g.Name, info.Source, info.File, info.FileSHA256, now(), actor, g.West, g.North, g.DX, g.DY, g.Cols, g.Rows, g.People(), blob)
	if err != nil {
		return 0, err
	}
	if err := setMeta(ctx, tx, "population_grid", strconv.FormatInt(id, 10)); err != nil {
		return 0, err
	}
	return id, bumpCommunesVersion(ctx, tx)
}

// UseEvenSpread stops using a population grid: communes are spread evenly
// again. The grids stay stored. It reports whether a grid was in use.
func (s *Store) UseEvenSpread(ctx context.Context, actor string) (bool, error) {
	var was bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := s.gridInUse(ctx, tx)
		if err != nil || id == 0 {
			return err
		}
		was = true
		if err := setMeta(ctx, tx, "population_grid", "none"); err != nil {
			return err
		}
		if err := bumpCommunesVersion(ctx, tx); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "population.none", strconv.FormatInt(id, 10), "communes spread evenly again")
	})
	return was, err
}

func encodePixels(values []float32) ([]byte, error) {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	b := make([]byte, 4*len(values))
	for i, v := range values {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decodePixels(blob []byte, n int) ([]float32, error) {
	zr, err := zlib.NewReader(bytes.NewReader(blob))
	if err != nil {
		return nil, fmt.Errorf("pixels: %w", err)
	}
	b := make([]byte, 4*n)
	if _, err := io.ReadFull(zr, b); err != nil {
		return nil, fmt.Errorf("pixels: %d expected: %w", n, err)
	}
	if k, _ := zr.Read(make([]byte, 1)); k != 0 {
		return nil, fmt.Errorf("pixels: more than the %d expected", n)
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out, nil
}
