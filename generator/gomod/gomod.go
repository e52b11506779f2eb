// Package gomod reads a Go module's go.mod and vendor/modules.txt the way the go
// command does, so berth's decisions (Go version, vendor mode) match the build's.
package gomod

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"golang.org/x/mod/modfile"
)

// Module is what berth needs from go.mod.
type Module struct {
	Path      string
	Go        string // the go line, e.g. "1.26" or "1.26.0"
	Toolchain string // the toolchain line without the "go" prefix, e.g. "1.26.8"; may be empty
	file      *modfile.File
	vendor    map[string]vendorCheck // CheckVendor's answers by directory: a module is read from one tree
}

// ErrNoGoMod means the directory holds no go.mod.
var ErrNoGoMod = errors.New("no go.mod")

// Read parses dir/go.mod from fsys.
func Read(fsys fs.FS, dir string) (*Module, error) {
	name := path.Join(dir, "go.mod")
	data, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoGoMod
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		return nil, fmt.Errorf("parsing %w", err)
	}
	m := &Module{file: f}
	if f.Module != nil {
		m.Path = f.Module.Mod.Path
	}
	if f.Go != nil {
		m.Go = f.Go.Version
	}
	if f.Toolchain != nil {
		m.Toolchain = strings.TrimPrefix(f.Toolchain.Name, "go")
	}
	return m, nil
}

// GoVersion is the Go release the module builds with: its toolchain line (an exact
// release) when there is one, else the go line's language version (major.minor),
// because the go line names a minimum and the newest patch of that release is the
// one to build with.
func (m *Module) GoVersion() (version, from string) {
	if m.Toolchain != "" && CompareVersions(m.Toolchain, m.Go) >= 0 {
		return m.Toolchain, "go.mod toolchain"
	}
	parts := strings.SplitN(m.Go, ".", 3)
	if len(parts) >= 2 {
		return parts[0] + "." + parts[1], "go.mod go"
	}
	return m.Go, "go.mod go"
}

// CompareVersions compares Go release numbers such as "1.26" and "1.26.8"; a missing
// patch counts as .0. Pre-release suffixes (rc1) sort before the release.
func CompareVersions(a, b string) int {
	pa, pb := versionParts(a), versionParts(b)
	for i := range 3 {
		if pa[i] != pb[i] {
			if pa[i] < pb[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

func versionParts(v string) [3]int {
	var out [3]int
	for i, part := range strings.SplitN(v, ".", 3) {
		n := 0
		for _, c := range part {
			if c < '0' || c > '9' {
				break
			}
			n = n*10 + int(c-'0')
		}
		out[i] = n
	}
	return out
}

// Replacement is a replace directive whose target is a directory, not a module version.
type Replacement struct {
	Old, Dir string
	Line     int
}

// LocalReplacements lists go.mod's replace directives that point at directories;
// the build sees those only when they are inside the build context.
func (m *Module) LocalReplacements() []Replacement {
	var out []Replacement
	for _, r := range m.file.Replace {
		if r.New.Version == "" && modfile.IsDirectoryPath(r.New.Path) {
			out = append(out, Replacement{Old: r.Old.Path, Dir: r.New.Path, Line: r.Syntax.Start.Line})
		}
	}
	return out
}

// Requirement is a require line of go.mod.
type Requirement struct {
	Path, Version string
	Line          int
}

// Requirements lists go.mod's require lines in file order.
func (m *Module) Requirements() []Requirement {
	var out []Requirement
	for _, r := range m.file.Require {
		out = append(out, Requirement{Path: r.Mod.Path, Version: r.Mod.Version, Line: r.Syntax.Start.Line})
	}
	return out
}

// Replaces reports whether go.mod replaces some or all versions of module path.
func (m *Module) Replaces(path string) bool {
	for _, r := range m.file.Replace {
		if r.Old.Path == path {
			return true
		}
	}
	return false
}
