package lint

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf8"

	"github.com/berth-dev/berth/generator/finding"
	"github.com/berth-dev/berth/generator/readfile"
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

// maxFileBytes bounds what lint reads of one file: Dockerfiles, Makefiles and workflows
// are kilobytes; a link to /dev/zero must not fill memory.
const maxFileBytes = 4 << 20

// readLimited reads a regular file of at most maxFileBytes.
func readLimited(name string) ([]byte, error) {
	data, err := readfile.Local(name, maxFileBytes+1)
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB; not a Dockerfile, Makefile or CI workflow", name, maxFileBytes>>20)
	}
	return data, nil
}

func lintFile(name string, cfg Config) (finding.List, error) {
	data, err := readLimited(name)
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

var ruleUnreadableText = finding.Rule{ID: "BG121", Severity: finding.Error, Title: "NUL byte or invalid UTF-8 in the file",
	Why: "A Dockerfile is UTF-8 text. BuildKit's lexer stops at a NUL byte or reads invalid UTF-8 as replacement characters, so an instruction does something other than what the file seems to say.",
	Fix: "Remove the byte, or save the file as UTF-8."}

// unreadableText reports each line holding a NUL byte or invalid UTF-8, at its column.
func unreadableText(name string, data []byte) finding.List {
	var out finding.List
	for i, line := range bytes.Split(data, []byte("\n")) {
		if col := bytes.IndexByte(line, 0); col >= 0 {
			f := ruleUnreadableText.At(name, i+1, "a NUL byte at column %d", col+1)
			f.Column = col + 1
			out = append(out, f)
		}
		if !utf8.Valid(line) {
			col := readfile.InvalidUTF8At(line)
			f := ruleUnreadableText.At(name, i+1, "invalid UTF-8 at column %d", col+1)
			f.Column = col + 1
			out = append(out, f)
		}
	}
	return out
}

// maxBuildKitStages: real Dockerfiles have a handful of stages; BuildKit's linter is
// quadratic in chained ones.
const maxBuildKitStages = 256

func lintDockerfile(name string, data []byte, cfg Config) (finding.List, error) {
	df, err := parseDockerfile(name, data)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(name)
	c := &checker{df: df, file: name, policy: cfg.BuildFlags, repo: readRepo(dir)}
	for _, ig := range []string{name + ".dockerignore", filepath.Join(dir, ".dockerignore")} {
		if data, err := readLimited(ig); err == nil {
			c.findings = append(c.findings, unreadableText(ig, data)...)
			c.ignore = parseIgnore(ig, data)
			break
		}
	}
	for _, rule := range dockerfileRules {
		rule(c)
	}
	if text := unreadableText(name, data); len(text) > 0 {
		// BuildKit's word lexer prints its own complaint about such bytes to stderr and
		// reads on; berth reports them where they are instead and skips BuildKit's rules.
		return append(c.findings, text...), nil
	}
	if len(df.stages) > maxBuildKitStages {
		// BuildKit's linter resolves each stage through the whole chain before it: a
		// file with thousands of stages would take minutes there, so it is skipped,
		// and said so.
		c.findings = append(c.findings, finding.Finding{File: name, Line: 1, Column: 1, Rule: "buildkit", Severity: finding.Warning,
			Message: fmt.Sprintf("BuildKit's rules not run: %d stages, more than %d", len(df.stages), maxBuildKitStages)})
		return c.findings, nil
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
