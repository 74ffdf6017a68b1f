package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phusong/phusong/data"
)

// storedValues counts the indicator value rows of db.
func storedValues(t *testing.T, db string) []data.IndicatorValue {
	t.Helper()
	store, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	vals, err := store.IndicatorValues(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return vals
}

func TestE2E_ImportIndicators(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ind.gpkg")
	newDatabase(t, db, "--no-demo")
	seeded := len(storedValues(t, db))
	if seeded != 4 {
		t.Fatalf("%d values in a new database, want the article's 4 PCI figures", seeded)
	}

	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("\ufeffchỉ tiêu;ngày;mã đơn vị;giá trị;nguồn\n"+
		"internet-users;31/12/2015;;65,5;khảo sát\n"+
		"no-such;2015-12-31;;1;x\n"+
		"internet-users;2015-12-31;;abc;x\n"+
		"internet-users;2015-31-12;04807;5;x\n"+
		"internet-users;2015-12-31;99999;5;x\n"+
		"internet-users;2015-12-31;;66;x\n"), 0o644)
	out, err := runCLI(t, "import", "indicators", bad, "--db", db)
	if err == nil {
		t.Fatalf("a bad file was accepted:\n%s", out)
	}
	for _, want := range []string{"5 problem(s); nothing was stored", "line 3, indicator (unknown_indicator)",
		"line 4, value (bad_number)", "line 5, as_of (bad_date)", "line 6, unit_code (unknown_unit)", "line 7, as_of (duplicate_row)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output does not say %q:\n%s", want, out)
		}
	}
	if n := len(storedValues(t, db)); n != seeded {
		t.Fatalf("%d values after a refused file, want %d", n, seeded)
	}

	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("indicator,as_of,unit_code,numerator,denominator\n"+
		"internet-users,2015-12-31,04807,300,1000\ninternet-users,2015-12-31,04810,700,1000\n"), 0o644)
	out, err = runCLI(t, "import", "indicators", good, "--db", db, "--source", "Khảo sát 2015")
	if err != nil || !strings.Contains(out, "2 value(s) stored") {
		t.Fatalf("%v\n%s", err, out)
	}
	vals := storedValues(t, db)
	if len(vals) != seeded+2 || vals[seeded].Source != "Khảo sát 2015" || vals[seeded].Value != 30 || vals[seeded].EnteredBy == "" {
		t.Fatalf("stored: %+v", vals[seeded:])
	}
	if out, err := runCLI(t, "import", "indicators", "--db", db); err == nil {
		t.Fatalf("no file was accepted:\n%s", out)
	}
}
