// Package framework is a tiny web framework: the module's product is a library, its
// server is the example, and its only other main generates code.
package framework

import "net/http"

// Router wraps http.ServeMux.
type Router struct{ mux *http.ServeMux }

// New returns a Router.
func New() *Router { return &Router{mux: http.NewServeMux()} }

// Get registers a GET route.
func (r *Router) Get(path string, h http.HandlerFunc) { r.mux.HandleFunc("GET "+path, h) }

// Listen serves on addr.
func (r *Router) Listen(addr string) error { return http.ListenAndServe(addr, r.mux) }
