// Command names is a tiny authoritative DNS server for A records kept as files in a
// data directory, with an HTTP API to change them: the kind of service that needs
// arguments, UDP and TCP on one port, and a writable directory under a read-only root.
//
//	names serve --data DIR --dns :53 --http :8080
//	names migrate --data DIR
//	names healthcheck --http :8080   (the image's HEALTHCHECK: no shell or curl in it)
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: names serve|migrate [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	data := fs.String("data", "/var/lib/names", "data directory")
	dnsAddr := fs.String("dns", ":53", "DNS address (UDP and TCP)")
	httpAddr := fs.String("http", ":8080", "HTTP address")
	_ = fs.Parse(os.Args[2:])
	store := &Store{Dir: *data}
	switch os.Args[1] {
	case "migrate":
		if err := store.Migrate(); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("migrated %s to layout %d\n", *data, layoutVersion)
	case "serve":
		if err := store.Migrate(); err != nil { // a first start on an empty volume
			log.Fatal(err)
		}
		log.Fatal(serve(store, *dnsAddr, *httpAddr))
	case "healthcheck":
		if err := healthcheck(*httpAddr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
}

func healthcheck(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	client := http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthz: %s", resp.Status)
	}
	return nil
}
