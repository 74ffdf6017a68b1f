package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// cmdImportRemote replaces the set of remote communes by the codes of a
// CSV file, and says how they matched.
func cmdImportRemote(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("import remote")
	db := dbFlag(fs, "database file")
	column := fs.String("column", "code", "CSV column holding the GSO commune code")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	file := pos[0]
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	codes, err := readRemoteCodes(raw, *column)
	if err != nil {
		return fmt.Errorf("%s: %w\nnothing was changed", file, err)
	}
	store, err := openWriter(ctx, *db, "mark communes one by one through the API (PUT /api/v1/remote-communes/{code}, admin)")
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := store.ReplaceRemote(ctx, codes, filepath.Base(file), cliActor())
	if err != nil {
		return fmt.Errorf("%s: %w\nnothing was changed", file, err)
	}
	fmt.Fprintf(stdout, "remote communes from %s: %d marked remote (every other commune is not), %d codes in the file not in the store\n",
		file, rep.Remote, len(rep.Extra))
	if len(rep.Extra) > 0 {
		fmt.Fprintf(stdout, "  ignored codes: %s\n", listSome(rep.Extra))
	}
	return nil
}

// readRemoteCodes reads the codes of a CSV file with a header row naming
// column (any case). A UTF-8 byte-order mark is skipped, and a code of one
// to four digits is padded with zeros to five, as spreadsheets drop the
// leading zeros of GSO codes.
func readRemoteCodes(raw []byte, column string) ([]string, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("no header row: %w", err)
	}
	col := -1
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), column) {
			col = i
		}
	}
	if col < 0 {
		return nil, fmt.Errorf("no column %q in the header %q (choose one with --column)", column, header)
	}
	var codes []string
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if col >= len(rec) {
			return nil, fmt.Errorf("line %d has no column %q", line, column)
		}
		code := strings.TrimSpace(rec[col])
		if code == "" {
			continue
		}
		if len(code) < 5 && strings.Trim(code, "0123456789") == "" {
			code = strings.Repeat("0", 5-len(code)) + code
		}
		codes = append(codes, code)
	}
	if len(codes) == 0 {
		return nil, errors.New("no codes")
	}
	return codes, nil
}
