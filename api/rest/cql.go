package rest

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo"
)

// A CQL2 text filter (OGC 21-065r2), the subset that /items declares in
// ogcConformance: basic-cql2 (comparisons of a property with a literal,
// AND, OR, NOT, parentheses, IS [NOT] NULL), advanced-comparison-operators
// ([NOT] LIKE, [NOT] BETWEEN, [NOT] IN; and ILIKE, which GDAL sends) and basic-spatial-functions
// (S_INTERSECTS of the geometry with a POINT, a BBOX or, beyond that class,
// a POLYGON). It is parsed by recursive descent against the collection's
// queryables, so that an unknown property or a literal of the wrong type is
// a 400 before any feature is read, and evaluated in memory on each
// commune. No maintained Go CQL2 library fitted (see README).
//
// Keywords and function names are case-insensitive; property names are as
// in the queryables, bare or in double quotes. Strings compare byte by byte
// (case-sensitively); numbers compare as numbers, integers and decimals
// alike. A comparison with a null property is false, as in SQL.

// cqlMaxLen bounds the filter text, and cqlMaxDepth the nesting of
// parentheses and NOT, so that a hostile filter cannot exhaust the stack.
const (
	cqlMaxLen   = 16 << 10
	cqlMaxDepth = 64
)

// cqlRow is what a filter is evaluated on: one feature's properties by
// name and its geometry (EPSG:4326 lon/lat).
type cqlRow struct {
	props map[string]any
	geom  orb.MultiPolygon
}

// cqlExpr is a parsed filter or part of one.
type cqlExpr interface {
	eval(r cqlRow) bool
}

type (
	cqlAnd  struct{ a, b cqlExpr }
	cqlOr   struct{ a, b cqlExpr }
	cqlNot  struct{ e cqlExpr }
	cqlBool bool
	// cqlCompare compares a property with a literal (a string, a float64
	// or a bool) by op: = <> < <= > >=.
	cqlCompare struct {
		prop string
		op   string
		lit  any
	}
	cqlIn struct {
		prop string
		lits []any
	}
	cqlLike struct {
		prop string
		re   *regexp.Regexp
	}
	cqlIsNull struct{ prop string }
	// cqlIntersects is S_INTERSECTS of the geometry with a box or polygon.
	cqlIntersects struct {
		box  *orb.Bound
		poly orb.Polygon
	}
)

func (e cqlAnd) eval(r cqlRow) bool    { return e.a.eval(r) && e.b.eval(r) }
func (e cqlOr) eval(r cqlRow) bool     { return e.a.eval(r) || e.b.eval(r) }
func (e cqlNot) eval(r cqlRow) bool    { return !e.e.eval(r) }
func (e cqlBool) eval(cqlRow) bool     { return bool(e) }
func (e cqlIsNull) eval(r cqlRow) bool { return r.props[e.prop] == nil }

func (e cqlCompare) eval(r cqlRow) bool {
	c, ok := cqlCmp(r.props[e.prop], e.lit)
	if !ok {
		return false
	}
	switch e.op {
	case "=":
		return c == 0
	case "<>":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	default: // ">="
		return c >= 0
	}
}

func (e cqlIn) eval(r cqlRow) bool {
	for _, l := range e.lits {
		if c, ok := cqlCmp(r.props[e.prop], l); ok && c == 0 {
			return true
		}
	}
	return false
}

func (e cqlLike) eval(r cqlRow) bool {
	s, ok := r.props[e.prop].(string)
	return ok && e.re.MatchString(s)
}

func (e cqlIntersects) eval(r cqlRow) bool {
	if e.box != nil {
		return geo.IntersectsBound(r.geom, *e.box)
	}
	return geo.IntersectsPolygon(r.geom, e.poly)
}

// cqlCmp orders a property's value against a literal of the same kind:
// -1, 0 or 1, and ok false where they cannot be compared (a null value).
// Booleans order false before true.
func cqlCmp(v, lit any) (int, bool) {
	switch l := lit.(type) {
	case string:
		s, ok := v.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(s, l), true
	case float64:
		var f float64
		switch n := v.(type) {
		case int:
			f = float64(n)
		case int64:
			f = float64(n)
		case float64:
			f = n
		default:
			return 0, false
		}
		switch {
		case f < l:
			return -1, true
		case f > l:
			return 1, true
		}
		return 0, true
	case bool:
		b, ok := v.(bool)
		if !ok {
			return 0, false
		}
		switch {
		case b == l:
			return 0, true
		case l:
			return -1, true
		}
		return 1, true
	}
	return 0, false
}

// cqlToken is a lexical token: kind is one of "ident" (a bare word),
// "qident" (a double-quoted name), "string", "number", "op" (= <> < <= >
// >= ( ) ,) or "end"; pos is its 1-based character position.
type cqlToken struct {
	kind, text string
	pos        int
}

func (t cqlToken) String() string {
	switch t.kind {
	case "end":
		return "the end of the filter"
	case "string":
		return "the string " + quote(t.text)
	case "qident":
		return "the name " + quote(t.text)
	}
	return quote(t.text)
}

// cqlError is a filter that does not parse: at character pos, want was
// expected or the text there is refused for the reason given.
type cqlError struct {
	pos int
	msg string
}

func (e *cqlError) Error() string { return fmt.Sprintf("at character %d: %s", e.pos, e.msg) }

// cqlLex splits the filter into tokens.
func cqlLex(s string) ([]cqlToken, error) {
	var out []cqlToken
	i, char := 0, 1 // byte index and character position
	advance := func(n int) {
		char += utf8.RuneCountInString(s[i : i+n])
		i += n
	}
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		start := char
		switch {
		case unicode.IsSpace(r):
			advance(size)
		case r == '\'' || r == '"':
			// A quote inside is written twice.
			var b strings.Builder
			j := i + 1
			closed := false
			for j < len(s) {
				if s[j] == byte(r) {
					if j+1 < len(s) && s[j+1] == byte(r) {
						b.WriteByte(byte(r))
						j += 2
						continue
					}
					closed = true
					break
				}
				b.WriteByte(s[j])
				j++
			}
			if !closed {
				return nil, &cqlError{start, "this quote is never closed"}
			}
			kind := "string"
			if r == '"' {
				kind = "qident"
			}
			if !utf8.ValidString(b.String()) {
				return nil, &cqlError{start, "the text is not UTF-8"}
			}
			advance(j + 1 - i)
			out = append(out, cqlToken{kind, b.String(), start})
		case r == '-' || r == '+' || r == '.' || (r >= '0' && r <= '9'):
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == 'e' || s[j] == 'E' ||
				((s[j] == '-' || s[j] == '+') && (s[j-1] == 'e' || s[j-1] == 'E'))) {
				j++
			}
			text := s[i:j]
			if f, err := strconv.ParseFloat(text, 64); err != nil || math.IsInf(f, 0) {
				return nil, &cqlError{start, "want a number, found " + quote(text)}
			}
			advance(j - i)
			out = append(out, cqlToken{"number", text, start})
		case r == '_' || unicode.IsLetter(r):
			j := i
			for j < len(s) {
				r2, n := utf8.DecodeRuneInString(s[j:])
				if r2 != '_' && r2 != ':' && r2 != '.' && !unicode.IsLetter(r2) && !unicode.IsDigit(r2) {
					break
				}
				j += n
			}
			text := s[i:j]
			advance(j - i)
			out = append(out, cqlToken{"ident", text, start})
		case strings.HasPrefix(s[i:], "<>") || strings.HasPrefix(s[i:], "<=") || strings.HasPrefix(s[i:], ">="):
			out = append(out, cqlToken{"op", s[i : i+2], start})
			advance(2)
		case strings.ContainsRune("=<>(),", r):
			out = append(out, cqlToken{"op", string(r), start})
			advance(size)
		default:
			return nil, &cqlError{start, "unexpected character " + quote(string(r))}
		}
	}
	return append(out, cqlToken{"end", "", char}), nil
}

// cqlParser reads tokens against the queryables: each property's JSON
// Schema type ("string", "integer", "number", "boolean"), and the name of
// the geometry.
type cqlParser struct {
	toks  []cqlToken
	at    int
	types map[string]string
	depth int
}

// parseCQL2Text parses a CQL2 text filter over properties of the given
// types; the geometry is named "geometry". Errors name the character where
// the filter goes wrong and what was expected there.
func parseCQL2Text(s string, types map[string]string) (cqlExpr, error) {
	if len(s) > cqlMaxLen {
		return nil, fmt.Errorf("longer than %d bytes", cqlMaxLen)
	}
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("not UTF-8 text")
	}
	toks, err := cqlLex(s)
	if err != nil {
		return nil, err
	}
	p := &cqlParser{toks: toks, types: types}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != "end" {
		return nil, p.want(t, "AND, OR or the end of the filter")
	}
	return e, nil
}

func (p *cqlParser) peek() cqlToken { return p.toks[p.at] }

func (p *cqlParser) next() cqlToken {
	t := p.toks[p.at]
	if t.kind != "end" {
		p.at++
	}
	return t
}

// keyword reports whether the next token is the word w (any case), and
// takes it if so.
func (p *cqlParser) keyword(w string) bool {
	if t := p.peek(); t.kind == "ident" && strings.EqualFold(t.text, w) {
		p.at++
		return true
	}
	return false
}

// op reports whether the next token is the operator o, and takes it if so.
func (p *cqlParser) op(o string) bool {
	if t := p.peek(); t.kind == "op" && t.text == o {
		p.at++
		return true
	}
	return false
}

func (p *cqlParser) want(t cqlToken, what string) error {
	return &cqlError{t.pos, "want " + what + ", found " + t.String()}
}

func (p *cqlParser) expect(o string) error {
	if !p.op(o) {
		return p.want(p.peek(), quote(o))
	}
	return nil
}

func (p *cqlParser) or() (cqlExpr, error) {
	e, err := p.and()
	for err == nil && p.keyword("OR") {
		var b cqlExpr
		if b, err = p.and(); err == nil {
			e = cqlOr{e, b}
		}
	}
	return e, err
}

func (p *cqlParser) and() (cqlExpr, error) {
	e, err := p.not()
	for err == nil && p.keyword("AND") {
		var b cqlExpr
		if b, err = p.not(); err == nil {
			e = cqlAnd{e, b}
		}
	}
	return e, err
}

func (p *cqlParser) not() (cqlExpr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > cqlMaxDepth {
		return nil, &cqlError{p.peek().pos, fmt.Sprintf("nested deeper than %d", cqlMaxDepth)}
	}
	if p.keyword("NOT") {
		e, err := p.not()
		return cqlNot{e}, err
	}
	return p.primary()
}

func (p *cqlParser) primary() (cqlExpr, error) {
	t := p.peek()
	switch {
	case p.op("("):
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		return e, p.expect(")")
	case p.keyword("TRUE"):
		return cqlBool(true), nil
	case p.keyword("FALSE"):
		return cqlBool(false), nil
	case p.keyword("S_INTERSECTS"):
		return p.intersects()
	case t.kind == "ident" || t.kind == "qident":
		return p.predicate()
	}
	return nil, p.want(t, "a property, NOT, \"(\" or S_INTERSECTS")
}

// property reads a property name and returns it with its type.
func (p *cqlParser) property() (string, string, error) {
	t := p.next()
	if t.kind != "ident" && t.kind != "qident" {
		return "", "", p.want(t, "a property")
	}
	typ, ok := p.types[t.text]
	if !ok {
		return "", "", &cqlError{t.pos, "no queryable " + quote(t.text) + "; want one of " + strings.Join(sortedKeys(p.types), ", ")}
	}
	return t.text, typ, nil
}

func (p *cqlParser) predicate() (cqlExpr, error) {
	start := p.peek()
	prop, typ, err := p.property()
	if err != nil {
		return nil, err
	}
	if typ == "geometry" {
		return nil, &cqlError{start.pos, "the geometry is compared only with S_INTERSECTS"}
	}
	if t := p.peek(); t.kind == "op" {
		switch t.text {
		case "=", "<>", "<", "<=", ">", ">=":
			p.at++
			lit, err := p.literal(typ)
			if err != nil {
				return nil, err
			}
			if typ == "boolean" && t.text != "=" && t.text != "<>" {
				return nil, &cqlError{t.pos, "a boolean is compared only with = or <>"}
			}
			return cqlCompare{prop, t.text, lit}, nil
		}
	}
	if p.keyword("IS") {
		negate := p.keyword("NOT")
		if !p.keyword("NULL") {
			return nil, p.want(p.peek(), "NULL")
		}
		return negated(cqlIsNull{prop}, negate), nil
	}
	negate := p.keyword("NOT")
	switch {
	case p.keyword("LIKE"), p.keyword("ILIKE"):
		// ILIKE, LIKE without regard to case, is not CQL2 (which has
		// CASEI) but GDAL sends it for an OGR SQL ILIKE.
		fold := strings.EqualFold(p.toks[p.at-1].text, "ILIKE")
		if typ != "string" {
			return nil, &cqlError{start.pos, quote(prop) + " is " + article(typ) + "; LIKE takes a string property"}
		}
		t := p.next()
		if t.kind != "string" {
			return nil, p.want(t, "a pattern in single quotes")
		}
		return negated(cqlLike{prop, likePattern(t.text, fold)}, negate), nil
	case p.keyword("BETWEEN"):
		if typ != "integer" && typ != "number" {
			return nil, &cqlError{start.pos, quote(prop) + " is " + article(typ) + "; BETWEEN takes a numeric property"}
		}
		lo, err := p.literal(typ)
		if err != nil {
			return nil, err
		}
		if !p.keyword("AND") {
			return nil, p.want(p.peek(), "AND")
		}
		hi, err := p.literal(typ)
		if err != nil {
			return nil, err
		}
		return negated(cqlAnd{cqlCompare{prop, ">=", lo}, cqlCompare{prop, "<=", hi}}, negate), nil
	case p.keyword("IN"):
		if err := p.expect("("); err != nil {
			return nil, err
		}
		var lits []any
		for {
			lit, err := p.literal(typ)
			if err != nil {
				return nil, err
			}
			lits = append(lits, lit)
			if p.op(")") {
				break
			}
			if !p.op(",") {
				return nil, p.want(p.peek(), "\",\" or \")\"")
			}
		}
		return negated(cqlIn{prop, lits}, negate), nil
	}
	if negate {
		return nil, p.want(p.peek(), "LIKE, BETWEEN or IN after NOT")
	}
	return nil, p.want(p.peek(), "a comparison (=, <>, <, <=, >, >=), LIKE, BETWEEN, IN or IS NULL")
}

func negated(e cqlExpr, not bool) cqlExpr {
	if not {
		return cqlNot{e}
	}
	return e
}

// article names a type for an error: "a string", "an integer".
func article(typ string) string {
	if typ == "integer" {
		return "an integer"
	}
	return "a " + typ
}

// literal reads a literal of the property's type: a string in single
// quotes, a number, or TRUE/FALSE. Numbers are float64s.
func (p *cqlParser) literal(typ string) (any, error) {
	t := p.next()
	switch typ {
	case "string":
		if t.kind == "string" {
			return t.text, nil
		}
	case "integer", "number":
		if t.kind == "number" {
			f, _ := strconv.ParseFloat(t.text, 64) // checked by cqlLex
			return f, nil
		}
	case "boolean":
		if t.kind == "ident" && (strings.EqualFold(t.text, "TRUE") || strings.EqualFold(t.text, "FALSE")) {
			return strings.EqualFold(t.text, "TRUE"), nil
		}
	}
	return nil, p.want(t, article(typ)+" literal")
}

// likePattern turns a LIKE pattern into a regular expression over the
// whole string: % is any run of characters, _ one character, and a
// backslash takes the next character as it is; fold ignores case.
func likePattern(pat string, fold bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^(?s)`)
	if fold {
		b.WriteString(`(?i)`)
	}
	escaped := false
	for _, r := range pat {
		switch {
		case escaped:
			b.WriteString(regexp.QuoteMeta(string(r)))
			escaped = false
		case r == '\\':
			escaped = true
		case r == '%':
			b.WriteString(".*")
		case r == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	if escaped {
		b.WriteString(`\\`)
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String()) // every piece is quoted or a fixed one
}

// intersects reads the arguments of S_INTERSECTS: the geometry property
// and a POINT, BBOX or POLYGON literal, in either order.
func (p *cqlParser) intersects() (cqlExpr, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var e cqlExpr
	var err error
	if t := p.peek(); t.kind == "ident" && p.isGeometryLiteral(t.text) {
		if e, err = p.geometryLiteral(); err != nil {
			return nil, err
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
		if err := p.geometryProperty(); err != nil {
			return nil, err
		}
	} else {
		if err := p.geometryProperty(); err != nil {
			return nil, err
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
		if e, err = p.geometryLiteral(); err != nil {
			return nil, err
		}
	}
	return e, p.expect(")")
}

func (p *cqlParser) isGeometryLiteral(w string) bool {
	for _, k := range []string{"POINT", "BBOX", "POLYGON"} {
		if strings.EqualFold(w, k) {
			return true
		}
	}
	return false
}

func (p *cqlParser) geometryProperty() error {
	t := p.peek()
	_, typ, err := p.property()
	if err != nil {
		return err
	}
	if typ != "geometry" {
		return &cqlError{t.pos, quote(t.text) + " is not a geometry; S_INTERSECTS takes \"geometry\""}
	}
	return nil
}

// geometryLiteral reads POINT(x y), BBOX(x1, y1, x2, y2) or POLYGON((x y,
// ...), ...) in CRS84 lon/lat. A box whose x1 is above x2 crosses the
// antimeridian, as bbox= does.
func (p *cqlParser) geometryLiteral() (cqlExpr, error) {
	t := p.peek()
	switch {
	case p.keyword("POINT"):
		if err := p.expect("("); err != nil {
			return nil, err
		}
		pt, err := p.position()
		if err != nil {
			return nil, err
		}
		b := orb.Bound{Min: pt, Max: pt}
		return cqlIntersects{box: &b}, p.expect(")")
	case p.keyword("BBOX"):
		if err := p.expect("("); err != nil {
			return nil, err
		}
		var v []string
		for {
			n := p.next()
			if n.kind != "number" {
				return nil, p.want(n, "a number")
			}
			v = append(v, n.text)
			if p.op(")") {
				break
			}
			if !p.op(",") {
				return nil, p.want(p.peek(), "\",\" or \")\"")
			}
		}
		boxes, err := parseBBox(strings.Join(v, ","))
		if err != nil {
			return nil, &cqlError{t.pos, "BBOX: " + err.Error()}
		}
		var e cqlExpr = cqlIntersects{box: &boxes[0]}
		if len(boxes) == 2 {
			e = cqlOr{e, cqlIntersects{box: &boxes[1]}}
		}
		return e, nil
	case p.keyword("POLYGON"):
		if err := p.expect("("); err != nil {
			return nil, err
		}
		var poly orb.Polygon
		for {
			ringAt := p.peek()
			if err := p.expect("("); err != nil {
				return nil, err
			}
			var r orb.Ring
			for {
				pt, err := p.position()
				if err != nil {
					return nil, err
				}
				r = append(r, pt)
				if p.op(")") {
					break
				}
				if !p.op(",") {
					return nil, p.want(p.peek(), "\",\" or \")\"")
				}
			}
			if len(r) < 4 || r[0] != r[len(r)-1] {
				return nil, &cqlError{ringAt.pos, "a polygon ring needs at least 4 positions, the last equal to the first"}
			}
			poly = append(poly, r)
			if p.op(")") {
				break
			}
			if !p.op(",") {
				return nil, p.want(p.peek(), "\",\" or \")\"")
			}
		}
		return cqlIntersects{poly: poly}, nil
	}
	return nil, p.want(t, "POINT, BBOX or POLYGON")
}

// position reads "lon lat" in CRS84.
func (p *cqlParser) position() (orb.Point, error) {
	var pt orb.Point
	for i := range pt {
		t := p.next()
		if t.kind != "number" {
			return pt, p.want(t, "a number")
		}
		pt[i], _ = strconv.ParseFloat(t.text, 64) // checked by cqlLex
	}
	if pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90 {
		return pt, &cqlError{p.toks[p.at-2].pos, fmt.Sprintf("position %g %g is outside lon -180 to 180, lat -90 to 90", pt[0], pt[1])}
	}
	return pt, nil
}
