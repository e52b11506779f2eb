package dockerfile

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// ContextSources parses a Dockerfile with BuildKit's parser and returns the paths
// its COPY/ADD instructions and bind mounts read from the build context (not from
// other stages). "." means the whole context.
func ContextSources(dockerfile []byte) ([]string, error) {
	res, err := parser.Parse(bytes.NewReader(dockerfile))
	if err != nil {
		return nil, fmt.Errorf("parsing Dockerfile: %w", err)
	}
	var out []string
	for _, n := range res.AST.Children {
		switch strings.ToLower(n.Value) {
		case "copy", "add":
			if hasFlag(n.Flags, "--from") {
				continue
			}
			var args []string
			for a := n.Next; a != nil; a = a.Next {
				args = append(args, a.Value)
			}
			if len(args) > 1 {
				for _, src := range args[:len(args)-1] {
					out = append(out, path.Clean(src))
				}
			}
		case "run":
			for _, f := range n.Flags {
				if src, ok := bindSource(f); ok {
					out = append(out, src)
				}
			}
		}
	}
	return out, nil
}

func hasFlag(flags []string, name string) bool {
	for _, f := range flags {
		if strings.HasPrefix(f, name+"=") {
			return true
		}
	}
	return false
}

// bindSource reads a --mount=type=bind flag that reads the context.
func bindSource(flag string) (string, bool) {
	spec, ok := strings.CutPrefix(flag, "--mount=")
	if !ok {
		return "", false
	}
	fields, err := csv.NewReader(strings.NewReader(spec)).Read()
	if err != nil {
		return "", false
	}
	kv := map[string]string{}
	for _, f := range fields {
		k, v, _ := strings.Cut(f, "=")
		kv[k] = v
	}
	if kv["type"] != "bind" || kv["from"] != "" {
		return "", false
	}
	return path.Clean(cmp.Or(kv["source"], cmp.Or(kv["src"], "."))), true
}
