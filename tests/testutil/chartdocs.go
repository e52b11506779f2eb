package testutil

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

var valuesSection = regexp.MustCompile(`(?s)<!-- values:start -->.*<!-- values:end -->`)

// ChartREADME returns the chart README with its values table rebuilt from values.yaml's
// `# --` comments; a value without a comment is an error.
func ChartREADME(readme, valuesYAML []byte) ([]byte, error) {
	if !valuesSection.Match(readme) {
		return nil, errors.New("README.md has no <!-- values:start --> ... <!-- values:end --> section")
	}
	rows, err := valuesTable(valuesYAML)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("<!-- values:start -->\n<!-- Generated from values.yaml by `make docs`; do not edit. -->\n")
	b.WriteString("| Key | Type | Default | Description |\n|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s |\n", r.key, r.typ, strings.ReplaceAll(r.def, "|", `\|`), strings.ReplaceAll(r.desc, "|", `\|`))
	}
	b.WriteString("<!-- values:end -->")
	return valuesSection.ReplaceAllLiteral(readme, b.Bytes()), nil
}

// valueRow is one line of the chart README's values table.
type valueRow struct {
	key, typ, def, desc string
}

// valuesTable reads values.yaml's `# --` comments (the helm-docs convention): a leaf is a
// row; a map whose comment covers it and whose children have none is one row.
func valuesTable(valuesYAML []byte) ([]valueRow, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(valuesYAML, &doc); err != nil {
		return nil, err
	}
	var rows []valueRow
	var errs []error
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
				errs = append(errs, fmt.Errorf("values.yaml: %s has no `# --` comment", key))
			}
			def, err := compactYAML(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("values.yaml: %s: %w", key, err))
			}
			rows = append(rows, valueRow{key, nodeType(v), def, desc})
		}
	}
	if len(doc.Content) == 0 {
		return nil, errors.New("values.yaml is empty")
	}
	walk("", doc.Content[0])
	return rows, errors.Join(errs...)
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

func compactYAML(n *yaml.Node) (string, error) {
	var v any
	if err := n.Decode(&v); err != nil {
		return "", err
	}
	data, err := json.Marshal(v)
	return string(data), err
}
