package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

var queries atomic.Int64

// serve answers DNS over UDP and TCP on dnsAddr and the HTTP API on httpAddr until
// SIGTERM.
func serve(store *Store, dnsAddr, httpAddr string) error {
	udp, err := net.ListenPacket("udp", dnsAddr)
	if err != nil {
		return err
	}
	tcp, err := net.Listen("tcp", dnsAddr)
	if err != nil {
		return err
	}
	go serveUDP(store, udp)
	go serveTCP(store, tcp)
	srv := &http.Server{Addr: httpAddr, Handler: api(store), ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Printf("names: DNS on %s (udp, tcp), HTTP on %s, data in %s", dnsAddr, httpAddr, store.Dir)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func api(store *Store) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintf(w, "# TYPE names_queries_total counter\nnames_queries_total %d\n", queries.Load())
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"service":"names","layout":%d,"uid":%d}`+"\n", store.Version(), os.Getuid())
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if v := store.Version(); v != layoutVersion {
			http.Error(w, fmt.Sprintf("data layout %d, want %d", v, layoutVersion), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.HandleFunc("PUT /records/{name}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 64))
		if err := store.Put(r.PathValue("name"), string(body)); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /records/{name}", func(w http.ResponseWriter, r *http.Request) {
		ip, ok, err := store.Get(r.PathValue("name"))
		switch {
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		case !ok:
			http.NotFound(w, r)
		default:
			fmt.Fprintf(w, `{"name":%q,"a":%q,"uid":%d}`+"\n", r.PathValue("name"), ip, os.Getuid())
		}
	})
	return mux
}

func serveUDP(store *Store, conn net.PacketConn) {
	buf := make([]byte, 512)
	for {
		n, addr, err := conn.ReadFrom(buf)
		if err != nil {
			log.Printf("udp: %v", err)
			return
		}
		if reply, ok := answer(store, buf[:n]); ok {
			_, _ = conn.WriteTo(reply, addr)
		}
	}
}

// serveTCP reads length-prefixed messages (RFC 1035 4.2.2), one connection each.
func serveTCP(store *Store, l net.Listener) {
	for {
		conn, err := l.Accept()
		if err != nil {
			log.Printf("tcp: %v", err)
			return
		}
		go func() {
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			var size uint16
			if binary.Read(conn, binary.BigEndian, &size) != nil {
				return
			}
			msg := make([]byte, size)
			if _, err := io.ReadFull(conn, msg); err != nil {
				return
			}
			reply, ok := answer(store, msg)
			if !ok {
				return
			}
			_ = binary.Write(conn, binary.BigEndian, uint16(len(reply)))
			_, _ = conn.Write(reply)
		}()
	}
}

// answer builds the reply to one query: the A record when the name has one, else
// NXDOMAIN; ok is false for what is not a query.
func answer(store *Store, query []byte) ([]byte, bool) {
	queries.Add(1)
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil || h.Response {
		return nil, false
	}
	q, err := p.Question()
	if err != nil {
		return nil, false
	}
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RCode: dnsmessage.RCodeSuccess}
	ip, found, _ := store.Get(q.Name.String())
	if !found {
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	_ = b.StartQuestions()
	_ = b.Question(q)
	_ = b.StartAnswers()
	if found && q.Type == dnsmessage.TypeA {
		_ = b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}, dnsmessage.AResource{A: ip.As4()})
	}
	reply, err := b.Finish()
	return reply, err == nil
}
