package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// chainedStages is a Dockerfile of n stages, each FROM the one before, each with an ENV
// and a go command: the shape that made stage resolution quadratic.
func chainedStages(n int) []byte {
	var b strings.Builder
	b.WriteString("FROM golang:1.26.8-trixie AS s0\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "FROM s%d AS s%d\nENV V%d=%d\nRUN go env GOPATH\n", i-1, i, i%7, i)
	}
	b.WriteString("RUN go env -w GOFLAGS=-mod=mod\nUSER 65532:65532\n")
	return []byte(b.String())
}

func lintChain(b testing.TB, n int) {
	dir := b.TempDir()
	name := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(name, chainedStages(n), 0o644); err != nil {
		b.Fatal(err)
	}
	if _, err := Lint([]string{name}, Config{}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkLintChainedStages: lint time per Dockerfile of 500, 2,000 and 5,000 chained
// stages; linear resolution keeps the per-stage time flat.
func BenchmarkLintChainedStages(b *testing.B) {
	for _, n := range []int{500, 2000, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				lintChain(b, n)
			}
		})
	}
}
