// Command server is the framework's example server, the one thing here that serves.
package main

import (
	"fmt"
	"log"
	"net/http"

	"example.com/framework"
)

func main() {
	r := framework.New()
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	log.Fatal(r.Listen(":8090"))
}
