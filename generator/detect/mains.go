package detect

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Directory names whose main packages are not the service: code generators and
// scripts, examples, and test support.
var skipReasons = []struct {
	reason string
	dirs   []string
}{
	{"a tool", []string{"tools", "tool", "hack", "scripts", "script", "gen", "codegen", "generator", "generators", "mage", "magefiles"}},
	{"an example", []string{"example", "examples", "demo", "demos", "sample", "samples"}},
	{"test support", testSupportDirs},
}

var testSupportDirs = []string{"test", "tests", "e2e", "integration", "testutil", "testing", "fixtures", "mock", "mocks", "bench", "benchmark", "benchmarks"}

// testHelperDirs hold packages only tests use; narrower than testSupportDirs, since an
// integration or bench package may be part of the service.
var testHelperDirs = []string{"test", "tests", "e2e", "testutil", "testutils", "testhelper", "testhelpers", "testing", "mock", "mocks", "fake", "fakes"}

// chooseMains picks the main packages the image builds: the ones asked for, or
// every main package of the module except tools, examples and test-only ones.
func (r *Repo) chooseMains(pkgs []*listedPackage, asked []string) error {
	var all []Main
	for _, p := range pkgs {
		if p.Name != "main" || p.Module == nil || p.Module.Path != r.Module.Path {
			continue
		}
		m := Main{Package: relPackage(r.Module.Path, p.ImportPath), path: p.ImportPath}
		m.Binary = binaryName(m.Package)
		if len(p.GoFiles)+len(p.CgoFiles) == 0 {
			m.Reason = "only test files"
		} else {
			m.Reason = skipReason(m.Package)
		}
		all = append(all, m)
	}
	if len(asked) > 0 {
		return r.askedMains(all, asked)
	}
	for _, m := range all {
		if m.Reason == "" {
			r.Mains = append(r.Mains, m)
		} else {
			r.Skipped = append(r.Skipped, m)
		}
	}
	switch {
	case len(all) == 0:
		return fmt.Errorf("module %s has no main package: berth builds commands (package main), not libraries; point berth init at the module of a command", r.Module.Path)
	case len(r.Mains) == 0:
		return fmt.Errorf("module %s has only main packages that look like tools, examples or tests (%s); pick the service with --main", r.Module.Path, describeMains(r.Skipped))
	}
	return nil
}

func (r *Repo) askedMains(all []Main, asked []string) error {
	var names []string
	for _, m := range all {
		names = append(names, m.Package)
	}
	for _, a := range asked {
		want := normalizePackage(a)
		i := slices.IndexFunc(all, func(m Main) bool { return m.Package == want })
		if i < 0 {
			return fmt.Errorf("--main %s is not a main package of module %s (main packages: %s)", a, r.Module.Path, joinDirs(names))
		}
		m := all[i]
		m.Reason = "chosen with --main"
		if !slices.ContainsFunc(r.Mains, func(x Main) bool { return x.Package == m.Package }) {
			r.Mains = append(r.Mains, m)
		}
	}
	return nil
}

func describeMains(ms []Main) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Package+": "+m.Reason)
	}
	return strings.Join(out, ", ")
}

// relPackage turns an import path into a package path relative to the module: ./cmd/api.
func relPackage(module, importPath string) string {
	if importPath == module {
		return "."
	}
	return "./" + strings.TrimPrefix(importPath, module+"/")
}

func normalizePackage(p string) string {
	p = path.Clean(strings.TrimSuffix(p, "/"))
	if p == "." {
		return p
	}
	return "./" + strings.TrimPrefix(p, "./")
}

func skipReason(pkg string) string {
	for _, elem := range strings.Split(strings.TrimPrefix(pkg, "./"), "/") {
		for _, s := range skipReasons {
			if slices.Contains(s.dirs, strings.ToLower(elem)) {
				return s.reason
			}
		}
	}
	return ""
}

// testSupport: a package of test helpers (test/, testutil/, mocks/, or dnstest/ beside
// a dns package, as httptest is to http): its constants and listeners serve tests,
// never the service. names are the last elements of the build graph's import paths,
// so latest/ or contest/ (no late or con package) are not taken for helpers.
func testSupport(pkg string, names map[string]bool) bool {
	for _, elem := range strings.Split(strings.TrimPrefix(pkg, "./"), "/") {
		elem = strings.ToLower(elem)
		stem, helper := strings.CutSuffix(elem, "test")
		if slices.Contains(testHelperDirs, elem) || (helper && names[stem]) {
			return true
		}
	}
	return false
}

var notBinaryChar = regexp.MustCompile(`[^a-z0-9_-]+`)

// binaryName is the binary a package builds under go build's rule (the last path
// element), made to fit berth's binary names; "" for the module root.
func binaryName(pkg string) string {
	if pkg == "." {
		return ""
	}
	return Sanitize(path.Base(pkg), notBinaryChar, "_")
}

// Sanitize lower-cases s, replaces runs of characters outside allowed with sep and
// makes it start with a letter; "" when nothing is left.
func Sanitize(s string, notAllowed *regexp.Regexp, sep string) string {
	s = notAllowed.ReplaceAllString(strings.ToLower(s), sep)
	s = strings.Trim(s, "-_.")
	if s == "" {
		return ""
	}
	if s[0] < 'a' || s[0] > 'z' {
		s = "x" + sep + s
	}
	return s
}

// preferListening re-chooses when none of the chosen mains listens but a skipped one
// (an example, typically) does: a code generator or tool that writes files and exits
// never wins over a server. Mains with only test files stay skipped.
func (r *Repo) preferListening(modDir string) error {
	var candidates []Main
	for _, m := range r.Skipped {
		if m.Reason != "only test files" {
			candidates = append(candidates, m)
		}
	}
	if len(candidates) == 0 {
		return nil
	}
	all := append(slices.Clone(r.Mains), candidates...)
	var roots []string
	for _, m := range all {
		roots = append(roots, m.path)
	}
	graph, err := goList(modDir, r.Vendor, append([]string{"-deps"}, roots...)...)
	if err != nil {
		return err
	}
	listens, err := listeningMains(modDir, r.Module.Path, graph, all)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(r.Mains, func(m Main) bool { return listens[m.path] }) {
		return nil
	}
	var servers []Main
	for _, m := range candidates {
		if listens[m.path] {
			m.Reason = fmt.Sprintf("the only main that listens on a port (it sits where %s usually does)", m.Reason)
			servers = append(servers, m)
		}
	}
	if len(servers) == 0 {
		return nil
	}
	var skipped []Main
	for _, m := range r.Mains {
		m.Reason = "listens on no port: a tool or generator, not the service"
		skipped = append(skipped, m)
	}
	for _, m := range r.Skipped {
		if !slices.ContainsFunc(servers, func(s Main) bool { return s.path == m.path }) {
			skipped = append(skipped, m)
		}
	}
	r.Mains, r.Skipped = servers, skipped
	return nil
}

// listeningMains scans the module's own packages of the graph and says which mains
// reach a listen call, flag or PORT default.
func listeningMains(modDir, module string, graph []*listedPackage, mains []Main) (map[string]bool, error) {
	byPath := map[string]*listedPackage{}
	s := &scanner{}
	for _, p := range graph {
		byPath[p.ImportPath] = p
		if p.Standard || p.Module == nil || p.Module.Path != module || p.Error != nil {
			continue
		}
		if err := s.scanPackage(modDir, relTo(modDir, p.Dir), p); err != nil {
			return nil, err
		}
	}
	out := map[string]bool{}
	for _, m := range mains {
		if p := byPath[m.path]; p != nil {
			out[m.path] = s.listensIn(append([]string{m.path}, p.Deps...))
		}
	}
	return out, nil
}
