package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDebugTarget: the generated Dockerfile's debug target (hello's, as committed)
// builds the binary with symbols and without optimisations and runs it under Delve,
// headless on port 2345, as the non-root user: the service answers on its port, Delve
// answers a JSON-RPC call on its own, and every process runs as 65532.
func TestDebugTarget(t *testing.T) {
	requireDocker(t)
	baseImages(t)
	const image, name = "berth-e2e-hello:debug", "berth-e2e-hello-debug"
	docker(t, "build", "-q", "--target", "debug", "-t", image, filepath.Join(repoRoot(t), "examples", "hello"))
	t.Cleanup(func() {
		_, _ = dockerOut("rm", "-f", name)
		_, _ = dockerOut("rmi", image)
	})
	docker(t, "run", "-d", "--name", name, "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
		"-p", "127.0.0.1::2345", "-p", "127.0.0.1::8080", image)
	port := func(p string) string { return hostPort(t, name, p) }
	if body := get(t, "http://"+port("8080")+"/"); body == "" {
		t.Error("the service under Delve answered nothing")
	}
	checkProcessUID(t, name)
	// Delve's JSON-RPC API (v2): RPCServer.GetVersion names the Delve that runs.
	conn, err := net.DialTimeout("tcp", port("2345"), 10*time.Second)
	if err != nil {
		t.Fatalf("Delve does not listen: %v\n%s", err, docker(t, "logs", name))
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := fmt.Fprintf(conn, `{"method":"RPCServer.GetVersion","params":[{}],"id":1}`+"\n"); err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Result struct{ DelveVersion string }
		Error  any
	}
	if err := json.NewDecoder(conn).Decode(&resp); err != nil {
		t.Fatalf("Delve's answer: %v\n%s", err, docker(t, "logs", name))
	}
	if !strings.Contains(resp.Result.DelveVersion, "1.27.2") {
		t.Errorf("Delve answered %+v", resp)
	}
}
