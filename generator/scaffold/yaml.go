package scaffold

import (
	"strconv"

	yaml "go.yaml.in/yaml/v3"

	"github.com/berth-dev/berth/generator/yamlenc"
)

// A small builder over yaml.v3 nodes: the descriptor is written with a comment on
// each detected value, which plain marshalling cannot do.

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func flowMapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle} }

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func quoted(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.DoubleQuotedStyle}
}

func integer(n int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(n)}
}

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

func flowList(items ...string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, it := range items {
		n.Content = append(n.Content, quoted(it))
	}
	return n
}

// set appends key: value to a mapping. comment goes at the end of the line (on the
// value, where yaml.v3 keeps it for scalars and flow collections; on the key for
// block collections).
func set(m *yaml.Node, key string, value *yaml.Node, comment string) *yaml.Node {
	k := str(key)
	k.Tag = ""
	if comment != "" {
		if value.Kind == yaml.ScalarNode || value.Style == yaml.FlowStyle {
			value.LineComment = comment
		} else {
			k.LineComment = comment
		}
	}
	m.Content = append(m.Content, k, value)
	return value
}

// above puts comment lines before the last key added to m.
func above(m *yaml.Node, comment string) {
	if comment == "" || len(m.Content) < 2 {
		return
	}
	key := m.Content[len(m.Content)-2]
	if key.HeadComment != "" {
		comment = key.HeadComment + "\n" + comment
	}
	key.HeadComment = comment
}

func encode(doc *yaml.Node) ([]byte, error) { return yamlenc.Encode(doc) }
