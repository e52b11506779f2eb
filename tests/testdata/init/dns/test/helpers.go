// Package test holds helpers the tests of every package share. It is not a _test.go
// file, so the build sees it, but only tests start its server.
package test

import "net"

// TestPort is where StartServer listens.
const TestPort = "1053"

// Zone is the zone the tests serve.
const Zone = "example.test."

// StartServer listens where the tests send their queries.
func StartServer() (net.PacketConn, error) {
	return net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", TestPort))
}
