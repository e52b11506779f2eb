package tests

import (
	"os"
	"path/filepath"
	"testing"
)

// findTool finds a pinned command in the repository's bin/, where `make tools` installs
// it (a version on PATH could differ).
func findTool(rel string) (string, bool) {
	p, err := filepath.Abs(filepath.Join("..", "bin", rel))
	if err != nil {
		return "", false
	}
	_, err = os.Stat(p)
	return p, err == nil
}

// missingTool says loudly that a check cannot run; under CI=true it fails the test,
// because CI must run every check.
func missingTool(t *testing.T, rel string) string {
	t.Helper()
	msg := "\n\n*** bin/" + rel + " is missing; run `make tools` to install it ***\n\n"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	return msg
}

// tool returns a pinned command, or skips the test loudly when it is missing.
func tool(t *testing.T, rel string) string {
	t.Helper()
	p, ok := findTool(rel)
	if !ok {
		t.Skip("SKIPPING:" + missingTool(t, rel))
	}
	return p
}
