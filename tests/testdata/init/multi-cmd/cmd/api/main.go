// Command api serves the shop.
package main

import (
	"cmp"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/acme/shop/internal/store"
)

func main() {
	port := cmp.Or(os.Getenv("PORT"), "8080")
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "shop", store.DSN() != "") })
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
