package lint

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzLint: any bytes as a Dockerfile lint without a panic, in bounded time, and every
// finding is located in the file.
func FuzzLint(f *testing.F) {
	corpus, _ := filepath.Glob("../../tests/testdata/lint/bad/*/Dockerfile")
	for _, p := range corpus {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add(chainedStages(40))
	f.Add([]byte("FROM a AS b\nFROM b AS a\nCOPY --from=a / /\nRUN \x00\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		name := filepath.Join(dir, "Dockerfile")
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		findings, err := Lint([]string{name}, Config{})
		if elapsed := time.Since(start); elapsed > 10*time.Second {
			t.Fatalf("lint took %v on %d bytes", elapsed, len(data))
		}
		if err != nil {
			return // a file BuildKit cannot parse is an error, not a finding
		}
		for _, f := range findings {
			if f.File != name || f.Line < 1 || f.Message == "" || f.Rule == "" {
				t.Fatalf("badly located finding %+v", f)
			}
		}
	})
}
