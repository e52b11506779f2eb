package tests

import (
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/generator/detect"
	"github.com/berth-dev/berth/generator/probe"
	"github.com/berth-dev/berth/tests/testutil"
)

// TestInitProbe runs berth init --probe as a user does (the berth binary, which starts
// itself as the helper inside new network namespaces): the runtime-port fixture
// listens on a port computed from a hash that no reading of the code can fold, so
// only the probe finds it and its health routes; the DNS fixture's port 53 opens over
// UDP and TCP as a non-root user (the namespace allows low ports as the chart does);
// a program that exits at once leaves the static reading and a note. Each drafted
// file then generates without edits.
func TestInitProbe(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "berth")
	if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	root := copyFixtures(t)
	runProbe := func(t *testing.T, dir string, extra ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"init", dir, "--probe", "--probe-wait", "2s"}, extra...)...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil && strings.Contains(string(out), "needs Linux network namespaces") {
			if os.Getenv("CI") == "true" {
				t.Fatalf("network namespaces are required in CI: %s", out)
			}
			t.Skipf("SKIPPED LOUDLY: this machine cannot create network namespaces: %s", out)
		}
		if err != nil {
			t.Fatalf("berth init --probe %s: %v\n%s", dir, err, out)
		}
		file := filepath.Join(root, dir, "service.yaml")
		return string(testutil.ReadFile(t, file))
	}

	t.Run("runtime-port", func(t *testing.T) {
		_, static, stderr := runBerth(t, root, "init", "probe", "--dry-run")
		port := runtimePort()
		if strings.Contains(static, fmt.Sprint(port)) || !strings.Contains(static, "NOT DETECTED") {
			t.Fatalf("the static reading must not find the run-time port %d:\n%s%s", port, static, stderr)
		}
		got := runProbe(t, "probe")
		for _, want := range []string{
			fmt.Sprintf("http: %d # observed: main package . listened on :%d/tcp", port, port),
			fmt.Sprintf("liveness: {http: /healthz, port: http} # observed: GET /healthz on :%d answered 200", port),
			fmt.Sprintf("readiness: {http: /readyz, port: http} # observed: GET /readyz on :%d answered 200", port),
		} {
			if !strings.Contains(got, want) {
				t.Errorf("service.yaml lacks %q:\n%s", want, got)
			}
		}
		checkInitChain(t, initCase{dockerfileHas: []string{fmt.Sprintf("EXPOSE %d\n", port)}}, filepath.Join(root, "probe", "service.yaml"))
	})
	t.Run("isolated", func(t *testing.T) {
		repo, err := detect.Inspect(filepath.Join(root, "probe"), detect.Options{})
		if err != nil {
			t.Fatal(err)
		}
		obs, err := probe.Observe(context.Background(), probe.Options{
			ModuleDir: filepath.Join(root, "probe"), Mains: repo.Mains, Wait: time.Second, Helper: []string{bin, "probe-helper"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(obs) != 1 || !slices.Equal(obs[0].Interfaces, []string{"lo"}) {
			t.Fatalf("the probed program must see loopback alone, saw %+v", obs)
		}
	})
	t.Run("dns-low-port", func(t *testing.T) {
		got := runProbe(t, "dns")
		for _, want := range []string{
			"dns: {port: 53, protocol: UDP} # server/server.go:23: net.ListenPacket(…) reachable from main listens on :53 (the default of --dns.port); observed: main package . listened on :53/udp",
			"dns-tcp: 53 # server/server.go:39: net.Listen(…) reachable from main listens on :53 (the default of --dns.port); observed: main package . listened on :53/tcp",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("service.yaml lacks %q:\n%s", want, got)
			}
		}
	})
	t.Run("exits-at-once", func(t *testing.T) {
		got := runProbe(t, "worker")
		want := "# --probe: main package . opened no port in 2s; it exited before 2s (exit status 0): words: 0; the ports below come from reading the code."
		if !strings.Contains(got, want) || !strings.Contains(got, "ports: {} # nothing in the build graph imports net") {
			t.Errorf("service.yaml lacks the note %q and the static ports:\n%s", want, got)
		}
	})
}

// runtimePort is the port the probe fixture computes at run time.
func runtimePort() int {
	h := fnv.New32a()
	h.Write([]byte("berth"))
	return 20000 + int(h.Sum32()%10000)
}
