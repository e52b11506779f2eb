package tests

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/berth-dev/berth/tests/testutil"
)

// TestChartValuesHaveEveryKey: every key the schema defines on the chart's own objects
// exists in values.yaml, so a `null` in a later values file really deletes it (Helm only
// deletes keys that exist in the defaults).
func TestChartValuesHaveEveryKey(t *testing.T) {
	var schema map[string]any
	if err := json.Unmarshal(testutil.ReadFile(t, filepath.Join(chartDir, "values.schema.json")), &schema); err != nil {
		t.Fatal(err)
	}
	var values map[string]any
	if err := yaml.Unmarshal(testutil.ReadFile(t, filepath.Join(chartDir, "values.yaml")), &values); err != nil {
		t.Fatal(err)
	}
	defs, _ := schema["definitions"].(map[string]any)
	// Kubernetes API objects passed through whole: only their top key must exist.
	passThrough := map[string]bool{"#/definitions/podSecurityContext": true, "#/definitions/securityContext": true}
	var walk func(path string, s map[string]any, v map[string]any)
	walk = func(path string, s map[string]any, v map[string]any) {
		props, _ := s["properties"].(map[string]any)
		for _, key := range slices.Sorted(maps.Keys(props)) {
			if path == "" && key == "enabled" {
				continue // Helm's condition key for parent charts, never set here
			}
			if _, ok := v[key]; !ok {
				t.Errorf("values.yaml has no %s%s", path, key)
				continue
			}
			sub, _ := props[key].(map[string]any)
			if ref, ok := sub["$ref"].(string); ok {
				if passThrough[ref] {
					continue
				}
				sub, _ = defs[strings.TrimPrefix(ref, "#/definitions/")].(map[string]any)
			}
			if child, ok := v[key].(map[string]any); ok {
				walk(path+key+".", sub, child)
			}
		}
	}
	walk("", schema, values)
}

// TestChartREADMEValues keeps the chart README's values table equal to values.yaml;
// 'make docs' rewrites it.
func TestChartREADMEValues(t *testing.T) {
	path := filepath.Join(chartDir, "README.md")
	readme := testutil.ReadFile(t, path)
	want, err := testutil.ChartREADME(readme, testutil.ReadFile(t, filepath.Join(chartDir, "values.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(readme), string(want)); diff != "" {
		t.Errorf("%s is not current with values.yaml (-have +want):\n%s\nrun 'make docs'", path, diff)
	}
}
