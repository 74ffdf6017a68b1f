package geo

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"testing"
)

// Every Problem code constant of this package is listed in
// FilingProblemCodes (but the commune file's ProblemInvalid), so that a
// new code cannot reach providers unexplained: the front end's table is
// checked against the list (frontend/problems_test.go).
func TestFilingProblemCodes_ListEveryCode(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "problems.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var consts []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range vs.Names {
			if len(name.Name) > len("Problem") && name.Name[:len("Problem")] == "Problem" && i < len(vs.Values) {
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
					v, _ := strconv.Unquote(lit.Value)
					consts = append(consts, v)
				}
			}
		}
		return true
	})
	if len(consts) < 30 {
		t.Fatalf("found %d problem codes in problems.go; the parse is wrong", len(consts))
	}
	for _, c := range consts {
		if c != ProblemInvalid && !slices.Contains(FilingProblemCodes, c) {
			t.Errorf("problem code %q is not in FilingProblemCodes", c)
		}
	}
	if len(FilingProblemCodes) != len(consts)-1 {
		t.Errorf("FilingProblemCodes has %d codes, problems.go defines %d besides %q", len(FilingProblemCodes), len(consts)-1, ProblemInvalid)
	}
}
