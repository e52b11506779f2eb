package detect

import (
	"os"
	"testing"
)

// BenchmarkInspect reads the module BERTH_BENCH_MODULE names (bench/init-large.sh
// prepares a 50k-line one) without and with the program analysis; the difference is
// what the analysis costs.
func BenchmarkInspect(b *testing.B) {
	dir := os.Getenv("BERTH_BENCH_MODULE")
	if dir == "" {
		b.Skip("BERTH_BENCH_MODULE is not set: run bench/init-large.sh")
	}
	for _, c := range []struct {
		name  string
		reach bool
	}{{"scan", false}, {"scan+analysis", true}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Inspect(dir, Options{Reach: c.reach}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
