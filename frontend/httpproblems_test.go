package frontend

import (
	"os"
	"regexp"
	"testing"
)

// Every problem type the service answers with (api/rest/problem.go) is said
// in Vietnamese and in English by the page (httpProblems in src/i18n.ts):
// "Không nộp được (401): the token is unknown or revoked" mixed the two.
func TestHTTPProblems_FrontendSaysEveryTypeInBothLanguages(t *testing.T) {
	goSrc, err := os.ReadFile("../api/rest/problem.go")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("src/i18n.ts")
	if err != nil {
		t.Fatal(err)
	}
	table := regexp.MustCompile(`(?s)const httpProblems[^{]*\{(.*?)\n\};`).FindSubmatch(src)
	if table == nil {
		t.Fatal("src/i18n.ts has no httpProblems table")
	}
	have := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s*"(/problems/[a-z-]+)":\s*\["[^"]+",\s*"[^"]+"\]`).FindAllSubmatch(table[1], -1) {
		have[string(m[1])] = true
	}
	types := regexp.MustCompile(`\{"(/problems/[a-z-]+)", "[^"]+"\}`).FindAllSubmatch(goSrc, -1)
	if len(types) < 10 {
		t.Fatalf("found %d problem types in api/rest/problem.go; the pattern no longer matches its table", len(types))
	}
	for _, m := range types {
		if !have[string(m[1])] {
			t.Errorf("problem type %s has no Vietnamese and English message in src/i18n.ts (httpProblems)", m[1])
		}
	}
}
