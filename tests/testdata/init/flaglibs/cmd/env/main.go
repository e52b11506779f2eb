// Command env listens on $PORT, 8103 when it is unset, and on a metrics port built
// with strconv.
package main

import (
	"cmp"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
)

const metricsPort = 9103

func main() {
	go func() {
		log.Fatal(http.ListenAndServe(net.JoinHostPort("", strconv.Itoa(metricsPort)), nil))
	}()
	log.Fatal(http.ListenAndServe(":"+cmp.Or(os.Getenv("PORT"), "8103"), nil))
}
