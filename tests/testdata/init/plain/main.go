// Command orders serves the order API and, on a second port, its metrics.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	listen := flag.String("listen-addr", ":8081", "address of the API")
	metrics := flag.String("metrics-addr", ":9090", "address of the Prometheus metrics")
	flag.Parse()

	go func() {
		m := http.NewServeMux()
		m.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "orders_up 1") })
		log.Fatal(http.ListenAndServe(*metrics, m))
	}()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ready") })
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "[] region=%s\n", os.Getenv("ORDERS_REGION"))
	})
	log.Fatal(http.ListenAndServe(*listen, mux))
}
