// Package detect reads a Go repository the way the go command does (go.mod, go.work,
// vendor/modules.txt, `go list` for linux with cgo) and reports what a service
// descriptor needs: the module, its main packages, cgo in the build graph, embedded
// files, and the ports and health endpoints the code names literally. Every finding
// carries where it came from.
package detect

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/berth-dev/berth/generator/gomod"
)

// Options changes what is detected.
type Options struct {
	// Mains are main package paths relative to the module (./cmd/api) to build
	// instead of the detected ones.
	Mains []string
	// Reach traces the listen calls reachable from the mains through the program's
	// SSA form (type-checking the module): what berth init declares as ports.
	Reach bool
}

// Repo is what Inspect found.
type Repo struct {
	ModuleDir  string // the module's directory relative to the inspected one, slash-separated
	ModuleNote string // why that module, when the inspected directory has no go.mod
	Module     *gomod.Module
	Vendor     bool
	Mains      []Main       // what the image builds
	Skipped    []Main       // main packages left out, with the reason
	CGO        []CgoPackage // cgo packages the build needs: no pure-Go build, or a known stub
	// OptionalCGO are cgo packages with a pure-Go build (CGO_ENABLED=0 compiles them
	// from other files): the image builds with cgo off.
	OptionalCGO []CgoPackage
	UsesNet     bool // some main imports net (directly or not), so it can listen
	Embeds      []Embed
	Ports       []Port
	Endpoints   []Endpoint
	Health      Health
	GRPCHealth  *Evidence
	EnvReads    []EnvRead       // sorted by name, one per name
	Imports     map[string]bool // every package of the mains' build graph
	ZoneLoad    *Evidence       // a time.LoadLocation call in the module's code
	// Subcommands the program dispatches on, DataDirs it writes by default, and UDP
	// listeners whose port is not a literal.
	Subcommands []Subcommand
	DataDirs    []DataDir
	UDP         []Evidence
	// With Options.Reach: listeners that open only when a flag gives them an address,
	// and flags whose default names a file of the module (a configuration file).
	Closed      []Closed
	ConfigFlags []ConfigFlag
	// After Observe (berth init --probe): whether what the program did replaced the
	// static reading, or why it did not.
	Observed  bool
	ProbeNote string
}

// Main is a main package.
type Main struct {
	Package string // ./cmd/api or .
	Binary  string // suggested binary name; "" for the module root
	Reason  string // why it was skipped or chosen
	listens bool
	path    string // import path
}

// Listens reports whether the package or an in-module package it imports holds a
// listen call, a listen flag or a PORT default.
func (m Main) Listens() bool { return m.listens }

// CgoPackage is a package of the build graph with cgo files.
type CgoPackage struct {
	ImportPath string
	Module     string // the module it belongs to; the inspected module's path for own code
	Files      []string
	Libs       []string // -l flags and pkg-config packages it links
}

// Embed is one package's //go:embed patterns.
type Embed struct {
	Dir      string   // package directory relative to the module
	Patterns []string // as written, relative to Dir
	Files    []string // matched files relative to the module
	Evidence Evidence
}

// Inspect reads the Go repository at dir.
func Inspect(dir string, opts Options) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	rel, why, err := locateModule(abs, dir)
	if err != nil {
		return nil, err
	}
	modDir := filepath.Join(abs, filepath.FromSlash(rel))
	mod, err := gomod.Read(os.DirFS(modDir), ".")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, filepath.FromSlash(rel), "go.mod"), err)
	}
	r := &Repo{ModuleDir: rel, ModuleNote: why, Module: mod}
	shownDir := filepath.Join(dir, filepath.FromSlash(rel))
	if err := checkWorkspace(modDir, shownDir, mod); err != nil {
		return nil, err
	}
	if err := r.checkBuildable(modDir, shownDir); err != nil {
		return nil, err
	}
	pkgs, err := goList(modDir, r.Vendor, "./...")
	if err != nil {
		return nil, r.withWorkspaceHint(modDir, err)
	}
	if err := r.chooseMains(pkgs, opts.Mains); err != nil {
		return nil, fmt.Errorf("%s: %w", shownDir, err)
	}
	if len(opts.Mains) == 0 {
		if err := r.preferListening(modDir); err != nil {
			return nil, r.withWorkspaceHint(modDir, err)
		}
	}
	var roots []string
	for _, m := range r.Mains {
		roots = append(roots, m.path)
	}
	graph, err := goList(modDir, r.Vendor, append([]string{"-deps"}, roots...)...)
	if err != nil {
		return nil, r.withWorkspaceHint(modDir, err)
	}
	// The program's own view (listen calls reachable from the mains, addresses traced
	// through SSA) runs beside the cgo-off listing: one type-checks, the other waits
	// on the go command. When the packages do not type-check, the scan stands alone.
	analyzed := make(chan *analysis, 1)
	go func() {
		if !opts.Reach {
			analyzed <- nil
			return
		}
		var own []string
		for _, p := range graph {
			if p.Module != nil && p.Module.Path == mod.Path {
				own = append(own, p.ImportPath)
			}
		}
		a, err := analyzeReach(modDir, mod.Path, r.Vendor, roots, own)
		if err != nil {
			a = nil
		}
		analyzed <- a
	}()
	pureGo, err := goListCgo(modDir, r.Vendor, false, append([]string{"-deps"}, roots...)...)
	a := <-analyzed
	if err != nil {
		return nil, r.withWorkspaceHint(modDir, err)
	}
	if err := r.readGraph(modDir, graph, pureGo); err != nil {
		return nil, r.withWorkspaceHint(modDir, err)
	}
	if a != nil {
		r.applyAnalysis(modDir, a)
	}
	return r, nil
}

// chosen: the package is one of the mains the image builds.
func (r *Repo) chosen(importPath string) bool {
	return slices.ContainsFunc(r.Mains, func(m Main) bool { return m.path == importPath })
}

// checkBuildable applies the go command's vendor check and refuses directory
// replacements the build context (the module directory) cannot see.
func (r *Repo) checkBuildable(modDir, shownDir string) error {
	state, problems, err := r.Module.CheckVendor(os.DirFS(modDir), ".")
	if err != nil {
		return err
	}
	if state == gomod.Inconsistent {
		return fmt.Errorf("%s: vendor/ is inconsistent with go.mod (%s); run 'go mod vendor' and try again", filepath.Join(shownDir, "vendor", "modules.txt"), strings.Join(problems, "; "))
	}
	r.Vendor = state == gomod.Consistent
	if r.Vendor {
		return nil // vendor/ holds the replaced directories' code
	}
	for _, rep := range r.Module.LocalReplacements() {
		target := path.Clean(filepath.ToSlash(rep.Dir))
		if path.IsAbs(target) || target == ".." || strings.HasPrefix(target, "../") {
			return fmt.Errorf("%s:%d: replaces %s with %s, outside the module directory, which is the Docker build context: the image build cannot read it; move it into the module, run 'go mod vendor', or require a published version", filepath.Join(shownDir, "go.mod"), rep.Line, rep.Old, rep.Dir)
		}
	}
	return nil
}

func (r *Repo) withWorkspaceHint(modDir string, err error) error {
	if w := findWorkspace(modDir); w != "" {
		shown, _ := filepath.Rel(modDir, w)
		return fmt.Errorf("%w\n(the image builds this module on its own, without the workspace %s: every requirement must resolve from go.mod alone)", err, filepath.ToSlash(shown))
	}
	return err
}

// readGraph records cgo, embeds, ports and health from the mains' build graph.
func (r *Repo) readGraph(modDir string, graph, pureGo []*listedPackage) error {
	byPath := map[string]*listedPackage{}
	r.Imports = map[string]bool{}
	for _, p := range graph {
		byPath[p.ImportPath] = p
		r.Imports[p.ImportPath] = true
	}
	var broken []string
	for _, p := range graph {
		if p.Error != nil {
			broken = append(broken, p.Error.Err)
		}
	}
	if len(broken) > 0 {
		return fmt.Errorf("the packages do not load: %s", strings.Join(first(broken, 5), "; "))
	}
	for _, p := range graph {
		if p.Standard {
			continue
		}
		if len(p.CgoFiles) == 0 {
			continue
		}
		if c := cgoPackage(p, r.Module.Path); needsCgo(p, pureGo) {
			r.CGO = append(r.CGO, c)
		} else {
			r.OptionalCGO = append(r.OptionalCGO, c)
		}
	}
	names := map[string]bool{}
	for _, p := range graph {
		names[path.Base(p.ImportPath)] = true
	}
	s := &scanner{}
	for _, p := range graph {
		if p.Standard || p.Module == nil || p.Module.Path != r.Module.Path {
			continue
		}
		relDir := relTo(modDir, p.Dir)
		if len(p.EmbedPatterns) > 0 {
			r.Embeds = append(r.Embeds, embedOf(modDir, relDir, p))
		}
		if testSupport(relPackage(r.Module.Path, p.ImportPath), names) && !r.chosen(p.ImportPath) {
			continue
		}
		if err := s.scanPackage(modDir, relDir, p); err != nil {
			return err
		}
	}
	for i := range r.Mains {
		m := &r.Mains[i]
		deps := append([]string{m.path}, byPath[m.path].Deps...)
		r.UsesNet = r.UsesNet || slices.Contains(deps, "net")
		m.listens = s.listensIn(deps)
	}
	r.Ports = namePorts(s.ports)
	r.Endpoints = s.endpoints
	r.Health = chooseHealth(s.endpoints)
	r.GRPCHealth = s.grpc
	r.EnvReads = uniqueEnvReads(s.envReads)
	r.ZoneLoad = s.zoneLoad
	r.Subcommands, r.DataDirs, r.UDP = s.subcommands, s.dataDirs, s.udp
	return nil
}

// cgoStubs are packages whose CGO_ENABLED=0 build compiles but fails at run time.
var cgoStubs = map[string]string{
	"github.com/mattn/go-sqlite3": "its CGO_ENABLED=0 build is a stub whose every call fails (\"requires cgo to work\")",
}

// needsCgo: a cgo package is required when the pure-Go listing lacks it, cannot build
// it (no Go files left, an error), or it is a known run-time stub.
func needsCgo(p *listedPackage, pureGo []*listedPackage) bool {
	if _, stub := cgoStubs[p.ImportPath]; stub {
		return true
	}
	loads := true
	for _, q := range pureGo {
		if q.ImportPath == p.ImportPath {
			return q.Error != nil || len(q.GoFiles) == 0
		}
		loads = loads && q.Error == nil && len(q.GoFiles) > 0
	}
	// Not in the cgo-off build graph at all: its importer has a pure-Go file that does
	// without it (purego's internal/cgo). That build needs it only if the graph is
	// broken somewhere (an importer whose every file needs cgo).
	return !loads
}

func cgoPackage(p *listedPackage, own string) CgoPackage {
	c := CgoPackage{ImportPath: p.ImportPath, Files: p.CgoFiles, Module: own}
	if p.Module != nil {
		c.Module = p.Module.Path
	}
	for _, f := range p.CgoLDFLAGS {
		if strings.HasPrefix(f, "-l") && len(f) > 2 && !glibcLibs[f[2:]] {
			c.Libs = append(c.Libs, f)
		}
	}
	c.Libs = append(c.Libs, p.CgoPkgConfig...)
	return c
}

// glibcLibs are part of every glibc runtime image.
var glibcLibs = map[string]bool{"c": true, "dl": true, "m": true, "pthread": true, "rt": true, "resolv": true, "util": true}

func relTo(base, p string) string {
	rel, err := filepath.Rel(base, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}

func first(list []string, n int) []string {
	if len(list) > n {
		return append(list[:n:n], fmt.Sprintf("and %d more", len(list)-n))
	}
	return list
}

func uniqueEnvReads(reads []EnvRead) []EnvRead {
	var out []EnvRead
	seen := map[string]bool{}
	for _, r := range reads {
		if !seen[r.Name] {
			seen[r.Name] = true
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b EnvRead) int { return strings.Compare(a.Name, b.Name) })
	return out
}
