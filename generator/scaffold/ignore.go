package scaffold

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/moby/patternmatcher"

	"github.com/berth-dev/berth/generator/detect"
)

// negation is a build.dockerignore pattern that keeps a file the build reads.
type negation struct {
	pattern string
	why     string
}

// Dropped is a file the build reads that berth's default .dockerignore drops, and the
// pattern that drops it.
type Dropped struct {
	File    string
	Pattern string
}

// Keep adds to build.dockerignore the patterns that keep each dropped file (an
// embedded dist/, a TLS key the code embeds, sources under tmp/): the //go:embed
// pattern itself when it is the reason, else the file.
func (d *Draft) Keep(dropped []Dropped) {
	for _, p := range dropped {
		n := embedNegation(d.repo, p.File)
		if n.pattern == "" {
			n = negation{pattern: "!" + p.File, why: fmt.Sprintf("%s is read by the build but matches %q", p.File, p.Pattern)}
		}
		if !slices.ContainsFunc(d.ignore, func(x negation) bool { return x.pattern == n.pattern }) {
			d.ignore = append(d.ignore, n)
		}
	}
}

// Ignore is the draft's build.dockerignore.
func (d *Draft) Ignore() []string {
	var out []string
	for _, n := range d.ignore {
		out = append(out, n.pattern)
	}
	return out
}

func embedNegation(repo *detect.Repo, file string) negation {
	for _, e := range repo.Embeds {
		if !slices.Contains(e.Files, file) {
			continue
		}
		for _, pat := range e.Patterns {
			full := path.Join(e.Dir, strings.TrimPrefix(pat, "all:"))
			if ok, _ := patternmatcher.MatchesOrParentMatches(file, []string{full}); ok {
				return negation{pattern: "!" + full, why: fmt.Sprintf("%s:%d embeds %s", e.Evidence.File, e.Evidence.Line, pat)}
			}
		}
	}
	return negation{}
}
