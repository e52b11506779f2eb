package descriptor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/berth-dev/berth/generator/finding"
)

const (
	MaxBytes = 1 << 20
	maxNodes = 100_000 // after alias expansion; stops "billion laughs" documents
	maxDepth = 64
)

// yaml11Bools are the words YAML 1.1 readers (Helm, many CI tools) turn into booleans
// while YAML 1.2 readers keep them as strings.
var yaml11Bools = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true,
	"on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true,
}

var syntaxLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document is a parsed descriptor: the node tree for positions and the JSON-like
// value the schema sees.
type document struct {
	file  string
	root  *yaml.Node // the top-level mapping, or nil
	value any
	// flagged marks nodes that already carry a parse finding, so the schema does not
	// report the same spot twice.
	flagged map[*yaml.Node]bool
}

// parseYAML reads exactly one YAML document and converts it, catching the YAML 1.1
// traps that make one reader see something other than another.
func parseYAML(file string, src []byte) (*document, finding.List) {
	doc := &document{file: file, flagged: map[*yaml.Node]bool{}}
	if len(src) > MaxBytes {
		return doc, finding.List{doc.at(nil, "/", "file is larger than 1 MiB; a descriptor is a few dozen lines")}
	}
	if len(bytes.TrimSpace(src)) == 0 {
		return doc, finding.List{doc.at(nil, "/", "file is empty; start from 'berth init' or examples/hello/service.yaml")}
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var first yaml.Node
	switch err := dec.Decode(&first); {
	case errors.Is(err, io.EOF):
		return doc, finding.List{doc.at(nil, "/", "file has no content, only comments; start from 'berth init' or examples/hello/service.yaml")}
	case err != nil:
		return doc, finding.List{doc.syntaxError(src, err)}
	}
	var second yaml.Node
	switch err := dec.Decode(&second); {
	case err == nil:
		return doc, finding.List{doc.at(&second, "/", "a second YAML document ('---') is not allowed; a descriptor file holds one service")}
	case !errors.Is(err, io.EOF):
		return doc, finding.List{doc.syntaxError(src, err)}
	}
	node := &first
	if node.Kind == yaml.DocumentNode && len(node.Content) == 1 {
		node = node.Content[0]
	}
	if node.Kind != yaml.MappingNode {
		return doc, finding.List{doc.at(node, "/", "the descriptor must be a mapping of fields (apiVersion, kind, metadata, …)")}
	}
	c := converter{doc: doc}
	value := c.convert(node, "", 0)
	if c.nodes >= maxNodes {
		// Nothing useful can be said about the rest of such a document.
		return doc, c.diags
	}
	doc.root, doc.value = node, value
	return doc, c.diags
}

func (d *document) at(n *yaml.Node, path, msg string) finding.Finding {
	line, col := 1, 1
	if n != nil && n.Line > 0 {
		line, col = n.Line, n.Column
	}
	return finding.Finding{File: d.file, Line: line, Column: col, Path: path, Message: msg}
}

func (d *document) syntaxError(src []byte, err error) finding.Finding {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := syntaxLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if hasTabIndent(src) {
		msg += " (tabs are not allowed for indentation in YAML; use spaces)"
	}
	return finding.Finding{File: d.file, Line: line, Column: 1, Path: "/", Message: "invalid YAML: " + msg}
}

func hasTabIndent(src []byte) bool {
	for _, l := range bytes.Split(src, []byte("\n")) {
		trimmed := bytes.TrimLeft(l, " ")
		if len(trimmed) > 0 && trimmed[0] == '\t' {
			return true
		}
	}
	return false
}

type converter struct {
	doc   *document
	diags finding.List
	nodes int
}

func (c *converter) fail(n *yaml.Node, path, format string, args ...any) {
	c.doc.flagged[n] = true
	c.diags = append(c.diags, c.doc.at(n, pathOrRoot(path), fmt.Sprintf(format, args...)))
}

func pathOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func (c *converter) convert(n *yaml.Node, path string, depth int) any {
	c.nodes++
	if c.nodes == maxNodes {
		c.fail(n, path, "document expands to more than %d values (aliases?); a descriptor is small", maxNodes)
	}
	if c.nodes >= maxNodes {
		return nil
	}
	if depth > maxDepth {
		c.fail(n, path, "nested deeper than %d levels", maxDepth)
		return nil
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil
		}
		return c.convert(n.Alias, path, depth+1)
	case yaml.MappingNode:
		return c.mapping(n, path, depth)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			out = append(out, c.convert(item, path+"/"+strconv.Itoa(i), depth+1))
		}
		return out
	case yaml.ScalarNode:
		return c.scalar(n, path)
	}
	c.fail(n, path, "unsupported YAML node")
	return nil
}

func (c *converter) mapping(n *yaml.Node, path string, depth int) map[string]any {
	out := make(map[string]any, len(n.Content)/2)
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			c.fail(k, path, "mapping keys must be plain strings")
			continue
		}
		kpath := path + "/" + escapePointer(k.Value)
		switch {
		case k.Tag == "!!merge":
			c.fail(k, kpath, "YAML merge keys ('<<') are not supported; write the fields out")
			continue
		case k.Style == 0 && yaml11Bools[k.Value]:
			c.fail(k, kpath, "unquoted key %q is the boolean %s in YAML 1.1 (Helm) but a string in YAML 1.2; quote it: %q", k.Value, yaml11Word(k.Value), k.Value)
		case k.Tag == "!!null":
			c.fail(k, kpath, "empty or null mapping key")
			continue
		}
		if prev, dup := seen[k.Value]; dup {
			c.fail(k, kpath, "duplicate key %q (first defined at line %d); YAML readers disagree on which one wins", k.Value, prev.Line)
			continue
		}
		seen[k.Value] = k
		out[k.Value] = c.convert(v, kpath, depth+1)
	}
	return out
}

func (c *converter) scalar(n *yaml.Node, path string) any {
	plain := n.Style == 0
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			c.fail(n, path, "invalid boolean %q", n.Value)
			return nil
		}
		return b
	case "!!int":
		if plain && len(n.Value) > 1 && n.Value[0] == '0' && n.Value[1] >= '0' && n.Value[1] <= '9' {
			c.fail(n, path, "%s has a leading zero: octal in YAML 1.1, decimal in YAML 1.2; drop the zero or quote it", n.Value)
			return n.Value
		}
		var i int64
		if err := n.Decode(&i); err != nil {
			c.fail(n, path, "number %s is out of range", n.Value)
			return nil
		}
		return json.Number(strconv.FormatInt(i, 10))
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			c.fail(n, path, "%s is not a finite number", n.Value)
			return nil
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
	case "!!timestamp":
		c.fail(n, path, "unquoted %s is read as a date (timestamp) by YAML readers; quote it: %q", n.Value, n.Value)
		return n.Value
	case "!!str", "!!binary":
		if plain && yaml11Bools[n.Value] {
			c.fail(n, path, "unquoted %s is the boolean %s in YAML 1.1 (Helm) but a string in YAML 1.2; write %s, or quote it: %q", n.Value, yaml11Word(n.Value), yaml11Word(n.Value), n.Value)
		}
		return n.Value
	}
	c.fail(n, path, "custom YAML tag %s is not supported", n.Tag)
	return nil
}

func yaml11Word(s string) string {
	switch strings.ToLower(s) {
	case "y", "yes", "on":
		return "true"
	}
	return "false"
}

// escapePointer escapes one JSON-pointer token (RFC 6901).
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// locate walks a JSON pointer through the node tree. It returns the key node of the
// last mapping step (nil for the root or a list item) and the value node; when the
// path leaves the tree it returns the deepest node reached.
func locate(root *yaml.Node, pointer string) (key, value *yaml.Node) {
	key, value, _ = locateFull(root, pointer)
	return key, value
}

// locateFull is locate that also says whether the whole pointer was found.
func locateFull(root *yaml.Node, pointer string) (key, value *yaml.Node, complete bool) {
	value = root
	if pointer == "" || pointer == "/" || root == nil {
		return nil, root, true
	}
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = unescapePointer(tok)
		for value.Kind == yaml.AliasNode && value.Alias != nil {
			value = value.Alias
		}
		switch value.Kind {
		case yaml.MappingNode:
			found := false
			for i := 0; i+1 < len(value.Content); i += 2 {
				if value.Content[i].Value == tok {
					key, value = value.Content[i], value.Content[i+1]
					found = true
					break
				}
			}
			if !found {
				return key, value, false
			}
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(value.Content) {
				return key, value, false
			}
			key, value = nil, value.Content[i]
		default:
			return key, value, false
		}
	}
	return key, value, true
}

// locator turns a JSON pointer of a (possibly merged) view into the node a finding
// points at.
type locator struct {
	root *yaml.Node
	// base is the pointer of the view inside root: "" for the descriptor itself,
	// "/environments/dev" for an environment's override.
	base   string
	prefix string // shown before paths of this view
}

func (l locator) node(loc string, t target) *yaml.Node {
	switch t {
	case keyNode:
		k, v, _ := l.find(loc)
		return firstNonNil(k, v)
	case parentKey:
		k, v, _ := l.find(loc[:strings.LastIndex(loc, "/")])
		return firstNonNil(k, v)
	}
	k, v, complete := l.find(loc)
	if !complete && l.base == "" {
		// The field is absent: point at the key of its nearest written parent.
		return firstNonNil(k, v)
	}
	if !complete && l.base != "" {
		// The value comes from the base descriptor; point at the environment's entry.
		k, v, _ := l.find("")
		return firstNonNil(k, v)
	}
	return v
}

func (l locator) find(loc string) (key, value *yaml.Node, complete bool) {
	full := l.base + loc
	if loc == "/" {
		full = l.base
	}
	key, value, complete = locateFull(l.root, full)
	return key, value, complete
}

func firstNonNil(a, b *yaml.Node) *yaml.Node {
	if a != nil {
		return a
	}
	return b
}
