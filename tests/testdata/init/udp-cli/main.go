// Command syslogd receives syslog over UDP on 5514, keeps it in a SQLite-free file
// store under --db, and serves an HTTP API; it starts with "syslogd serve" (the other
// subcommands are one-off tools), the way many CLIs built on subcommands do.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: syslogd serve|compact|version")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	db := fs.String("db", "/var/lib/syslogd/messages.log", "message store")
	api := fs.String("api", ":8080", "HTTP API address")
	_ = fs.Parse(os.Args[2:])
	switch os.Args[1] {
	case "serve":
		serve(*db, *api)
	case "compact":
		fmt.Println("compacting", *db)
	case "version":
		fmt.Println("syslogd 1.0")
	}
}

func serve(db, api string) {
	if err := os.MkdirAll(filepath.Dir(db), 0o755); err != nil {
		log.Fatal(err)
	}
	conn, err := net.ListenPacket("udp", ":5514")
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, _, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			f, _ := os.OpenFile(db, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			f.Write(append(buf[:n], '\n'))
			f.Close()
		}
	}()
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	log.Fatal(http.ListenAndServe(api, nil))
}
