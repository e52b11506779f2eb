package tests

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// layers places every generator package in berth's data flow. A package may import
// only packages of lower layers: libraries know nothing of berth's steps, the one
// repository reader serves init and lint, a step never imports another step, and only
// the pipeline joins steps. A new package must be placed here.
var layers = map[string]int{
	"model": 0, "gomod": 0, "output": 0, "yamlenc": 0, "readfile": 0,
	"finding": 1, "detect": 1,
	"descriptor": 2, "dockerfile": 2, "values": 2, "chart": 2, "scaffold": 2, "lint": 2, "doctor": 2, "compose": 2, "probe": 2, "sbom": 2, "verify": 1,
	"pipeline": 3,
	"cli":      4,
}

const generatorPrefix = "github.com/berth-dev/berth/generator/"

// TestImportGraphIsLayered: every import between generator packages points down.
func TestImportGraphIsLayered(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "../generator/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], generatorPrefix)
		level, ok := layers[pkg]
		if !ok {
			t.Errorf("generator/%s has no layer in tests/layout_test.go", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			dep, isOurs := strings.CutPrefix(imp, generatorPrefix)
			if !isOurs {
				continue
			}
			if layers[dep] >= level {
				t.Errorf("generator/%s (layer %d) imports generator/%s (layer %d): imports must point to a lower layer", pkg, level, dep, layers[dep])
			}
		}
	}
}

// TestBinaryLinksNoTestCode: the verifier the tests use (Pod Security, Gateway API
// types) and the test helpers stay out of the berth binary.
func TestBinaryLinksNoTestCode(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}}`, "..").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Split(string(out), "\n")
	for _, banned := range []string{"k8s.io/pod-security-admission", "sigs.k8s.io/gateway-api", "github.com/prometheus-operator/prometheus-operator", "github.com/berth-dev/berth/tests", "testing"} {
		if i := slices.IndexFunc(deps, func(d string) bool { return d == banned || strings.HasPrefix(d, banned+"/") }); i >= 0 {
			t.Errorf("the berth binary links %s", deps[i])
		}
	}
}
