package lint

import (
	"path"
	"regexp"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// script is shell text found in a Makefile or CI file, with the line it starts at.
type script struct {
	text string
	line int
}

var makeVar = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\s*(?:\?|:|::|\+)?=\s*(.*)$`)

// makeScripts returns a Makefile's recipe lines (continuations joined), with the
// Makefile's simple variables expanded so $(LDFLAGS) is read as what it holds.
func makeScripts(data []byte) []script {
	lines := strings.Split(string(data), "\n")
	vars := map[string]string{}
	for _, l := range lines {
		if m := makeVar.FindStringSubmatch(strings.TrimSpace(l)); m != nil && !strings.HasPrefix(l, "\t") {
			vars[m[1]] = m[2]
		}
	}
	expand := func(s string) string {
		for range 5 {
			s = regexp.MustCompile(`\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]`).ReplaceAllStringFunc(s, func(ref string) string {
				if v, ok := vars[ref[2:len(ref)-1]]; ok {
					return v
				}
				return ref
			})
		}
		return s
	}
	var out []script
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "\t") {
			continue
		}
		start, text := i+1, strings.TrimLeft(lines[i], "\t@-+ ")
		for strings.HasSuffix(text, "\\") && i+1 < len(lines) {
			i++
			text = strings.TrimSuffix(text, "\\") + " " + strings.TrimSpace(lines[i])
		}
		out = append(out, script{text: strings.ReplaceAll(expand(text), "$$", "$"), line: start})
	}
	return out
}

// workflowScripts returns the run: steps of a GitHub Actions workflow, or the
// script:, before_script: and after_script: lines of a GitLab CI file.
func workflowScripts(data []byte, keys ...string) ([]script, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, err
	}
	var out []script
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if slices.Contains(keys, k.Value) {
					out = append(out, scalars(v)...)
					continue
				}
				walk(v)
			}
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
	return out, nil
}

func scalars(n *yaml.Node) []script {
	switch n.Kind {
	case yaml.ScalarNode:
		line := n.Line
		if n.Style == yaml.LiteralStyle || n.Style == yaml.FoldedStyle {
			line++ // the text starts below the | or >
		}
		return []script{{text: n.Value, line: line}}
	case yaml.SequenceNode:
		var out []script
		for _, c := range n.Content {
			out = append(out, scalars(c)...)
		}
		return out
	}
	return nil
}

// fileKind tells a Dockerfile from a Makefile or a CI workflow by its name.
func fileKind(name string) string {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	lower := strings.ToLower(base)
	slash := strings.ReplaceAll(name, "\\", "/")
	switch {
	case lower == "dockerfile" || lower == "containerfile" || strings.HasPrefix(lower, "dockerfile.") || strings.HasSuffix(lower, ".dockerfile"):
		return "dockerfile"
	case lower == "makefile" || lower == "gnumakefile" || strings.HasSuffix(lower, ".mk"):
		return "make"
	case strings.Contains(slash, ".github/workflows/") && (strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml")):
		return "github"
	case strings.HasPrefix(lower, ".gitlab-ci") && (strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml")):
		return "gitlab"
	}
	return ""
}
