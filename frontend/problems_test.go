package frontend

import (
	"os"
	"regexp"
	"testing"

	"github.com/phusong/phusong/geo"
)

// The upload page explains every filing problem code the service can
// emit: its table in src/i18n.ts has an entry, in Vietnamese and English,
// for each of geo.FilingProblemCodes.
func TestProblemCodes_FrontendExplainsEveryCode(t *testing.T) {
	src, err := os.ReadFile("src/i18n.ts")
	if err != nil {
		t.Fatal(err)
	}
	table := regexp.MustCompile(`(?s)const problemCodes[^{]*\{(.*?)\n\};`).FindSubmatch(src)
	if table == nil {
		t.Fatal("src/i18n.ts has no problemCodes table")
	}
	entry := regexp.MustCompile(`(?m)^\s*([a-z_0-9]+):\s*\["[^"]+",\s*"[^"]+"\]`)
	have := map[string]bool{}
	for _, m := range entry.FindAllSubmatch(table[1], -1) {
		have[string(m[1])] = true
	}
	for _, code := range geo.FilingProblemCodes {
		if !have[code] {
			t.Errorf("problem code %q has no explanation in src/i18n.ts (problemCodes)", code)
		}
	}
	for code := range have {
		found := false
		for _, c := range geo.FilingProblemCodes {
			found = found || c == code
		}
		if !found {
			t.Errorf("src/i18n.ts explains %q, which the service never emits", code)
		}
	}
}

// Every hint a filing problem can carry (geo.FilingHintCodes: a likely
// cause, such as a commune code without its leading zero) is said in
// Vietnamese and English by the upload page (problemHints in src/i18n.ts).
func TestProblemHints_FrontendSaysEveryHint(t *testing.T) {
	src, err := os.ReadFile("src/i18n.ts")
	if err != nil {
		t.Fatal(err)
	}
	table := regexp.MustCompile(`(?s)const problemHints[^{]*\{(.*?)\n\};`).FindSubmatch(src)
	if table == nil {
		t.Fatal("src/i18n.ts has no problemHints table")
	}
	have := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s*([a-z_0-9]+):\s*\["[^"]+",\s*"[^"]+"\]`).FindAllSubmatch(table[1], -1) {
		have[string(m[1])] = true
	}
	for _, code := range geo.FilingHintCodes {
		if !have[code] {
			t.Errorf("hint %q has no Vietnamese and English text in src/i18n.ts (problemHints)", code)
		}
	}
	if len(have) != len(geo.FilingHintCodes) {
		t.Errorf("src/i18n.ts has %d hints, the service %d", len(have), len(geo.FilingHintCodes))
	}
}
