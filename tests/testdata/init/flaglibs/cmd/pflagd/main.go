// Command pflagd reads its address with pflag's shorthand form into a struct field.
package main

import (
	"log"
	"net/http"

	"github.com/spf13/pflag"
)

type options struct{ addr string }

func main() {
	var o options
	pflag.StringVarP(&o.addr, "addr", "a", ":8104", "address to serve on")
	pflag.Parse()
	log.Fatal(http.ListenAndServe(o.addr, nil))
}
