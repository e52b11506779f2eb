package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/generator/cli"
)

// natsModule is a real public Go service berth has no fixture for: its client port is
// set in a defaults function (opts.Port = DEFAULT_PORT), its monitoring port opens only
// with -m, and its code holds many more port-like constants.
const natsModule = "github.com/nats-io/nats-server/v2@v2.15.3"

// TestRealServiceNATS: berth init, generate and lint on the NATS server's published
// module, unmodified; the generated Dockerfile builds, and the image runs hardened
// (read-only root, no capabilities, UID 65532) and speaks the NATS protocol on the
// port init found by reading the code.
func TestRealServiceNATS(t *testing.T) {
	requireDocker(t)
	baseImages(t)
	dir := filepath.Join(t.TempDir(), "nats-server")
	if err := os.CopyFS(dir, os.DirFS(moduleSource(t, natsModule))); err != nil {
		t.Fatal(err)
	}
	descriptor := filepath.Join(dir, "service.yaml")
	berth(t, "init", dir)
	drafted, err := os.ReadFile(descriptor)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  tcp: 4222 # server/server.go:2858: server.Server.getServerListener(…) reachable from main listens on 0.0.0.0:4222", // through opts.Port = DEFAULT_PORT and two listen helpers
		"listens only when --http_port gives it an address",
		"cgo: false",
	} {
		if !strings.Contains(string(drafted), want) {
			t.Errorf("the drafted service.yaml lacks %q:\n%s", want, drafted)
		}
	}
	if strings.Contains(string(drafted), "8222") {
		t.Errorf("the monitoring port opens only with -m, but it was declared:\n%s", drafted)
	}
	berth(t, "generate", "-f", descriptor)
	berth(t, "lint", filepath.Join(dir, "Dockerfile"))

	// go.mod's toolchain line names a Go release the offline stand-ins do not have;
	// GO_VERSION picks this machine's (GOTOOLCHAIN=local builds with it, as go.mod's go
	// line allows).
	image := "berth-e2e/nats-server"
	docker(t, "build", "-q", "--build-arg", "GO_VERSION="+goMinor(), "-t", image, dir)
	checkShell(t, image, false)
	name := "berth-e2e-nats-server"
	runContainer(t, name, "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL",
		"--security-opt", "no-new-privileges", "-p", "127.0.0.1::4222", image)
	natsPing(t, hostPort(t, name, "4222/tcp"))
	checkProcessUID(t, name)
}

// natsPing: the server greets with INFO {json} and answers PING with PONG.
func natsPing(t *testing.T, addr string) {
	t.Helper()
	var conn net.Conn
	var err error
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if conn, err = net.DialTimeout("tcp", addr, 2*time.Second); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dial %s: %v", addr, err)
		}
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	info, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(info, "INFO {") {
		t.Fatalf("greeting %q, %v: want INFO {…}", info, err)
	}
	var fields struct {
		Port int `json:"port"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(strings.TrimSpace(info), "INFO ")), &fields); err != nil || fields.Port != 4222 {
		t.Errorf("INFO says port %d (%v), want 4222", fields.Port, err)
	}
	if _, err := conn.Write([]byte("CONNECT {\"verbose\":false}\r\nPING\r\n")); err != nil {
		t.Fatal(err)
	}
	if pong, err := r.ReadString('\n'); err != nil || pong != "PONG\r\n" {
		t.Errorf("PING answered %q, %v; want PONG", pong, err)
	}
}

// moduleSource downloads a published module into the module cache (read-only there)
// and returns its directory.
func moduleSource(t *testing.T, module string) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", module)
	cmd.Dir = t.TempDir() // outside any module
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &info); err != nil || jerr != nil || info.Dir == "" {
		t.Fatalf("go mod download %s: %v %s %s", module, err, info.Error, stderr.String())
	}
	return info.Dir
}

func berth(t *testing.T, args ...string) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := cli.Main(args, &out, &errb); code != 0 {
		t.Fatalf("berth %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
	}
}

// goMinor is this machine's Go release as major.minor, the stand-in builder's tag.
func goMinor() string {
	v := strings.TrimPrefix(runtime.Version(), "go")
	if parts := strings.SplitN(v, ".", 3); len(parts) >= 2 {
		return parts[0] + "." + parts[1]
	}
	return v
}
