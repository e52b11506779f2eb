package testutil

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// QueryA asks addr for the A record of name over proto (udp or tcp, RFC 1035 framing)
// and returns the address and the response code.
func QueryA(t *testing.T, proto, addr, name string) (string, dnsmessage.RCode) {
	t.Helper()
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 7, RecursionDesired: true})
	_ = b.StartQuestions()
	_ = b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName(name), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET})
	msg, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout(proto, addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	reply := make([]byte, 512)
	if proto == "tcp" {
		_ = binary.Write(conn, binary.BigEndian, uint16(len(msg)))
		_, err = conn.Write(msg)
		var size uint16
		if err == nil {
			err = binary.Read(conn, binary.BigEndian, &size)
		}
		if err == nil {
			reply = make([]byte, size)
			_, err = io.ReadFull(conn, reply)
		}
	} else {
		var n int
		if _, err = conn.Write(msg); err == nil {
			n, err = conn.Read(reply)
			reply = reply[:n]
		}
	}
	if err != nil {
		t.Fatalf("DNS over %s to %s: %v", proto, addr, err)
	}
	var p dnsmessage.Parser
	h, err := p.Start(reply)
	if err != nil {
		t.Fatal(err)
	}
	_ = p.SkipAllQuestions()
	ans, err := p.AllAnswers()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ans {
		if r, ok := a.Body.(*dnsmessage.AResource); ok {
			return net.IP(r.A[:]).String(), h.RCode
		}
	}
	return "", h.RCode
}
