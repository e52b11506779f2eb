// Command prober answers HTTP on the address of --listen and probes a DNS-over-TLS
// upstream. Its imported fake package can start a listener, but only its tests call
// that: nothing reachable from main listens on the fake's port or dials as a server.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"log"
	"net/http"

	"example.com/prober/internal/fake"
)

var listen string

func main() {
	flag.StringVar(&listen, "listen", ":7000", "address to serve on")
	upstream := flag.String("upstream", "dns.example.net:853", "DNS-over-TLS server to probe")
	flag.Parse()
	srv := &http.Server{Addr: listen}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		conn, err := tls.Dial("tcp", *upstream, nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		conn.Close()
		fmt.Fprintln(w, "ok", fake.Name)
	})
	go func() { log.Fatal(srv.ListenAndServe()) }()
	select {}
}
