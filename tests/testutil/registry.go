package testutil

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// StartRegistry runs the reference OCI registry (distribution's cmd/registry, built by
// make tools) on 127.0.0.1 with storage in a temporary directory and its output in a
// log file, waits until it answers /v2/, and stops it by PID when the test ends.
// It returns host:port.
func StartRegistry(t *testing.T, bin string) string {
	t.Helper()
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	config := fmt.Sprintf(`version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
`, filepath.Join(dir, "storage"), addr)
	cfg := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	log := StartServer(t, dir, "registry", exec.Command(bin, "serve", cfg))
	for range 100 {
		if resp, err := http.Get("http://" + addr + "/v2/"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return addr
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	out, _ := os.ReadFile(log)
	t.Fatalf("the registry did not answer on %s:\n%s", addr, out)
	return ""
}
