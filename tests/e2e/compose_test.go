package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/generator/pipeline"
)

// cliPlugins are the pinned Docker CLI plugins `make tools` builds (Debian's docker.io
// has neither): Compose v2, and buildx, through which compose builds with BuildKit.
var cliPlugins = []string{"bin/compose-v5.6.0/docker-compose", "bin/buildx-v0.38.2/docker-buildx"}

// composeConfig is a DOCKER_CONFIG whose cli-plugins directory holds the pinned plugins,
// so that `docker compose` is the real thing.
func composeConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "cli-plugins"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, rel := range cliPlugins {
		bin := filepath.Join(repoRoot(t), rel)
		if _, err := os.Stat(bin); err != nil {
			msg := "\n\n*** SKIPPING the compose tests: " + rel + " is missing; run `make tools` ***\n\n"
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		if err := os.Symlink(bin, filepath.Join(dir, "cli-plugins", filepath.Base(rel))); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func composeCmd(t *testing.T, cfg, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(dockerBin, append([]string{"compose"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+cfg, "DOCKER_BUILDKIT=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestComposeConfig: Docker Compose itself accepts every committed compose.yaml, and one
// with secrets, envFrom, config files and a hostile $ in an env value once its env files
// exist; without a required env file it refuses to start.
func TestComposeConfig(t *testing.T) {
	requireDocker(t)
	cfg := composeConfig(t)
	files, _ := filepath.Glob(filepath.Join(repoRoot(t), "examples", "*", "compose.yaml"))
	if len(files) < 2 {
		t.Fatalf("want at least two examples with compose.yaml, found %v", files)
	}
	for _, f := range files {
		if out, err := composeCmd(t, cfg, filepath.Dir(f), "-f", f, "config", "--quiet"); err != nil {
			t.Errorf("%s: docker compose config: %v\n%s", f, err, out)
		}
	}

	dir := t.TempDir()
	must := func(name, data string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	must("go.mod", "module example.com/orders\n\ngo 1.26\n")
	must("main.go", "package main\n\nfunc main() {}\n")
	must("config/app.yaml", "level: info\n")
	must("service.yaml", `apiVersion: berth.dev/v1alpha1
kind: Service
metadata: {name: orders}
compose: true
args: [serve, "--greeting=$HOME is ${HOME}"]
env: {PRICE: "$5"}
secrets:
  DATABASE_URL: {secret: orders-db, key: url}
  API_TOKEN: {secret: orders-api, key: token, optional: true}
envFrom:
  flags: {configMap: orders-flags, optional: true}
config:
  files: {app.yaml: config/app.yaml}
volumes:
  cache: {mountPath: /var/cache/orders}
`)
	res, err := pipeline.GenerateFile(filepath.Join(dir, "service.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var compose []byte
	for _, f := range res.Files {
		if f.Path == "compose.yaml" {
			compose = f.Data
		}
	}
	must("compose.yaml", string(compose))
	if out, err := composeCmd(t, cfg, dir, "config", "--quiet"); err == nil || !strings.Contains(out, ".env.secret-orders-db") {
		t.Errorf("a missing required env file was accepted: %v\n%s", err, out)
	}
	must(".env.secret-orders-db", "DATABASE_URL=postgres://db/orders\n")
	out, err := composeCmd(t, cfg, dir, "config", "--format", "json")
	if err != nil {
		t.Fatalf("docker compose config: %v\n%s", err, out)
	}
	for _, want := range []string{`"$5"`, `"--greeting=$HOME is ${HOME}"`, `"DATABASE_URL": "postgres://db/orders"`, `"read_only": true`, `"/etc/orders/app.yaml"`} {
		if !strings.Contains(strings.ReplaceAll(out, `$$`, `$`), want) {
			t.Errorf("docker compose config lacks %s:\n%s", want, out)
		}
	}
}

// TestComposeUp: docker compose up --wait of an example builds it with the generated
// Dockerfile, waits for its HEALTHCHECK, and the service answers on 127.0.0.1.
func TestComposeUp(t *testing.T) {
	requireDocker(t)
	baseImages(t)
	cfg := composeConfig(t)
	dir := filepath.Join(repoRoot(t), "examples", "hello")
	// The published port moves to a free one, so the test never collides with a local 8080.
	override := filepath.Join(t.TempDir(), "ports.yaml")
	if err := os.WriteFile(override, []byte("services:\n  hello:\n    ports: !override [\"127.0.0.1::8080\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	project := []string{"-f", filepath.Join(dir, "compose.yaml"), "-f", override, "-p", "berth-e2e-compose"}
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := composeCmd(t, cfg, dir, append(project, "logs")...)
			t.Logf("compose logs:\n%s", logs)
		}
		_, _ = composeCmd(t, cfg, dir, append(project, "down", "-v", "--remove-orphans")...)
	})
	if out, err := composeCmd(t, cfg, dir, append(project, "up", "--build", "--wait", "--wait-timeout", "120")...); err != nil {
		t.Fatalf("docker compose up --wait: %v\n%s", err, out)
	}
	out, err := composeCmd(t, cfg, dir, append(project, "port", "hello", "8080")...)
	if err != nil {
		t.Fatalf("docker compose port: %v\n%s", err, out)
	}
	body := get(t, "http://"+lastLine(strings.TrimSpace(out))+"/")
	if !strings.Contains(body, "uid 65532") {
		t.Errorf("GET / = %q, want it to run as uid 65532", body)
	}
	state := docker(t, "inspect", "-f", "{{.State.Health.Status}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.Config.User}}", "berth-e2e-compose-hello-1")
	if state != "healthy true [ALL] 65532:65532" {
		t.Errorf("container state %q, want healthy, read-only, no capabilities, 65532", state)
	}
}
