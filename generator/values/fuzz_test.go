package values

import (
	"reflect"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
)

// FuzzMarshal: whatever strings a values map holds, as keys or values, the written file
// reads back as the same map for Helm's YAML reader (sigs.k8s.io/yaml, YAML 1.1 line
// breaks) and a YAML 1.2 reader.
func FuzzMarshal(f *testing.F) {
	for _, s := range []string{"plain", "two\nlines\n", "cr\r", "nel\u0085", "ls\u2028", "on", "null", "- x", "a: b", "\ttab", " lead", "trail ", "\ufeffbom", "#c", "'q'", `"d"`, "\x00", "1e3", "0x1F"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		if !utf8.ValidString(key) || !utf8.ValidString(value) || key == "" {
			return // the descriptor refuses invalid UTF-8 before anything is marshalled
		}
		in := map[string]any{
			"env":    map[string]any{key: value},
			"config": map[string]any{"files": map[string]any{"app.yaml": value}},
			"args":   []any{value, key},
		}
		data, err := Marshal("header "+value, in)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		var helm, v12 map[string]any
		if err := sigsyaml.Unmarshal(data, &helm); err != nil {
			t.Fatalf("Helm cannot read it: %v\n%s", err, data)
		}
		if err := yaml.Unmarshal(data, &v12); err != nil {
			t.Fatalf("a YAML 1.2 reader cannot read it: %v\n%s", err, data)
		}
		if !reflect.DeepEqual(helm, in) {
			t.Fatalf("Helm reads %#v\nwant %#v\n%s", helm, in, data)
		}
		if !reflect.DeepEqual(v12, in) {
			t.Fatalf("YAML 1.2 reads %#v\nwant %#v\n%s", v12, in, data)
		}
	})
}
