package tests

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/berth-dev/berth/generator"
)

// BenchmarkGenerate measures one descriptor through the whole flow (load, schema,
// rules, render, .dockerignore proof), in memory. Target: well under 50 ms.
func BenchmarkGenerate(b *testing.B) {
	name, _ := filepath.Abs("../examples/hello/service.yaml")
	src, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	repo := os.DirFS(filepath.Dir(name))
	for b.Loop() {
		if _, err := generator.Generate(name, src, repo); err != nil {
			b.Fatal(err)
		}
	}
}
