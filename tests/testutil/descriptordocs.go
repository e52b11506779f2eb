package testutil

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

var descriptorSection = regexp.MustCompile(`(?s)<!-- descriptor:start -->.*<!-- descriptor:end -->`)

// DescriptorREADME returns README.md with its descriptor reference rebuilt from the
// schema, in the schema's order; a field without a description is an error, so the
// schema (which editors show through yaml-language-server) and README say the same.
func DescriptorREADME(readme, schemaJSON []byte) ([]byte, error) {
	if !descriptorSection.Match(readme) {
		return nil, errors.New("README.md has no <!-- descriptor:start --> ... <!-- descriptor:end --> section")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(schemaJSON, &doc); err != nil {
		return nil, err
	}
	root := doc.Content[0]
	// The first pass expands every definition everywhere to find its home: the shortest
	// field it is used under (resources, not sidecars.NAME.resources).
	first := &schemaWalker{defs: field(root, "definitions"), home: map[string]string{}}
	first.properties("", root)
	w := &schemaWalker{defs: first.defs, home: first.home, final: true}
	w.properties("", root)
	if len(w.errs) > 0 {
		return nil, errors.Join(w.errs...)
	}
	var b bytes.Buffer
	b.WriteString("<!-- descriptor:start -->\n<!-- Generated from schemas/service.schema.json by `make docs`; do not edit. -->\n")
	b.WriteString("| field | type | meaning and default |\n|---|---|---|\n")
	for _, r := range w.rows {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.key, cell(r.typ), cell(r.desc))
	}
	b.WriteString("<!-- descriptor:end -->")
	return descriptorSection.ReplaceAllLiteral(readme, b.Bytes()), nil
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// schemaWalker collects one row per field. A definition with fields is expanded at its
// home; other uses point there instead of repeating its rows.
type schemaWalker struct {
	defs  *yaml.Node
	home  map[string]string // definition name → the field its rows are under
	final bool              // home is settled: expand each definition once
	rows  []valueRow
	errs  []error
}

// properties adds a row for each property of obj, and the rows of their fields.
func (w *schemaWalker) properties(prefix string, obj *yaml.Node) {
	props := field(obj, "properties")
	if props == nil {
		return
	}
	required := map[string]bool{}
	if req := field(obj, "required"); req != nil {
		for _, r := range req.Content {
			required[r.Value] = true
		}
	}
	for i := 0; i+1 < len(props.Content); i += 2 {
		w.property(prefix+props.Content[i].Value, props.Content[i+1], required[props.Content[i].Value])
	}
}

func (w *schemaWalker) property(key string, p *yaml.Node, required bool) {
	desc := w.description(p)
	body, ref := w.resolve(p)
	if desc == "" {
		w.errs = append(w.errs, fmt.Errorf("schema field %s has no description", key))
	}
	if required {
		desc = strings.TrimSpace(desc + " Required.")
	}
	if def := field(body, "default"); def != nil && !strings.Contains(desc, "Default:") {
		desc += " Default: " + def.Value + "."
	}
	children, childPrefix, childRef := w.fieldsOf(key, body)
	if childRef != "" {
		ref = childRef
	}
	home := strings.TrimSuffix(childPrefix, ".")
	if children != nil && ref != "" {
		switch first, seen := w.home[ref]; {
		case !w.final && (!seen || strings.Count(home, ".") < strings.Count(first, ".")):
			w.home[ref] = home
		case w.final && first != home:
			desc += fmt.Sprintf(" Fields as in `%s`.", first)
			children = nil
		}
	}
	// An environment repeats fields above as sparse overrides: name them instead of
	// repeating their rows.
	if key == "environments" && children != nil {
		desc += " An environment may set " + propertyNames(children) + "."
		children = nil
	}
	w.rows = append(w.rows, valueRow{key: key, typ: typeOf(w, body), desc: desc})
	if children != nil {
		w.properties(childPrefix, children)
	}
}

func propertyNames(obj *yaml.Node) string {
	props := field(obj, "properties")
	var names []string
	for i := 0; i < len(props.Content); i += 2 {
		names = append(names, "`"+props.Content[i].Value+"`")
	}
	return strings.Join(names, ", ")
}

// description is the first one met following n's $refs.
func (w *schemaWalker) description(n *yaml.Node) string {
	for i := 0; i < 8 && n != nil; i++ {
		if d := scalar(n, "description"); d != "" {
			return d
		}
		r := scalar(n, "$ref")
		if r == "" {
			break
		}
		n = w.lookup(strings.TrimPrefix(r, "#/definitions/"))
	}
	return ""
}

// fieldsOf returns the object whose properties are key's fields: its own, or those of
// its map values (key.NAME.field) or of an object alternative of its values, with the
// definition the map values come from.
func (w *schemaWalker) fieldsOf(key string, body *yaml.Node) (*yaml.Node, string, string) {
	if field(body, "properties") != nil {
		return body, key + ".", ""
	}
	if add := field(body, "additionalProperties"); add != nil && add.Kind == yaml.MappingNode {
		if v, ref := w.resolve(add); field(v, "properties") != nil {
			return v, key + ".NAME.", ref
		}
	}
	return nil, "", ""
}

// resolve follows $ref and, for "null or X" and "A or B" unions, picks the alternative with
// fields (or the first non-null one); it returns the definition's name when one was used.
func (w *schemaWalker) resolve(n *yaml.Node) (*yaml.Node, string) {
	ref := ""
	for i := 0; i < 8 && n != nil; i++ {
		if r := scalar(n, "$ref"); r != "" {
			ref = strings.TrimPrefix(r, "#/definitions/")
			n = w.lookup(ref)
			continue
		}
		alts := field(n, "anyOf")
		if alts == nil {
			alts = field(n, "oneOf")
		}
		if alts == nil || field(n, "properties") != nil {
			return n, ref
		}
		n = w.pick(alts)
	}
	return n, ref
}

func (w *schemaWalker) pick(alts *yaml.Node) *yaml.Node {
	var first *yaml.Node
	for _, a := range alts.Content {
		if scalar(a, "type") == "null" {
			continue
		}
		if first == nil {
			first = a
		}
		if r, _ := w.resolve(a); field(r, "properties") != nil {
			return a
		}
	}
	return first
}

// lookup finds a definition, or a property inside one ("jobFields/binary").
func (w *schemaWalker) lookup(path string) *yaml.Node {
	n := w.defs
	for _, part := range strings.Split(path, "/") {
		n = field(n, part)
	}
	if n == nil {
		w.errs = append(w.errs, fmt.Errorf("schema: $ref #/definitions/%s does not resolve", path))
	}
	return n
}

// typeOf names a field's type as a reader writes it: its allowed values, object, map, or
// the JSON types of every alternative.
func typeOf(w *schemaWalker, n *yaml.Node) string {
	if enum := field(n, "enum"); enum != nil {
		var vals []string
		for _, v := range enum.Content {
			vals = append(vals, "`"+v.Value+"`")
		}
		return strings.Join(vals, " | ")
	}
	switch t := field(n, "type"); {
	case t != nil && t.Kind == yaml.SequenceNode:
		var ts []string
		for _, v := range t.Content {
			if v.Value != "null" {
				ts = append(ts, v.Value)
			}
		}
		return strings.Join(ts, "/")
	case t != nil && t.Value == "object" && field(n, "properties") == nil:
		return "map"
	case t != nil:
		return t.Value
	}
	if alts := field(n, "anyOf"); alts != nil {
		var ts []string
		for _, a := range alts.Content {
			if r, _ := w.resolve(a); scalar(r, "type") != "null" {
				ts = append(ts, typeOf(w, r))
			}
		}
		return strings.Join(ts, "/")
	}
	return ""
}

func field(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func scalar(m *yaml.Node, key string) string {
	if v := field(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}
