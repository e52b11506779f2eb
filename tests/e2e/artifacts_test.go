package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/berth-dev/berth/generator/sbom"
	"github.com/berth-dev/berth/generator/verify"
	"github.com/berth-dev/berth/tests/testutil"
)

// TestArtifactsTarget: docker build --target artifacts --output type=local exports the
// release binaries of the committed examples and a SHA256SUMS that names the revision
// and version and matches them; berth sbom describes each with that version. The
// binaries themselves record none: the build runs without VCS information and with
// -trimpath, which keeps -ldflags (and so -X main.version=…) out of the build
// information (go.dev/issue/52372), so the version comes from SHA256SUMS, which lists
// each binary with its hash.
func TestArtifactsTarget(t *testing.T) {
	requireDocker(t)
	baseImages(t)
	for example, binaries := range map[string]int{"hello": 1, "multi-binary": 2} {
		t.Run(example, func(t *testing.T) { checkArtifacts(t, example, binaries) })
	}
}

func checkArtifacts(t *testing.T, example string, count int) {
	const version = "1.2.3"
	dist := t.TempDir()
	ctx := filepath.Join(repoRoot(t), "examples", example)
	docker(t, "build", "-q", "--target", "artifacts", "--build-arg", "VERSION="+version, "--build-arg", "REVISION=0123abcd",
		"--output", "type=local,dest="+dist, ctx)
	entries, err := os.ReadDir(dist)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sums := string(testutil.ReadFile(t, filepath.Join(dist, "SHA256SUMS")))
	if !strings.HasPrefix(sums, "# revision: 0123abcd\n# version: "+version+"\n") {
		t.Errorf("SHA256SUMS does not name the revision and version:\n%s", sums)
	}
	problems, err := verify.Sums(dist)
	if err != nil || len(problems) > 0 {
		t.Fatalf("SHA256SUMS does not match the binaries: %v %v", err, problems)
	}
	var binaries []string
	for _, n := range names {
		if n != "SHA256SUMS" {
			binaries = append(binaries, n)
			if !strings.Contains(sums, "  "+n+"\n") {
				t.Errorf("%s is exported but not in SHA256SUMS", n)
			}
		}
	}
	if len(binaries) != count {
		t.Fatalf("exported %v, want the example's %d binaries and SHA256SUMS", names, count)
	}
	for _, b := range binaries {
		bom, err := sbom.FromBinary(filepath.Join(dist, b), sbom.Options{Tool: sbom.Tool{Name: "berth", Version: "test"}})
		if err != nil {
			t.Fatal(err)
		}
		if v := bom.Metadata.Component.Version; v != version || !slices.Contains(*bom.Metadata.Component.Properties, cdx.Property{Name: sbom.VersionSourceProperty, Value: "SHA256SUMS"}) {
			t.Errorf("%s: the SBOM describes version %q, want %q", b, v, version)
		}
	}
	if !slices.Contains(names, "SHA256SUMS") {
		t.Error("no SHA256SUMS")
	}
}
