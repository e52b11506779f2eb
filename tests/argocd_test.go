package tests

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/tests/testutil"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

// argoCDModule is the Argo CD release whose published ApplicationSet CRD the generated
// ApplicationSets must satisfy (the newest v3 line our Go accepts).
const argoCDModule = "github.com/argoproj/argo-cd/v3@v3.5.7"

// applicationSetCRD fetches Argo CD's own CRD file through the Go module proxy.
func applicationSetCRD(t *testing.T) *apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", argoCDModule).Output()
	if err != nil {
		t.Fatalf("go mod download %s: %v", argoCDModule, err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download %s: no directory in %s", argoCDModule, out)
	}
	data, err := os.ReadFile(filepath.Join(mod.Dir, "manifests", "crds", "applicationset-crd.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.UnmarshalStrict(data, crd); err != nil {
		t.Fatal(err)
	}
	return crd
}

// validateCustomResource checks obj as the API server would for a CRD version: the
// OpenAPI schema (types, enums, required) plus strict field validation (a field the
// schema does not know is an error, not silently pruned).
func validateCustomResource(t *testing.T, crd *apiextensionsv1.CustomResourceDefinition, obj map[string]any) []string {
	t.Helper()
	var version *apiextensionsv1.CustomResourceDefinitionVersion
	for i, v := range crd.Spec.Versions {
		if v.Name == obj["apiVersion"].(string)[len(crd.Spec.Group)+1:] {
			version = &crd.Spec.Versions[i]
		}
	}
	if version == nil {
		return []string{"apiVersion " + obj["apiVersion"].(string) + " is not served by the CRD"}
	}
	internal := &apiextensions.CustomResourceValidation{}
	if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(version.Schema, internal, nil); err != nil {
		t.Fatal(err)
	}
	validator, _, err := validation.NewSchemaValidator(internal.OpenAPIV3Schema)
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	for _, e := range validation.ValidateCustomResource(field.NewPath(""), obj, validator) {
		problems = append(problems, e.Error())
	}
	structural, err := structuralschema.NewStructural(internal.OpenAPIV3Schema)
	if err != nil {
		t.Fatal(err)
	}
	copied := map[string]any{}
	data, _ := json.Marshal(obj)
	_ = json.Unmarshal(data, &copied)
	for _, p := range pruning.PruneWithOptions(copied, structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true}) {
		problems = append(problems, "unknown field "+p)
	}
	return problems
}

// TestApplicationSetMatchesArgoCDCRD validates every example's generated ApplicationSet
// against Argo CD's published CRD schema, and shows the check is live on a bad one.
func TestApplicationSetMatchesArgoCDCRD(t *testing.T) {
	crd := applicationSetCRD(t)
	files, _ := filepath.Glob("../examples/*/deploy/argocd/applicationset.yaml")
	if len(files) == 0 {
		t.Fatal("no example writes an ApplicationSet")
	}
	for _, f := range files {
		var obj map[string]any
		if err := yaml.UnmarshalStrict(testutil.ReadFile(t, f), &obj); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range validateCustomResource(t, crd, obj) {
			t.Errorf("%s: %s", f, p)
		}
		bad := map[string]any{}
		data, _ := json.Marshal(obj)
		_ = json.Unmarshal(data, &bad)
		spec := bad["spec"].(map[string]any)
		spec["goTemplate"] = "yes"
		spec["template"].(map[string]any)["spec"].(map[string]any)["sourcez"] = []any{}
		problems := validateCustomResource(t, crd, bad)
		t.Logf("bad ApplicationSet: %q", problems)
		if len(problems) < 2 {
			t.Errorf("a wrong type and an unknown field gave only %v", problems)
		}
	}
}

// TestApplicationSetOCIChart: with argocd.chart.oci and version, each Application takes
// the chart from the OCI registry in Argo CD's form (repoURL without oci://, chart,
// targetRevision, no path) beside the values repository, and the ApplicationSet still
// satisfies Argo CD's CRD.
func TestApplicationSetOCIChart(t *testing.T) {
	dir := t.TempDir()
	src := string(testutil.ReadFile(t, "../examples/hello/service.yaml"))
	src = strings.Replace(src, "  path: examples/hello/deploy\n", "  path: examples/hello/deploy\n  chart: {oci: ghcr.io/acme/charts, version: 0.1.0}\n", 1)
	if !strings.Contains(src, "oci: ghcr.io") {
		t.Fatal("the hello example's argocd section moved; update this test")
	}
	for _, f := range []string{"go.mod", "main.go"} {
		if err := os.WriteFile(filepath.Join(dir, f), testutil.ReadFile(t, filepath.Join("../examples/hello", f)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "service.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runBerth(t, "", "generate", "-f", filepath.Join(dir, "service.yaml")); code != 0 {
		t.Fatalf("generate: exit %d\n%s", code, stderr)
	}
	var obj map[string]any
	if err := yaml.UnmarshalStrict(testutil.ReadFile(t, filepath.Join(dir, "deploy", "argocd", "applicationset.yaml")), &obj); err != nil {
		t.Fatal(err)
	}
	for _, p := range validateCustomResource(t, applicationSetCRD(t), obj) {
		t.Error(p)
	}
	sources := obj["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["sources"].([]any)
	chartSrc := sources[0].(map[string]any)
	if chartSrc["repoURL"] != "ghcr.io/acme/charts" || chartSrc["chart"] != "go-service" || chartSrc["targetRevision"] != "0.1.0" || chartSrc["path"] != nil {
		t.Errorf("the chart source is not Argo CD's OCI form: %v", chartSrc)
	}
	if sources[1].(map[string]any)["ref"] != "values" {
		t.Errorf("the values source is missing: %v", sources[1])
	}
}
