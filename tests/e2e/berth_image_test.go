package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/berth-dev/berth/generator/cli"
	"github.com/berth-dev/berth/tests/testutil"
)

// TestBerthImage builds berth's own image as the release workflow does: a copy of this
// repository's files with .github/berth/service.yaml as the module root's
// service.yaml, berth generate, the generated Dockerfile unmodified. The image runs
// hardened (read-only, no capabilities, no new privileges, UID 65532, no shell),
// reports the version it was built with, and checks the committed outputs of an
// example from a read-only mount (berth generate --check) as CI pipelines would.
func TestBerthImage(t *testing.T) {
	requireDocker(t)
	baseImages(t)
	root := repoRoot(t)
	ctx := filepath.Join(t.TempDir(), "berth")
	copyRepository(t, root, ctx)
	if err := os.WriteFile(filepath.Join(ctx, "service.yaml"), testutil.ReadFile(t, filepath.Join(root, ".github", "berth", "service.yaml")), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := cli.Main([]string{"generate", "-f", filepath.Join(ctx, "service.yaml")}, &out, &errb); code != 0 {
		t.Fatalf("berth generate on berth: exit %d\n%s", code, errb.String())
	}
	image := "berth-e2e/berth"
	docker(t, "build", "-q", "-t", image, "--build-arg", "VERSION=1.2.3-e2e", "--build-arg", "REVISION=0123abcd", ctx)
	if user := docker(t, "image", "inspect", "-f", "{{.Config.User}}", image); user != "65532:65532" {
		t.Errorf("image USER %q, want 65532:65532", user)
	}
	checkShell(t, image, false)
	hardened := []string{"run", "--rm", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--network", "none"}
	want := "berth 1.2.3-e2e " + runtime.Version() + " linux/amd64"
	if got := docker(t, append(hardened, image, "version")...); got != want {
		t.Errorf("berth version in the image = %q, want %q", got, want)
	}
	examples := filepath.Join(root, "examples")
	check := append(hardened, "-v", examples+":/examples:ro", image, "generate", "--check", "-f", "/examples/hello/service.yaml")
	if got := docker(t, check...); got != "" { // exit 0 and silent: every output is current
		t.Errorf("berth generate --check in the image printed %q", got)
	}
	// --check exits 1 on a stale output: the image sees what berth on the host sees.
	tmp := t.TempDir()
	if err := os.Chmod(tmp, 0o755); err != nil { // readable by the image's UID
		t.Fatal(err)
	}
	stale := filepath.Join(tmp, "hello")
	if err := os.CopyFS(stale, os.DirFS(filepath.Join(examples, "hello"))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := dockerOut(append(hardened, "-v", stale+":/hello:ro", image, "generate", "--check", "-f", "/hello/service.yaml")...); err == nil || !strings.Contains(out, "Dockerfile") {
		t.Errorf("berth generate --check on a stale Dockerfile in the image: err %v, output %q", err, out)
	}
}

// copyRepository copies the repository's tracked and unignored files (what a clean
// checkout holds, with the working tree's changes), not bin/ or dist/.
func copyRepository(t *testing.T, root, dest string) {
	t.Helper()
	list, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, rel := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		src := filepath.Join(root, rel)
		info, err := os.Lstat(src)
		if err != nil || !info.Mode().IsRegular() {
			continue // deleted in the working tree, or a link
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(dest, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}
