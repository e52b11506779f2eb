package scaffold

import (
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/moby/patternmatcher"

	"github.com/berth-dev/berth/generator"
	"github.com/berth-dev/berth/generator/descriptor"
	"github.com/berth-dev/berth/generator/detect"
	"github.com/berth-dev/berth/generator/dockerfile"
)

// negation is a build.dockerignore pattern that keeps a file the build reads.
type negation struct {
	pattern string
	why     string
}

// keepNeededFiles loads the drafted descriptor, asks Docker's pattern matcher which
// files the build reads that berth's default .dockerignore drops (an embedded dist/,
// a TLS key the code embeds, sources under tmp/), and returns patterns that keep
// them: the //go:embed pattern itself when it is the reason, else the file.
func keepNeededFiles(repo *detect.Repo, file string, data []byte, dir string) ([]negation, error) {
	svc, diags, err := descriptor.Load(file, data, os.DirFS(dir))
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		// Not wrapped: the draft was not written, so its positions only make sense
		// with the explanation.
		return nil, fmt.Errorf("the flags conflict with the code; the draft (not written) says:\n%s", diags.Error())
	}
	df, err := dockerfile.Render(svc)
	if err != nil {
		return nil, err
	}
	problems, err := generator.IgnoreProblems(svc, os.DirFS(dir), df, dockerfile.Ignore(svc))
	if err != nil {
		return nil, err
	}
	var out []negation
	for _, p := range problems {
		n := embedNegation(repo, p.File)
		if n.pattern == "" {
			n = negation{pattern: "!" + p.File, why: fmt.Sprintf("%s is read by the build but matches %q", p.File, p.Pattern)}
		}
		if !slices.ContainsFunc(out, func(x negation) bool { return x.pattern == n.pattern }) {
			out = append(out, n)
		}
	}
	return out, nil
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
