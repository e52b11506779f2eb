// Package e2e builds berth's generated Dockerfiles for every example with a real
// Docker engine, unmodified, on offline stand-in base images, and runs the images the
// way the chart runs them: read-only root, no capabilities, no privilege escalation.
package e2e

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/generator/cli"
)

// dockerBin is Debian's client: with DOCKER_BUILDKIT=1 it builds RUN --mount without
// the buildx plugin, which a docker earlier on PATH may lack.
const dockerBin = "/usr/bin/docker"

// example says how to check one example's image.
type example struct {
	name     string
	binaries []string                                    // every binary the image must hold at /
	shell    bool                                        // the runtime has a shell (debian); else none may exist
	sized    bool                                        // distroless or scratch: image ≤ binaries + 3 MiB
	path     string                                      // endpoint whose answer proves the service works
	want     []string                                    // substrings of that answer
	runArgs  []string                                    // extra docker run arguments
	extra    func(t *testing.T, image, container string) // further checks
}

var examples = []example{
	{name: "hello", binaries: []string{"hello"}, sized: true, path: "/", want: []string{"uid 65532"}},
	{name: "vendored", binaries: []string{"vendored"}, sized: true, path: "/id", want: []string{`"uid":65532`, `"id":"`}},
	{name: "cgo-sqlite", binaries: []string{"cgo-sqlite"}, shell: true, path: "/visits", want: []string{`"sqlite":"3.`, `"visits":1`, `"uid":65532`}},
	{
		name: "multi-binary", binaries: []string{"api", "worker"}, sized: true, path: "/",
		want:    []string{`"greeting":"hello from the config file"`, `"database_set":true`, `"uid":65532`},
		runArgs: []string{"-e", "DATABASE_URL=postgres://db/example", "-v", "CONFIG:/etc/multi-binary/app.yaml:ro"},
		extra:   checkWorker,
	},
	{
		// DNS on 53 over UDP and TCP as UID 65532, records written to a data volume under a
		// read-only root, started by the image's CMD (the chart's args).
		name: "names", binaries: []string{"names"}, sized: true, path: "/", want: []string{`"layout":1`, `"uid":65532`},
		runArgs: []string{"-v", namesVolume + ":/var/lib/names", "-p", "127.0.0.1::53/udp", "-p", "127.0.0.1::53/tcp"},
		extra:   checkNames,
	},
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// requireDocker skips loudly without a Docker engine, and fails under CI=true, where
// .ci/run must have installed and started one.
func requireDocker(t *testing.T) {
	t.Helper()
	err := exec.Command(dockerBin, "info").Run()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("\n\n*** SKIPPING the Docker end-to-end tests: no Docker engine (%s info: %v). .ci/run installs docker.io and starts dockerd. ***\n\n", dockerBin, err)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func docker(t *testing.T, args ...string) string {
	t.Helper()
	out, err := dockerOut(args...)
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(out)
}

func dockerOut(args ...string) (string, error) {
	cmd := exec.Command(dockerBin, args...)
	cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

var baseImagesOnce sync.Once

func baseImages(t *testing.T) {
	t.Helper()
	var err error
	var out []byte
	baseImagesOnce.Do(func() {
		cmd := exec.Command("bash", filepath.Join(repoRoot(t), "tests", "e2e", "baseimages.sh"))
		cmd.Env = append(os.Environ(), "DOCKER="+dockerBin)
		out, err = cmd.CombinedOutput()
	})
	if err != nil {
		t.Fatalf("base image stand-ins: %v\n%s", err, out)
	}
}

// TestExamplesBuildAndRun builds each example's committed Dockerfile as it is, runs
// the image hardened, and checks what the image promises.
func TestExamplesBuildAndRun(t *testing.T) {
	requireDocker(t)
	baseImages(t)
	root := repoRoot(t)
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel() // the HEALTHCHECK waits overlap
			image := "berth-e2e/" + ex.name
			docker(t, "build", "-q", "-t", image, filepath.Join(root, "examples", ex.name))
			if user := docker(t, "image", "inspect", "-f", "{{.Config.User}}", image); user != "65532:65532" {
				t.Errorf("image USER %q, want 65532:65532", user)
			}
			checkShell(t, image, ex.shell)
			if ex.sized {
				checkSize(t, image, ex.binaries)
			}
			name := runHardened(t, ex, root)
			body := get(t, "http://"+hostPort(t, name, "8080/tcp")+ex.path)
			for _, w := range ex.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s = %q, want it to contain %q", ex.path, body, w)
				}
			}
			checkProcessUID(t, name)
			checkHealthy(t, name)
			if ex.extra != nil {
				ex.extra(t, image, name)
			}
		})
	}
}

// runHardened starts the image as the chart runs it and removes it when the test ends.
func runHardened(t *testing.T, ex example, root string) string {
	t.Helper()
	name := "berth-e2e-" + ex.name
	args := []string{"--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL",
		"--security-opt", "no-new-privileges", "-p", "127.0.0.1::8080"}
	for _, a := range ex.runArgs {
		args = append(args, strings.ReplaceAll(a, "CONFIG", filepath.Join(root, "examples", ex.name, "config", "app.yaml")))
	}
	runContainer(t, name, append(args, "berth-e2e/"+ex.name)...)
	return name
}

// runContainer starts a detached container under a fixed name (replacing a leftover
// one) and removes it when the test ends, after logging its output if the test failed.
func runContainer(t *testing.T, name string, args ...string) {
	t.Helper()
	_, _ = dockerOut("rm", "-f", name)
	docker(t, append([]string{"run", "-d", "--name", name}, args...)...)
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := dockerOut("logs", name)
			t.Logf("container logs:\n%s", logs)
		}
		_, _ = dockerOut("rm", "-f", name)
	})
}

// hostPort is the loopback address Docker published a container port on.
func hostPort(t *testing.T, name, port string) string {
	t.Helper()
	return lastLine(docker(t, "port", name, port))
}

// lastLine: Docker prints one published address per line (IPv4, then IPv6).
func lastLine(s string) string { return s[strings.LastIndex(s, "\n")+1:] }

func get(t *testing.T, url string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return string(body)
			}
			err = fmt.Errorf("status %d: %s", resp.StatusCode, body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v", url, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkShell: images without a shell must really have none (no /bin/sh to exec).
func checkShell(t *testing.T, image string, want bool) {
	t.Helper()
	_, err := dockerOut("run", "--rm", "--entrypoint", "/bin/sh", image, "-c", "true")
	if got := err == nil; got != want {
		t.Errorf("image has a shell: %v, want %v", got, want)
	}
}

// checkSize: a distroless or scratch image is its binaries plus at most 3 MiB.
func checkSize(t *testing.T, image string, binaries []string) {
	t.Helper()
	id := docker(t, "create", image)
	defer dockerOut("rm", id)
	var total int64
	for _, b := range binaries {
		out, err := exec.Command(dockerBin, "cp", id+":/"+b, "-").Output()
		if err != nil {
			t.Fatalf("docker cp /%s: %v", b, err)
		}
		hdr, err := tar.NewReader(bytes.NewReader(out)).Next()
		if err != nil {
			t.Fatal(err)
		}
		total += hdr.Size
	}
	var size int64
	if err := json.Unmarshal([]byte(docker(t, "image", "inspect", "-f", "{{.Size}}", image)), &size); err != nil {
		t.Fatal(err)
	}
	t.Logf("image %d bytes, binaries %d bytes, overhead %d bytes", size, total, size-total)
	if size-total > 3<<20 {
		t.Errorf("image is %d bytes over its binaries (%d), more than 3 MiB", size-total, total)
	}
}

// checkProcessUID: the server process runs as 65532 on the host, not only in config.
func checkProcessUID(t *testing.T, name string) {
	t.Helper()
	out := docker(t, "top", name, "-eo", "pid,uid,comm")
	lines := strings.Split(out, "\n")
	if len(lines) < 2 {
		t.Fatalf("docker top: %q", out)
	}
	for _, l := range lines[1:] {
		if f := strings.Fields(l); len(f) >= 2 && f[1] != "65532" {
			t.Errorf("process %q runs as uid %s", l, f[1])
		}
	}
}

// checkHealthy: the Docker HEALTHCHECK berth wrote turns healthy (its first run comes
// after the 30 s interval).
func checkHealthy(t *testing.T, name string) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		status := docker(t, "inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", name)
		switch status {
		case "healthy":
			return
		case "none":
			t.Error("the image has no HEALTHCHECK")
			return
		case "unhealthy":
			t.Fatalf("HEALTHCHECK unhealthy: %s", docker(t, "inspect", "-f", "{{json .State.Health}}", name))
		}
		if time.Now().After(deadline) {
			t.Fatalf("HEALTHCHECK still %q after 90 s", status)
		}
		time.Sleep(2 * time.Second)
	}
}

// checkWorker: the second binary of the multi-binary image runs too.
func checkWorker(t *testing.T, image, _ string) {
	t.Helper()
	cfg := filepath.Join(repoRoot(t), "examples", "multi-binary", "config", "app.yaml")
	out := docker(t, "run", "--rm", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
		"-v", cfg+":/etc/multi-binary/app.yaml:ro", "--entrypoint", "/worker", image, "-once")
	if !strings.Contains(out, "worker processed queue orders") {
		t.Errorf("worker said %q", out)
	}
}

// TestDevTargetHotReload: the dev target of examples/hello serves a bind-mounted source
// tree and picks up a source change by itself, with the same image.
func TestDevTargetHotReload(t *testing.T) {
	requireDocker(t)
	baseImages(t)
	root := repoRoot(t)
	image := "berth-e2e/hello-dev"
	docker(t, "build", "-q", "--target", "dev", "-t", image, filepath.Join(root, "examples", "hello"))
	before := docker(t, "image", "inspect", "-f", "{{.Id}}", image)

	src := t.TempDir()
	for _, f := range []string{"go.mod", "main.go"} {
		data, err := os.ReadFile(filepath.Join(root, "examples", "hello", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	name := "berth-e2e-hello-dev"
	runContainer(t, name, "-v", src+":/src", "-p", "127.0.0.1::8080", image)
	url := "http://" + hostPort(t, name, "8080/tcp") + "/"
	if body := getUntil(t, url, "hello from", 90*time.Second); body == "" {
		t.Fatal("the dev container never answered")
	}

	main := filepath.Join(src, "main.go")
	data, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(data), `"hello from %s`, `"hot reloaded from %s`, 1)
	if changed == string(data) {
		t.Fatal("main.go no longer has the line this test edits")
	}
	if err := os.WriteFile(main, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	if getUntil(t, url, "hot reloaded from", 90*time.Second) == "" {
		t.Fatal("the source change was not picked up within 90 s")
	}
	if after := docker(t, "image", "inspect", "-f", "{{.Id}}", image); after != before {
		t.Errorf("the image changed (%s → %s)", before, after)
	}
}

// getUntil polls url until the answer contains want, and returns it ("" on timeout).
func getUntil(t *testing.T, url, want string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(body), want) {
				return string(body)
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	return ""
}

// TestInitThenBuild: berth init and berth generate on a fixture repository nobody
// wrote a descriptor for, then its Dockerfile is built unmodified and the image run
// hardened. The fixture embeds all:dist, which berth's default .dockerignore drops;
// the front end, its dot file and the embedded template must all be served.
func TestInitThenBuild(t *testing.T) {
	requireDocker(t)
	baseImages(t)
	dir := filepath.Join(t.TempDir(), "storefront")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(repoRoot(t), "tests", "testdata", "init", "embed"))); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", dir}, {"generate", "-f", filepath.Join(dir, "service.yaml")}} {
		var out, errb bytes.Buffer
		if code := cli.Main(args, &out, &errb); code != 0 {
			t.Fatalf("berth %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
		}
	}
	ex := example{name: "init-storefront"}
	image := "berth-e2e/" + ex.name
	docker(t, "build", "-q", "-t", image, dir)
	if user := docker(t, "image", "inspect", "-f", "{{.Config.User}}", image); user != "65532:65532" {
		t.Errorf("image USER %q, want 65532:65532", user)
	}
	checkShell(t, image, false)
	checkSize(t, image, []string{"storefront"})
	name := runHardened(t, ex, repoRoot(t))
	base := "http://" + hostPort(t, name, "8080/tcp")
	for path, want := range map[string]string{
		"/":                    "storefront from dist",
		"/assets/app.js":       `console.log("storefront")`,
		"/.vite-manifest.json": "front-end toolchain",
		"/hello?name=berth":    "hello, berth",
		"/healthz":             "ok",
	} {
		if body := get(t, base+path); !strings.Contains(body, want) {
			t.Errorf("GET %s = %q, want it to contain %q", path, body, want)
		}
	}
	checkProcessUID(t, name)
}
