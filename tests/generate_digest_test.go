package tests

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/generator/pipeline"
	"github.com/berth-dev/berth/tests/testutil"
)

// TestGenerateImageDigest: --image-digest pins what every environment deploys, in the
// values files and in the rendered Deployments (repository:tag@digest); a malformed
// digest is a usage error and nothing is written.
func TestGenerateImageDigest(t *testing.T) {
	digest := "sha256:" + strings.Repeat("0123456789abcdef", 4)
	out := t.TempDir()
	if code, _, stderr := runBerth(t, "", "generate", "-f", "../examples/names/service.yaml", "-o", out, "--image-digest", digest); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if values := string(testutil.ReadFile(t, filepath.Join(out, "deploy", "values.yaml"))); !strings.Contains(values, `digest: "`+digest+`"`) {
		t.Errorf("values.yaml does not pin the digest:\n%s", values)
	}
	res, err := pipeline.GenerateFileWith("../examples/names/service.yaml", pipeline.Options{ImageDigest: digest})
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range []string{"", "dev", "prod"} {
		manifests, err := pipeline.Render(res, pipeline.RenderOptions{Env: env})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(manifests), "@"+digest+`"`) && !strings.Contains(string(manifests), "@"+digest+"\n") {
			t.Errorf("env %q: the Deployment does not deploy the digest", env)
		}
	}
	bad := t.TempDir()
	code, stdout, stderr := runBerth(t, "", "generate", "-f", "../examples/names/service.yaml", "-o", bad, "--image-digest", "sha256:ABC")
	if code != 2 || stdout != "" || !strings.Contains(stderr, `--image-digest "sha256:ABC": must be sha256: followed by 64 lowercase hex digits`) {
		t.Errorf("a malformed digest: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if files, _ := filepath.Glob(filepath.Join(bad, "*")); len(files) > 0 {
		t.Errorf("files written despite the error: %v", files)
	}
}
