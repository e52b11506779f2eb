// Package web renders the server-side pages from embedded templates.
package web

import (
	"embed"
	"html/template"
	"net/http"
)

//go:embed templates/*.tmpl
var files embed.FS

var pages = template.Must(template.ParseFS(files, "templates/*.tmpl"))

// Hello greets the visitor.
func Hello(w http.ResponseWriter, r *http.Request) {
	pages.ExecuteTemplate(w, "hello.tmpl", r.URL.Query().Get("name"))
}
