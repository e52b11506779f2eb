package tests

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/crane"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/berth-dev/berth/generator/verify"
	"github.com/berth-dev/berth/tests/testutil"
)

// TestVerify runs berth verify against a real registry on 127.0.0.1: the hello example
// built from a git checkout (so the binary records its revision), its SBOM from berth
// sbom, SHA256SUMS, and an image holding the binary, labelled with the revision and
// pushed under a tag. Everything agreeing passes; a digest the tag no longer points
// to, values without a digest, a changed binary and an image labelled with another
// version each fail with a message that says which.
func TestVerify(t *testing.T) {
	addr := testutil.StartRegistry(t, tool(t, "registry-v3.1.1/registry"))
	src, dist := t.TempDir(), t.TempDir()
	for _, f := range []string{"go.mod", "main.go"} {
		if err := os.WriteFile(filepath.Join(src, f), testutil.ReadFile(t, filepath.Join("../examples/hello", f)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) string {
		out, err := gitOut(src, append([]string{"-c", "user.name=t", "-c", "user.email=t@example.invalid"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(out)
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-qm", "hello")
	revision := git("rev-parse", "HEAD")
	bin := filepath.Join(dist, "hello")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = src
	build.Env = append(os.Environ(), "GOFLAGS=-buildvcs=true") // some machines turn stamping off
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// Go names a build from a clean checkout v0.0.0-TIME-REVISION: the SBOM's version.
	info, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	var version string
	for _, line := range strings.Split(string(info), "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == "mod" {
			version = f[2]
		}
	}
	if !strings.HasSuffix(version, "-"+revision[:12]) {
		t.Fatalf("the binary's version %q does not name the commit %s", version, revision)
	}
	if code, _, stderr := runBerth(t, "", "sbom", bin, "--output-dir", dist); code != 0 {
		t.Fatalf("berth sbom: %s", stderr)
	}
	data := testutil.ReadFile(t, bin)
	sum := sha256.Sum256(data)
	if err := os.WriteFile(filepath.Join(dist, "SHA256SUMS"), []byte(fmt.Sprintf("# revision: %s\n%s  hello\n", revision, hex.EncodeToString(sum[:]))), 0o644); err != nil {
		t.Fatal(err)
	}
	push := func(tag, label string) string {
		layer, err := crane.Layer(map[string][]byte{"hello": data})
		if err != nil {
			t.Fatal(err)
		}
		img, err := mutate.AppendLayers(empty.Image, layer)
		if err != nil {
			t.Fatal(err)
		}
		img, err = mutate.Config(img, v1.Config{Labels: map[string]string{verify.VersionLabel: label}, Entrypoint: []string{"/hello"}})
		if err != nil {
			t.Fatal(err)
		}
		ref, err := name.ParseReference(addr+"/acme/hello:"+tag, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(ref, img); err != nil {
			t.Fatal(err)
		}
		d, err := img.Digest()
		if err != nil {
			t.Fatal(err)
		}
		return d.String()
	}
	good := push("v1", version)
	other := push("v2", "0.0.0-other")
	values := func(tag, digest string) string {
		f := filepath.Join(t.TempDir(), "values.yaml")
		doc := fmt.Sprintf("image:\n  repository: %s/acme/hello\n  tag: %s\n  digest: %q\n", addr, tag, digest)
		if err := os.WriteFile(f, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	run := func(args ...string) (int, string, string) {
		return runBerth(t, "", append([]string{"verify", "--insecure-registry"}, args...)...)
	}

	code, stdout, stderr := run("--values", values("v1", good), "--dist", dist)
	if code != 0 {
		t.Fatalf("a consistent build: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"is " + good + " in the registry, as the values pin", "every file of SHA256SUMS matches", "hello.cdx.json describes version \"" + version + "\""} {
		if !strings.Contains(stdout, want) {
			t.Errorf("verify did not report %q:\n%s", want, stdout)
		}
	}

	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"the tag moved", []string{"--values", values("v1", other)}, "the tag moved or the values are stale"},
		{"no digest", []string{"--values", values("v1", "")}, "the values pin no image.digest"},
		{"another version", []string{"--values", values("v2", other), "--dist", dist}, `hello.cdx.json describes version "` + version + `", the image is labelled "0.0.0-other"`},
	} {
		code, _, stderr := run(c.args...)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want %q", c.name, code, stderr, c.want)
		}
	}
	unversioned := t.TempDir()
	for name, content := range map[string]string{
		"SHA256SUMS":     "# revision: " + revision + "\n",
		"hello.cdx.json": `{"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"component": {"type": "application", "name": "example.com/hello"}}}`,
	} {
		if err := os.WriteFile(filepath.Join(unversioned, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, stderr := run("--values", values("v1", good), "--dist", unversioned); code != 1 || !strings.Contains(stderr, "hello.cdx.json names no version") {
		t.Errorf("an SBOM without a version: exit %d, stderr %q", code, stderr)
	}
	if err := os.WriteFile(bin, append(data, 0), 0o755); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run("--values", values("v1", good), "--dist", dist); code != 1 || !strings.Contains(stderr, "SHA256SUMS:2: hello has SHA-256") {
		t.Errorf("a changed binary: exit %d, stderr %q", code, stderr)
	}
}
