package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestReadRemoteCodes(t *testing.T) {
	cases := []struct {
		name, csv, column string
		want              []string
		err               string
	}{
		{"codes with names", "code,name\n04807,Phường Phương Lâm\n05011,Xã Hiền Lương\n", "code", []string{"04807", "05011"}, ""},
		{"byte-order mark and spaces", "\xEF\xBB\xBFCode , name\n 04807 ,x\n\n", "code", []string{"04807"}, ""},
		{"leading zeros lost by a spreadsheet", "ma_xa\n4807\n5011\n", "MA_XA", []string{"04807", "05011"}, ""},
		{"other column", "id,gso\n1,04807\n", "gso", []string{"04807"}, ""},
		{"no such column", "id,name\n1,x\n", "code", nil, "no column"},
		{"short line", "name,code\nx\n", "code", nil, "line 2"},
		{"no codes", "code\n\n", "code", nil, "no codes"},
		{"empty", "", "code", nil, "no header"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := readRemoteCodes([]byte(c.csv), c.column)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one saying %q", err, c.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("%v, %v; want %v", got, err, c.want)
			}
		})
	}
}
