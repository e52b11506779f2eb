package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/berth-dev/berth/generator/pipeline"
	"github.com/berth-dev/berth/tests/testutil"
)

// namesVolume is a Docker named volume: it starts as a copy of the image's directory,
// which the Dockerfile made the service user's, so the read-only container can write it.
const namesVolume = "berth-e2e-names-data"

// checkNames: the image's CMD is the descriptor's args (what the chart passes), a
// record written over HTTP lands in the data volume, and the server answers it over
// UDP and over TCP on port 53.
func checkNames(t *testing.T, image, container string) {
	t.Helper()
	res, err := pipeline.GenerateFile(filepath.Join(repoRoot(t), "examples", "names", "service.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cmd []string
	if err := json.Unmarshal([]byte(docker(t, "image", "inspect", "-f", "{{json .Config.Cmd}}", image)), &cmd); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cmd, res.Service.Args) {
		t.Errorf("image CMD %q, chart args %q", cmd, res.Service.Args)
	}
	httpAddr := hostPort(t, container, "8080/tcp")
	req, _ := http.NewRequest(http.MethodPut, "http://"+httpAddr+"/records/www.example.test", strings.NewReader("192.0.2.7"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PUT record: %s %s", resp.Status, body)
	}
	t.Cleanup(func() { // before runHardened's cleanup, which removes the container
		if t.Failed() {
			logs, _ := dockerOut("logs", container)
			t.Logf("container logs:\n%s", logs)
		}
		_, _ = dockerOut("rm", "-f", container)
		_, _ = dockerOut("volume", "rm", "-f", namesVolume)
	})
	dir := docker(t, "volume", "inspect", "-f", "{{.Mountpoint}}", namesVolume)
	if data, err := os.ReadFile(filepath.Join(dir, "records", "www.example.test")); err != nil || strings.TrimSpace(string(data)) != "192.0.2.7" {
		t.Errorf("the record in the data volume: %q, %v", data, err)
	}
	for _, proto := range []string{"udp", "tcp"} {
		addr := hostPort(t, container, "53/"+proto)
		ip, rcode := testutil.QueryA(t, proto, addr, "www.example.test.")
		if rcode != dnsmessage.RCodeSuccess || ip != "192.0.2.7" {
			t.Errorf("DNS over %s: %v %q, want 192.0.2.7", proto, rcode, ip)
		}
		if _, rcode := testutil.QueryA(t, proto, addr, "missing.example.test."); rcode != dnsmessage.RCodeNameError {
			t.Errorf("DNS over %s for a missing name: %v, want NXDOMAIN", proto, rcode)
		}
	}
}
