// Command runtimeport listens on a port it computes at run time from a hash, which no
// reading of the code can fold to a number: only running it shows the port.
package main

import (
	"fmt"
	"hash/fnv"
	"log"
	"net"
	"net/http"
)

func port() int {
	h := fnv.New32a()
	h.Write([]byte("berth"))
	return 20000 + int(h.Sum32()%10000)
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ready") })
	l, err := net.Listen("tcp", fmt.Sprintf(":%d", port()))
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.Serve(l, mux))
}
