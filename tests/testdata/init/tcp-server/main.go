// Command echo is a raw TCP echo server: no HTTP routes, so no health endpoint.
package main

import (
	"io"
	"log"
	"net"
)

func main() {
	ln, err := net.Listen("tcp", ":9000")
	if err != nil {
		log.Fatal(err)
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go func() { defer c.Close(); io.Copy(c, c) }()
	}
}
