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
