package tests

import (
	"os"
	"path/filepath"
	"testing"
)

// tool finds a pinned command in the repository's bin/, where `make tools` installs it
// (a version on PATH could differ). Missing, it skips loudly, except under CI=true where
// it fails: CI must run every check.
func tool(t *testing.T, rel string) string {
	t.Helper()
	if p, err := filepath.Abs(filepath.Join("..", "bin", rel)); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "\n\n*** SKIPPING: bin/" + rel + " is missing; run `make tools` to install it ***\n\n"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}
