package verify

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestSums: matching lines pass; a changed file, a missing one, a FIFO, a path that
// climbs out or is absolute, and a malformed line are each reported with the line.
func TestSums(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app"), []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	const appSum = "b8c1acb0a8b2d6cb0c5b13d9aa7b8b7e1b8af2e73b9df7be7c7a53b6e1d42f0b" // not sha256("binary")
	sums := strings.Join([]string{
		"# revision: 0123abcd",
		appSum + "  app",
		strings.Repeat("0", 64) + "  missing",
		strings.Repeat("0", 64) + "  fifo",
		strings.Repeat("0", 64) + "  ../../etc/passwd",
		strings.Repeat("0", 64) + "  /etc/passwd",
		"not a line",
	}, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(sums), 0o644); err != nil {
		t.Fatal(err)
	}
	problems, err := Sums(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(problems, "\n")
	for _, want := range []string{
		"SHA256SUMS:2: app has SHA-256 ",
		"SHA256SUMS:3: missing: ",
		"SHA256SUMS:4: fifo: not a regular file",
		"SHA256SUMS:5: not a \"SHA256  FILE\" line within the directory",
		"SHA256SUMS:6: not a \"SHA256  FILE\" line within the directory",
		"SHA256SUMS:7: not a \"SHA256  FILE\" line within the directory",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
	if len(problems) != 6 {
		t.Errorf("%d problems, want 6:\n%s", len(problems), got)
	}
}
