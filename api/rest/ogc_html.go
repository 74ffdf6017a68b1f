package rest

import (
	_ "embed"
	"html/template"
)

// ogcTemplates are the HTML pages of OGC API – Features, one template per
// resource: landing, conformance, collections, collection, items, item.
//
//go:embed ogc.html
var ogcTemplates string

// ogcPages is parsed once; a template that does not parse is a bug found
// by every test, never a request's failure.
var ogcPages = template.Must(template.New("ogc").Funcs(template.FuncMap{
	"isNumber": func(v any) bool {
		switch v.(type) {
		case int, float64:
			return true
		}
		return false
	},
}).Parse(ogcTemplates))
