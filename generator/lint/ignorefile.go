package lint

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/moby/patternmatcher"
)

// ignoreFile is a .dockerignore with the line of each pattern.
type ignoreFile struct {
	name     string
	patterns []string
	lines    []int
}

func parseIgnore(name string, data []byte) *ignoreFile {
	f := &ignoreFile{name: name}
	for i, raw := range strings.Split(string(data), "\n") {
		p := strings.TrimSpace(raw)
		if p == "" || strings.HasPrefix(p, "#") || !printable(p) {
			continue // an unprintable pattern is reported as BG121, not matched
		}
		f.patterns = append(f.patterns, p)
		f.lines = append(f.lines, i+1)
	}
	return f
}

// excludes reports whether Docker's matcher drops file, and the line and text of
// the last pattern that does.
func (f *ignoreFile) excludes(file string) (line int, pattern string, excluded bool) {
	pm, err := patternmatcher.New(f.patterns)
	if err != nil {
		return 0, "", false
	}
	if ok, _ := pm.MatchesOrParentMatches(file); !ok {
		return 0, "", false
	}
	for i := len(f.patterns) - 1; i >= 0; i-- {
		p := f.patterns[i]
		if strings.HasPrefix(p, "!") {
			continue
		}
		if ok, _ := patternmatcher.MatchesOrParentMatches(file, []string{p}); ok {
			return f.lines[i], p, true
		}
	}
	return 1, "?", true
}

// printable: no control character and valid UTF-8, which Docker's matcher (and its
// text scanner, which complains on stderr) can read.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
