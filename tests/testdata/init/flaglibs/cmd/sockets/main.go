// Command sockets listens with net.ListenTCP on a literal address and net.ListenUDP on
// a resolved one.
package main

import (
	"log"
	"net"
)

func main() {
	tcp, err := net.ListenTCP("tcp", &net.TCPAddr{Port: 8106})
	if err != nil {
		log.Fatal(err)
	}
	defer tcp.Close()
	addr, err := net.ResolveUDPAddr("udp", ":8107")
	if err != nil {
		log.Fatal(err)
	}
	udp, err := net.ListenUDP("udp", addr)
	if err != nil {
		log.Fatal(err)
	}
	defer udp.Close()
	select {}
}
