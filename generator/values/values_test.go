package values

import (
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/generator/model"
)

// TestMarshalSurvivesYAML11: what Helm (YAML 1.1 rules via sigs.k8s.io/yaml) and a YAML
// 1.2 reader get back is exactly the data that was written.
func TestMarshalSurvivesYAML11(t *testing.T) {
	in := map[string]any{
		"env": map[string]any{
			"ON": "on", "Y": "y", "NO": "no", "VERSION": "1.20", "MODE": "0755", "EMPTY": "",
			"DATE": "2026-11-23", "NULLISH": "null", "TILDE": "~", "COLON": "a: b", "HASH": "#x",
			"MULTI": "line one\nline two\n", "NOTRAIL": "a\nb", "SPACES": "  padded  ",
		},
		"host.example.com:8080": map[string]any{"1.0": true},
		"replicas":              3,
		"ratio":                 0.5,
		"list":                  []any{"yes", 1, nil},
		"gone":                  nil,
	}
	data, err := Marshal("header", in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "# header\n") {
		t.Errorf("no header comment:\n%s", data)
	}
	var helm map[string]any
	if err := sigsyaml.Unmarshal(data, &helm); err != nil {
		t.Fatal(err)
	}
	var v12 map[string]any
	if err := yaml.Unmarshal(data, &v12); err != nil {
		t.Fatal(err)
	}
	want := normalize(in)
	if got := normalize(helm); !reflect.DeepEqual(got, want) {
		t.Errorf("YAML 1.1 reader got\n%v\nwant\n%v\n%s", got, want, data)
	}
	if got := normalize(v12); !reflect.DeepEqual(got, want) {
		t.Errorf("YAML 1.2 reader got\n%v\nwant\n%v\n%s", got, want, data)
	}
	again, _ := Marshal("header", in)
	if string(again) != string(data) {
		t.Error("two marshals differ")
	}
}

func TestOverlayIsMinimalAndExact(t *testing.T) {
	base := map[string]any{
		"replicas": 2,
		"env":      map[string]any{"KEEP": "1", "CHANGE": "a", "DROP": "x"},
		"args":     []any{"a", "b"},
		"ingress":  map[string]any{"enabled": false, "hosts": map[string]any{}},
		"ports":    map[string]any{"http": nil, "grpc": map[string]any{"port": 9000}},
	}
	view := map[string]any{
		"replicas": 2.0, // the same number, as a float after a YAML round trip
		"env":      map[string]any{"KEEP": "1", "CHANGE": "b", "ADD": "y"},
		"args":     []any{"a"},
		"ingress":  map[string]any{"enabled": true, "hosts": map[string]any{"a.example.com": map[string]any{}}},
		"ports":    map[string]any{"http": nil, "grpc": map[string]any{"port": 9000}},
	}
	got := Overlay(base, view, nil)
	want := map[string]any{
		"env":     map[string]any{"CHANGE": "b", "ADD": "y", "DROP": nil},
		"args":    []any{"a"},
		"ingress": map[string]any{"enabled": true, "hosts": map[string]any{"a.example.com": map[string]any{}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Overlay = %v\nwant %v", got, want)
	}
	merged := prune(model.Merge(base, got, model.KeepNulls))
	if !equal(merged, prune(view)) {
		t.Errorf("Merge(base, overlay) = %v\nwant %v", merged, prune(view))
	}
	if len(Overlay(view, view, nil)) != 0 {
		t.Error("overlay of a view over itself is not empty")
	}
}

// prune drops null map entries, which the chart treats as absent.
func prune(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		switch t := v.(type) {
		case nil:
			continue
		case map[string]any:
			out[k] = prune(t)
		default:
			out[k] = v
		}
	}
	return out
}
