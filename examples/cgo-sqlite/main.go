// Command cgo-sqlite is a berth example that links SQLite through cgo
// (github.com/mattn/go-sqlite3), so it needs a glibc builder and runtime: berth pairs
// them (debian trixie) and refuses scratch or static distroless for it.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "healthcheck" {
		os.Exit(healthcheck())
	}
	if err := run(); err != nil {
		slog.Error("cgo-sqlite stopped", "err", err)
		os.Exit(1)
	}
}

func run() error {
	// The root filesystem is read-only in production; the database lives in /tmp.
	db, err := sql.Open("sqlite3", "file:/tmp/visits.db?_journal_mode=WAL")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS visits (at TEXT NOT NULL)`); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := db.PingContext(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.HandleFunc("GET /visits", func(w http.ResponseWriter, r *http.Request) {
		var version string
		var count int
		err := db.QueryRowContext(r.Context(), `SELECT sqlite_version()`).Scan(&version)
		if err == nil {
			_, err = db.ExecContext(r.Context(), `INSERT INTO visits (at) VALUES (?)`, time.Now().UTC().Format(time.RFC3339Nano))
		}
		if err == nil {
			err = db.QueryRowContext(r.Context(), `SELECT count(*) FROM visits`).Scan(&count)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"sqlite": version, "visits": count, "uid": os.Getuid()})
	})
	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	slog.Info("listening", "addr", srv.Addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func healthcheck() int {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://127.0.0.1:8080/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}
