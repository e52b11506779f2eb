// Command toolkit builds the exporter toolkit's FlagConfig by hand from a kingpin
// flag, as exporters written before kingpinflag.AddFlags do.
package main

import (
	"log/slog"
	"net/http"
	"os"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/exporter-toolkit/web"
)

var listenAddress = kingpin.Flag("web.listen-address", "Address to listen on.").Default(":8105").String()

func main() {
	kingpin.Parse()
	flags := &web.FlagConfig{WebListenAddresses: &[]string{*listenAddress}, WebConfigFile: new(string)}
	srv := &http.Server{Handler: http.NotFoundHandler()}
	if err := web.ListenAndServe(srv, flags, slog.New(slog.NewTextHandler(os.Stderr, nil))); err != nil {
		os.Exit(1)
	}
}
