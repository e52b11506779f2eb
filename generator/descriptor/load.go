// Package descriptor reads service.yaml: YAML with positions, the JSON Schema,
// semantic rules, then defaults, producing the typed model. Every problem is reported
// at once, located as file:line:col.
package descriptor

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/berth-dev/berth/generator/finding"
	"github.com/berth-dev/berth/generator/gomod"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/readfile"
)

// LoadFile reads a descriptor from disk; the repository checks (go.mod, vendor/,
// packages, config files) look at the descriptor's directory.
func LoadFile(name string) (*model.Service, finding.List, error) {
	src, repo, done, err := Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer done()
	return Load(name, src, repo)
}

// Open reads a descriptor from disk, at most one byte over MaxBytes so that Load refuses
// a larger one with a location, and opens its directory as the repository, refusing
// paths (symbolic links included) that lead outside it. done releases the directory.
func Open(name string) (src []byte, repo fs.FS, done func(), err error) {
	src, err = readfile.Local(name, MaxBytes+1)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("reading descriptor: %w", err)
	}
	repo, done, err = readfile.Dir(filepath.Dir(name))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("opening the descriptor's directory: %w", err)
	}
	return src, repo, done, nil
}

// Load validates src (named file in messages) and returns the model. repo is the
// descriptor's directory; nil skips the repository checks. The returned finding.List
// are sorted and may hold warnings; when they hold an error the model is nil. The
// error return is for failures that are not the descriptor's fault.
func Load(file string, src []byte, repo fs.FS) (*model.Service, finding.List, error) {
	doc, diags := parseYAML(file, src)
	if doc.root == nil {
		return nil, diags.Sorted(), nil
	}
	base := locator{root: doc.root}
	found, err := validateSchema(doc, base, doc.value)
	if err != nil {
		return nil, nil, err
	}
	diags = append(diags, found...)
	if diags.HasErrors() {
		return nil, diags.Sorted(), nil
	}
	s, err := decodeSpec(doc.value)
	if err != nil {
		return nil, nil, err
	}
	rep := &reporter{doc: doc, loc: base}
	mod, vendor := readModule(repo, s, rep)
	runRules(&ruleContext{s: s, repo: repo, mod: mod, rep: rep})
	diags = append(diags, rep.diags...)

	envs := map[string]*spec{}
	for _, name := range sortedKeys(s.Environments) {
		es, found, err := loadEnvironment(doc, s, name, repo, mod)
		if err != nil {
			return nil, nil, err
		}
		diags = append(diags, notRepeated(found, rep.diags, environmentPrefix(name))...)
		envs[name] = es
	}
	if diags.HasErrors() {
		return nil, diags.Sorted(), nil
	}
	svc := normalize(file, s, mod, vendor, repo)
	for _, name := range sortedKeys(envs) {
		view := normalize(file, envs[name], mod, vendor, repo)
		svc.Environments = append(svc.Environments, model.Environment{Name: name, Service: view})
	}
	return svc, diags.Sorted(), nil
}

func runRules(c *ruleContext) {
	for _, rule := range rules {
		rule(c)
	}
}

// readModule reads go.mod and the vendor state of the build context; a go.mod that
// does not parse is reported as a finding.
func readModule(repo fs.FS, s *spec, rep *reporter) (*gomod.Module, gomod.VendorState) {
	if repo == nil || escapes(s.Build.Context) {
		return nil, gomod.NoVendor
	}
	mod, err := gomod.Read(repo, contextDir(s))
	switch {
	case errors.Is(err, gomod.ErrNoGoMod):
		return nil, gomod.NoVendor
	case err != nil:
		rep.add("/build", parentKey, err.Error())
		return nil, gomod.NoVendor
	}
	state, _, err := mod.CheckVendor(repo, contextDir(s))
	if err != nil {
		return mod, gomod.NoVendor
	}
	return mod, state
}

// loadEnvironment builds one environment's full view (base merged with its
// override), checks it with the schema and the rules, and locates findings in the
// override when it set the value, else at the environment's key.
func loadEnvironment(doc *document, base *spec, name string, repo fs.FS, mod *gomod.Module) (*spec, finding.List, error) {
	root := doc.value.(map[string]any)
	override, _ := root["environments"].(map[string]any)[name].(map[string]any)
	merged := model.Merge(withoutKeys(root, "environments", "argocd"), override, model.NullsDelete)
	replaceProbeKinds(merged, override)
	loc := locator{root: doc.root, base: environmentPrefix(name), prefix: environmentPrefix(name)}
	found, err := validateSchema(doc, loc, merged)
	if err != nil || found.HasErrors() {
		return nil, found, err
	}
	es, err := decodeSpec(merged)
	if err != nil {
		return nil, nil, err
	}
	rep := &reporter{doc: doc, loc: loc}
	runRules(&ruleContext{s: es, repo: repo, mod: mod, rep: rep, env: true})
	return es, rep.diags, nil
}

func withoutKeys(m map[string]any, keys ...string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

// probeKindKeys are the mutually exclusive mechanisms of a probe, as descriptor keys.
var probeKindKeys = []string{"http", "tcp", "grpc", "exec"}

// replaceProbeKinds: a probe an environment gives a kind replaces the base probe's kind
// (a probe has exactly one), so switching http to tcp needs no nulls. Other fields,
// such as timing, still merge.
func replaceProbeKinds(merged, override map[string]any) {
	oh, _ := override["health"].(map[string]any)
	mh, _ := merged["health"].(map[string]any)
	for name, p := range oh {
		op, _ := p.(map[string]any)
		mp, _ := mh[name].(map[string]any)
		kind := ""
		for _, k := range probeKindKeys {
			if op[k] != nil {
				kind = k
			}
		}
		if kind == "" || mp == nil {
			continue
		}
		for _, k := range probeKindKeys {
			if k != kind {
				delete(mp, k)
			}
		}
		if kind == "exec" && op["port"] == nil {
			delete(mp, "port") // an exec probe has no port
		}
	}
}

// environmentPrefix is the JSON pointer of an environment's override.
func environmentPrefix(name string) string { return "/environments/" + escapePointer(name) }

// notRepeated drops an environment's findings that the base descriptor already has:
// the same message at the same path of the view (the path without the environment's
// prefix).
func notRepeated(env, base finding.List, prefix string) finding.List {
	seen := map[string]bool{}
	for _, d := range base {
		seen[d.Path+"\x00"+d.Message] = true
	}
	var out finding.List
	for _, d := range env {
		if !seen[pathOrRoot(strings.TrimPrefix(d.Path, prefix))+"\x00"+d.Message] {
			out = append(out, d)
		}
	}
	return out
}

// Locator places findings made after loading (such as the .dockerignore proof) at JSON
// pointers of the descriptor; it parses the descriptor once for all of them.
type Locator struct{ doc *document }

// NewLocator parses src (named file in findings) for locating.
func NewLocator(file string, src []byte) *Locator {
	doc, _ := parseYAML(file, src)
	return &Locator{doc: doc}
}

// At returns a finding at the JSON pointer, or at the document's start for "/".
func (l *Locator) At(pointer string, sev finding.Severity, msg string) finding.Finding {
	var n *yaml.Node
	if pointer != "" && pointer != "/" && l.doc.root != nil {
		n = firstNonNil(locate(l.doc.root, pointer))
	}
	d := l.doc.at(n, pathOrRoot(pointer), msg)
	d.Severity = sev
	return d
}

// Has reports whether the descriptor holds a value at the JSON pointer.
func (l *Locator) Has(pointer string) bool {
	if l.doc.root == nil {
		return false
	}
	_, _, complete := locateFull(l.doc.root, pointer)
	return complete
}

// EscapePointer escapes one JSON pointer token (RFC 6901).
func EscapePointer(s string) string { return escapePointer(s) }

// UnescapePointer reads one JSON pointer token back.
func UnescapePointer(s string) string { return unescapePointer(s) }
