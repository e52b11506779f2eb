package lint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/berth-dev/berth/generator/finding"
)

// Lint checks each path (a Dockerfile, Makefile, GitHub Actions workflow or GitLab
// CI file, or a directory holding them) and returns the findings, sorted.
func Lint(paths []string, cfg Config) (finding.List, error) {
	files, err := expand(paths)
	if err != nil {
		return nil, err
	}
	var all finding.List
	var errs []error
	for _, f := range files {
		found, err := lintFile(f, cfg)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		all = append(all, found...)
	}
	all = suppress(all, cfg.Disable)
	all = all.Sorted()
	return all, errors.Join(errs...)
}

// expand turns directories into the files berth lint knows in them.
func expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			if fileKind(p) == "" {
				return nil, fmt.Errorf("%s: not a Dockerfile, Makefile, GitHub Actions workflow or .gitlab-ci.yml", p)
			}
			out = append(out, p)
			continue
		}
		for _, pattern := range []string{"Dockerfile", "Containerfile", "Makefile", "GNUmakefile", ".gitlab-ci.yml", ".github/workflows/*.yml", ".github/workflows/*.yaml"} {
			matches, _ := filepath.Glob(filepath.Join(p, pattern))
			out = append(out, matches...)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("nothing to lint: no Dockerfile, Makefile or CI workflow in the given paths")
	}
	return out, nil
}

func lintFile(name string, cfg Config) (finding.List, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	switch fileKind(name) {
	case "dockerfile":
		return lintDockerfile(name, data, cfg)
	case "make":
		return scriptFindings(name, makeScripts(data), cfg), nil
	case "github":
		s, err := workflowScripts(data, "run")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return scriptFindings(name, s, cfg), nil
	case "gitlab":
		s, err := workflowScripts(data, "script", "before_script", "after_script")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return scriptFindings(name, s, cfg), nil
	}
	return nil, fmt.Errorf("%s: unknown kind of file", name)
}

// scriptFindings checks every go build line of a Makefile's or workflow's scripts.
func scriptFindings(name string, scripts []script, cfg Config) finding.List {
	var out finding.List
	for _, s := range scripts {
		for _, c := range shellCommands(s.text) {
			if len(c.args) > 1 && (c.args[0] == "go" || filepath.Base(c.args[0]) == "go") && c.args[1] == "build" {
				out = append(out, goBuildFindings(name, s.line+c.line-1, c, c.env, cfg.BuildFlags)...)
			}
		}
	}
	return out
}

func lintDockerfile(name string, data []byte, cfg Config) (finding.List, error) {
	df, err := parseDockerfile(name, data)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(name)
	c := &checker{df: df, file: name, policy: cfg.BuildFlags, repo: readRepo(dir)}
	for _, ig := range []string{name + ".dockerignore", filepath.Join(dir, ".dockerignore")} {
		if data, err := os.ReadFile(ig); err == nil {
			c.ignore = parseIgnore(ig, data)
			break
		}
	}
	for _, rule := range dockerfileRules {
		rule(c)
	}
	bk, err := BuildKit(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for _, w := range bk.Warnings {
		line := 1
		if len(w.Location.Ranges) > 0 {
			line = int(w.Location.Ranges[0].Start.Line)
		}
		c.findings = append(c.findings, finding.Finding{File: name, Line: line, Column: 1, Rule: "buildkit/" + w.RuleName, Severity: finding.Warning, Message: w.Detail, Fix: w.URL})
	}
	return c.findings, nil
}
