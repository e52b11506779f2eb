// Package yamlenc is the one way berth writes YAML from a node tree (values files, the
// ApplicationSet, a drafted service.yaml): two-space indents, block style unless a node
// says otherwise, one document.
package yamlenc

import (
	"bytes"

	yaml "go.yaml.in/yaml/v3"
)

// Encode writes one YAML document.
func Encode(doc *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
