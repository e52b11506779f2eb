// Command kong reads its listen port from a struct kong fills, with a default in a tag.
package main

import (
	"fmt"
	"log"
	"net"

	"github.com/alecthomas/kong"
)

var cli struct {
	Port int    `help:"Port to serve on." default:"8102"`
	Host string `help:"Host to bind." default:""`
}

func main() {
	kong.Parse(&cli)
	l, err := net.Listen("tcp", fmt.Sprintf("%s:%d", cli.Host, cli.Port))
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	select {}
}
