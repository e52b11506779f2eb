package lint

import (
	"regexp"
	"slices"
	"strings"

	"github.com/berth-dev/berth/generator/finding"
)

var ignoreComment = regexp.MustCompile(`#\s*berth:ignore(-file)?\s+([A-Za-z0-9/_,\s-]+)`)

// suppressions reads a file's `# berth:ignore ID[,ID]` comments: on a line of its
// own it covers the next line that is not a comment or blank; after code it covers
// its own line. `# berth:ignore-file ID` covers the whole file.
type suppressions struct {
	byLine map[int][]string
	file   []string
}

func readSuppressions(data []byte) suppressions {
	s := suppressions{byLine: map[int][]string{}}
	lines := strings.Split(string(data), "\n")
	var pending []string
	for i, l := range lines {
		trimmed := strings.TrimSpace(l)
		m := ignoreComment.FindStringSubmatch(l)
		switch {
		case m != nil && m[1] == "-file":
			s.file = append(s.file, ids(m[2])...)
		case m != nil && strings.HasPrefix(trimmed, "#"):
			pending = append(pending, ids(m[2])...)
		case m != nil:
			s.byLine[i+1] = append(s.byLine[i+1], ids(m[2])...)
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		default:
			if len(pending) > 0 {
				s.byLine[i+1] = append(s.byLine[i+1], pending...)
				pending = nil
			}
		}
	}
	return s
}

func ids(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}

func (s suppressions) covers(f finding.Finding) bool {
	match := func(list []string) bool {
		return slices.ContainsFunc(list, func(id string) bool { return strings.EqualFold(id, f.Rule) })
	}
	return match(s.file) || match(s.byLine[f.Line])
}

// suppress drops findings switched off in the config or by a comment in their file.
func suppress(findings finding.List, disabled []string) finding.List {
	cache := map[string]suppressions{}
	var out finding.List
	for _, f := range findings {
		if slices.ContainsFunc(disabled, func(id string) bool { return strings.EqualFold(id, f.Rule) }) {
			continue
		}
		s, ok := cache[f.File]
		if !ok {
			data, _ := readLimited(f.File)
			s = readSuppressions(data)
			cache[f.File] = s
		}
		if !s.covers(f) {
			out = append(out, f)
		}
	}
	return out
}
