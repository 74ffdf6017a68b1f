package main

import (
	"errors"
	"flag"
	"reflect"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		min, max int
		pos      []string
		db, col  string
		set      bool
		err      string // "" for none; "help" for a help request
	}{
		{name: "options after the argument", args: []string{"f.geojson", "--new-set", "--db", "x.gpkg"}, min: 1, max: 1,
			pos: []string{"f.geojson"}, db: "x.gpkg", col: "code", set: true},
		{name: "options around the argument", args: []string{"--db", "x.gpkg", "f.geojson", "--column=ma", "--new-set"}, min: 1, max: 1,
			pos: []string{"f.geojson"}, db: "x.gpkg", col: "ma", set: true},
		{name: "single dash and an empty value", args: []string{"-db", "x.gpkg", "-column", "", "f"}, min: 1, max: 1,
			pos: []string{"f"}, db: "x.gpkg", col: "", set: false},
		{name: "a value that looks like an argument", args: []string{"--column", "f.geojson", "g"}, min: 1, max: 1,
			pos: []string{"g"}, db: "phusong.gpkg", col: "f.geojson"},
		{name: "-- ends the options", args: []string{"--db", "x.gpkg", "--", "--new-set"}, min: 1, max: 1,
			pos: []string{"--new-set"}, db: "x.gpkg", col: "code"},
		{name: "a bool set explicitly", args: []string{"--new-set=false", "f"}, min: 1, max: 1,
			pos: []string{"f"}, db: "phusong.gpkg", col: "code"},
		{name: "- is an argument (standard input)", args: []string{"-"}, min: 1, max: 1,
			pos: []string{"-"}, db: "phusong.gpkg", col: "code"},
		{name: "one argument too many", args: []string{"f", "g", "--new-set"}, min: 1, max: 1, err: `unexpected argument "g"`},
		{name: "none where none is taken", args: []string{"--db", "x", "stray"}, min: 0, max: 0, err: `unexpected argument "stray"`},
		{name: "missing", args: []string{"--db", "x"}, min: 1, max: 1, err: "missing FILE.geojson"},
		{name: "an unknown option", args: []string{"f", "--nope"}, min: 1, max: 1, err: "flag provided but not defined: -nope"},
		{name: "an option without its value", args: []string{"f", "--db"}, min: 1, max: 1, err: "flag needs an argument: -db"},
		{name: "help", args: []string{"f", "--help"}, min: 1, max: 1, err: "help"},
		{name: "-h", args: []string{"-h"}, min: 1, max: 1, err: "help"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := newFlags("import communes")
			db := fs.String("db", "phusong.gpkg", "")
			col := fs.String("column", "code", "")
			set := fs.Bool("new-set", false, "")
			pos, err := parseArgs(fs, c.args, c.min, c.max)
			switch {
			case c.err == "help":
				if !errors.Is(err, flag.ErrHelp) {
					t.Fatalf("err %v, want a help request", err)
				}
			case c.err != "":
				var u *usageError
				if !errors.As(err, &u) || u.cmd != "import communes" || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want a usage error of import communes saying %q", err, c.err)
				}
			case err != nil:
				t.Fatal(err)
			case !reflect.DeepEqual(pos, c.pos) || *db != c.db || *col != c.col || *set != c.set:
				t.Fatalf("pos %q db %q column %q new-set %t; want %q %q %q %t", pos, *db, *col, *set, c.pos, c.db, c.col, c.set)
			}
		})
	}
}
