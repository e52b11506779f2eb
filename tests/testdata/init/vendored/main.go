// Command billing issues invoice numbers; its dependencies are vendored.
package main

import (
	"fmt"
	"log"
	"net/http"

	"github.com/google/uuid"
)

const listenAddr = ":7070"

func main() {
	http.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	http.HandleFunc("/invoices", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, uuid.NewString()) })
	log.Fatal(http.ListenAndServe(listenAddr, nil))
}
