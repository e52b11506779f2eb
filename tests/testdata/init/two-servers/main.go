// Command orders serves its API with a readiness route registered through a helper
// that prefixes paths, and a second, admin server with the liveness route: each
// probe must go to the port of the server that answers it.
package main

import (
	"fmt"
	"log"
	"net/http"
	"sync/atomic"
)

const apiPrefix = "/v1"

type apiServer struct {
	router *http.ServeMux
	prefix string
	ready  atomic.Bool
}

func (s *apiServer) prefixedPath(p string) string { return s.prefix + p }

func newAPI(prefix string) *apiServer {
	s := &apiServer{router: http.NewServeMux(), prefix: prefix}
	s.router.HandleFunc(s.prefixedPath("/readyz"), s.readyz)
	s.router.HandleFunc(s.prefixedPath("/orders"), s.orders)
	return s
}

func (s *apiServer) readyz(w http.ResponseWriter, _ *http.Request) {
	if !s.ready.Load() {
		http.Error(w, "warming up", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

func (s *apiServer) orders(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "[]") }

func main() {
	api := newAPI(apiPrefix)
	admin := http.NewServeMux()
	admin.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	go func() { log.Fatal(http.ListenAndServe(":9090", admin)) }()
	api.ready.Store(true)
	log.Fatal(http.ListenAndServe(":8080", api.router))
}
