// Command hasher serves checksums. Its dependency carries an optional cgo fast path
// with a pure-Go fallback, as dlopen-style libraries do: the image builds without cgo.
package main

import (
	"fmt"
	"log"
	"net/http"

	"example.com/checksum"
)

func main() {
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	http.HandleFunc("/sum", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, checksum.Sum([]byte(r.URL.Query().Get("s"))))
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
