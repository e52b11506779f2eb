package values

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/yamlenc"
)

// Marshal writes values as YAML with sorted keys, after a comment header. Every string
// is quoted (double quotes, or a literal block for multi-line text), so YAML 1.1
// readers such as Helm and YAML 1.2 readers read the same strings: no "on", "1.20" or
// "0755" turns into something else.
func Marshal(header string, v map[string]any) ([]byte, error) {
	root, err := node(v)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	for _, line := range strings.Split(strings.TrimRight(header, "\n"), "\n") {
		buf.WriteString(strings.TrimRight("# "+model.OneLine(line), " ") + "\n") // a comment cannot hold control characters
	}
	if len(v) == 0 {
		buf.WriteString("{}\n")
		return buf.Bytes(), nil
	}
	data, err := yamlenc.Encode(root)
	if err != nil {
		return nil, err
	}
	buf.Write(data)
	return buf.Bytes(), nil
}

func node(v any) (*yaml.Node, error) {
	switch t := v.(type) {
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			child, err := node(t[k])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			n.Content = append(n.Content, keyNode(k), child)
		}
		return n, nil
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for i, x := range t {
			child, err := node(x)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			n.Content = append(n.Content, child)
		}
		return n, nil
	case string:
		if strings.Contains(t, "\n") && blockSafe(t) {
			return stringNode(t, yaml.LiteralStyle), nil
		}
		return stringNode(t, yaml.DoubleQuotedStyle), nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}, nil
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(t)}, nil
	case int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(t, 10)}, nil
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1<<53 {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(int64(t), 10)}, nil
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(t, 'g', -1, 64)}, nil
	}
	return nil, fmt.Errorf("cannot write %T as a value", v)
}

// blockSafe reports whether a literal block holds s exactly for every reader: printable
// text and plain newlines only, no line of blanks with a tab. A YAML 1.1 reader (Helm's) also breaks lines at CR, NEL,
// U+2028 and U+2029, and a block cannot carry control characters or a BOM; such text
// is written double-quoted, where each is an escape.
func blockSafe(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		// A tab in a line's leading blanks can read as bad indentation in a block
		// (go-yaml v2, which Helm uses, refuses a line of blanks holding a tab, and a
		// tab that starts the first line before the indentation is known): such text
		// is written double-quoted.
		if strings.Contains(line[:len(line)-len(strings.TrimLeft(line, " \t"))], "\t") {
			return false
		}
	}
	for _, r := range s {
		if r == '\n' || r == '\t' {
			continue
		}
		if !unicode.IsPrint(r) && r != ' ' || r == '\ufeff' {
			return false
		}
	}
	return true
}

// plainKey matches keys that read as the same string in YAML 1.1 and 1.2 unquoted.
var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_./-]*$`)

// yaml11Words are the plain scalars YAML 1.1 reads as booleans or null.
var yaml11Words = map[string]bool{}

func init() {
	for _, w := range strings.Fields("y yes n no true false on off null") {
		yaml11Words[w] = true
	}
}

// keyNode quotes a key only when a YAML 1.1 or 1.2 reader could take it for something
// other than that string (an env var named ON, a host with a colon).
func keyNode(k string) *yaml.Node {
	if plainKey.MatchString(k) && !yaml11Words[strings.ToLower(k)] {
		return stringNode(k, 0)
	}
	return stringNode(k, yaml.DoubleQuotedStyle)
}

func stringNode(s string, style yaml.Style) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: style}
}
