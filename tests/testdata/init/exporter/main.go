// Command dot_exporter probes DNS-over-TLS resolvers for Prometheus, in the shape of
// the Prometheus exporters: kingpin flags, the exporter toolkit's web flags and
// listener, a configuration file named by a flag, and /-/healthy and /-/ready.
package main

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/exporter-toolkit/web"
	webflag "github.com/prometheus/exporter-toolkit/web/kingpinflag"
)

// resolverPort is where the probed resolvers answer: this program dials it, it never
// listens on it.
const resolverPort = "853"

var (
	configFile   = kingpin.Flag("config.file", "Probe configuration file.").Default("dot.yml").String()
	probeTimeout = kingpin.Flag("probe.timeout", "How long one probe may take.").Default("5s").Duration()
)

func probe(target string) error {
	d := &net.Dialer{Timeout: *probeTimeout}
	conn, err := tls.DialWithDialer(d, "tcp", net.JoinHostPort(target, resolverPort), &tls.Config{ServerName: target})
	if err != nil {
		return err
	}
	return conn.Close()
}

func main() {
	toolkitFlags := webflag.AddFlags(kingpin.CommandLine, ":9153")
	kingpin.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

	config, err := os.ReadFile(*configFile)
	if err != nil {
		logger.Error("reading the configuration", "err", err)
		os.Exit(1)
	}
	logger.Info("configuration loaded", "bytes", len(config))

	mux := http.NewServeMux()
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "Healthy.") })
	mux.HandleFunc("/-/ready", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "Ready.") })
	mux.HandleFunc("/probe", func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if err := probe(r.URL.Query().Get("target")); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprintf(w, "probe_duration_seconds %f\n", time.Since(start).Seconds())
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := web.ListenAndServe(srv, toolkitFlags, logger); err != nil {
		logger.Error("serving", "err", err)
		os.Exit(1)
	}
}
