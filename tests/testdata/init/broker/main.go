// Command broker is a message broker in the shape of the ones whose constants name a
// dozen ports: clients connect on the default port; the cluster, leaf node, gateway
// and websocket listeners open only when configured, and monitoring only with -m.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"example.com/broker/server"
)

func main() {
	fs := flag.NewFlagSet("broker", flag.ExitOnError)
	opts, err := server.ConfigureOptions(fs, os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s := server.New(opts)
	if err := s.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	<-stop
	s.Shutdown()
}
