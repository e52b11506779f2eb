// Package server answers DNS over UDP and TCP and forwards what it does not know to
// an upstream over DNS-over-TLS.
package server

import (
	"crypto/tls"
	"encoding/binary"
	"io"
	"net"
	"time"

	"example.com/dnsd/transport"
)

// Server answers on one address over both UDP and TCP.
type Server struct {
	Addr     string
	Upstream string
}

// ServePacket answers queries over UDP.
func (s *Server) ServePacket() error {
	pc, err := net.ListenPacket("udp", s.Addr)
	if err != nil {
		return err
	}
	buf := make([]byte, 512)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return err
		}
		pc.WriteTo(s.answer(buf[:n]), from)
	}
}

// Serve answers queries over TCP, each message with its two-byte length.
func (s *Server) Serve() error {
	l, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return err
	}
	for {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		go func() {
			defer c.Close()
			var size uint16
			if binary.Read(c, binary.BigEndian, &size) != nil {
				return
			}
			q := make([]byte, size)
			if _, err := io.ReadFull(c, q); err != nil {
				return
			}
			a := s.answer(q)
			binary.Write(c, binary.BigEndian, uint16(len(a)))
			c.Write(a)
		}()
	}
}

// answer refuses everything it cannot forward.
func (s *Server) answer(q []byte) []byte {
	if len(q) < 12 {
		return nil
	}
	a := append([]byte(nil), q...)
	a[2] |= 0x80         // a response
	a[3] = a[3]&0xf0 | 5 // REFUSED
	if s.Upstream != "" {
		if fwd, err := s.forward(q); err == nil {
			return fwd
		}
	}
	return a
}

// forward asks the upstream over DNS-over-TLS: a port this program dials, never one it
// listens on.
func (s *Server) forward(q []byte) ([]byte, error) {
	d := &net.Dialer{Timeout: 2 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", net.JoinHostPort(s.Upstream, transport.TLSPort), &tls.Config{ServerName: s.Upstream})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	binary.Write(c, binary.BigEndian, uint16(len(q)))
	c.Write(q)
	var size uint16
	if err := binary.Read(c, binary.BigEndian, &size); err != nil {
		return nil, err
	}
	a := make([]byte, size)
	_, err = io.ReadFull(c, a)
	return a, err
}
