// Command worker is the background half of the multi-binary example: it reads the same
// config and processes its queue until stopped. With -once it does one pass and exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"example.com/multi-binary/internal/config"
)

func main() {
	once := flag.Bool("once", false, "process one batch and exit")
	flag.Parse()
	cfg, err := config.Load(config.Path())
	if err != nil {
		slog.Error("worker", "err", err)
		os.Exit(1)
	}
	if *once {
		fmt.Printf("worker processed queue %s\n", cfg.Queue)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			slog.Info("processed", "queue", cfg.Queue)
		}
	}
}
