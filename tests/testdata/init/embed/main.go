// Command storefront serves a front end built into dist/ and a server-side template,
// both embedded in the binary.
package main

import (
	"embed"
	"io/fs"
	"log"
	"net/http"
	"time"

	"github.com/acme/storefront/web"
)

//go:embed all:dist
var dist embed.FS

func main() {
	site, err := fs.Sub(dist, "dist")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServerFS(site))
	mux.HandleFunc("GET /hello", web.Hello)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
