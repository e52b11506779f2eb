package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestChartValuesHaveEveryKey: every key the schema defines on the chart's own objects
// exists in values.yaml, so a `null` in a later values file really deletes it (Helm only
// deletes keys that exist in the defaults).
func TestChartValuesHaveEveryKey(t *testing.T) {
	var schema map[string]any
	if err := json.Unmarshal(mustRead(t, filepath.Join(chartDir, "values.schema.json")), &schema); err != nil {
		t.Fatal(err)
	}
	var values map[string]any
	if err := yaml.Unmarshal(mustRead(t, filepath.Join(chartDir, "values.yaml")), &values); err != nil {
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

// valueRow is one line of the chart README's values table.
type valueRow struct {
	key, typ, def, desc string
}

// valuesTable reads values.yaml's `# --` comments (the helm-docs convention): a leaf is a
// row; a map whose comment covers it and whose children have none is one row.
func valuesTable(t *testing.T) []valueRow {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(mustRead(t, filepath.Join(chartDir, "values.yaml")), &doc); err != nil {
		t.Fatal(err)
	}
	var rows []valueRow
	var walk func(prefix string, m *yaml.Node)
	walk = func(prefix string, m *yaml.Node) {
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			key := prefix + k.Value
			desc := docComment(k.HeadComment)
			if v.Kind == yaml.MappingNode && len(v.Content) > 0 && (desc == "" || hasDocComments(v)) {
				walk(key+".", v)
				continue
			}
			if desc == "" {
				t.Errorf("values.yaml: %s has no `# --` comment", key)
			}
			rows = append(rows, valueRow{key, nodeType(v), compactYAML(t, v), desc})
		}
	}
	walk("", doc.Content[0])
	return rows
}

func docComment(head string) string {
	var parts []string
	in := false
	for _, line := range strings.Split(head, "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "#"))
		if rest, ok := strings.CutPrefix(line, "-- "); ok {
			in, parts = true, []string{rest}
			continue
		}
		if in && line != "" {
			parts = append(parts, line)
		}
	}
	return strings.Join(parts, " ")
}

func hasDocComments(m *yaml.Node) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if docComment(m.Content[i].HeadComment) != "" {
			return true
		}
		if v := m.Content[i+1]; v.Kind == yaml.MappingNode && hasDocComments(v) {
			return true
		}
	}
	return false
}

func nodeType(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "object"
	case yaml.SequenceNode:
		return "list"
	}
	switch n.Tag {
	case "!!int":
		return "int"
	case "!!bool":
		return "bool"
	case "!!null":
		return "null"
	}
	return "string"
}

func compactYAML(t *testing.T, n *yaml.Node) string {
	t.Helper()
	var v any
	if err := n.Decode(&v); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

var valuesSection = regexp.MustCompile(`(?s)<!-- values:start -->.*<!-- values:end -->`)

// TestChartREADMEValues keeps the chart README's values table equal to values.yaml; run
// with -update to rewrite it.
func TestChartREADMEValues(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("<!-- values:start -->\n<!-- Generated from values.yaml by `make golden`; do not edit. -->\n")
	b.WriteString("| Key | Type | Default | Description |\n|---|---|---|---|\n")
	for _, r := range valuesTable(t) {
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s |\n", r.key, r.typ, strings.ReplaceAll(r.def, "|", `\|`), strings.ReplaceAll(r.desc, "|", `\|`))
	}
	b.WriteString("<!-- values:end -->")
	path := filepath.Join(chartDir, "README.md")
	readme := mustRead(t, path)
	if !valuesSection.Match(readme) {
		t.Fatalf("%s has no <!-- values:start --> ... <!-- values:end --> section", path)
	}
	want := valuesSection.ReplaceAllLiteral(readme, b.Bytes())
	assertGolden(t, path, want)
}
