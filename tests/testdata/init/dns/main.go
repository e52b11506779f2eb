// Command dnsd answers DNS on port 53 over UDP and TCP by default.
package main

import (
	"flag"
	"log"
	"net"

	"example.com/dnsd/server"
	"example.com/dnsd/test"
	"example.com/dnsd/transport"
)

var (
	port     = flag.String("dns.port", transport.Port, "port to answer DNS on (UDP and TCP)")
	host     = flag.String("dns.host", "", "address to bind")
	upstream = flag.String("upstream", "", "DNS-over-TLS resolver to forward to")
)

func main() {
	flag.Parse()
	s := &server.Server{Addr: net.JoinHostPort(*host, *port), Upstream: *upstream}
	log.Printf("serving %s (tests use zone %s)", s.Addr, test.Zone)
	go func() { log.Fatal(s.ServePacket()) }()
	log.Fatal(s.Serve())
}
