package gomod

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// VendorState is what vendor/ holds relative to go.mod.
type VendorState int

const (
	NoVendor     VendorState = iota // no vendor/modules.txt
	Consistent                      // the go command will build with -mod=vendor
	Inconsistent                    // the go command refuses: "inconsistent vendoring"
)

type vendoredModule struct {
	version  string
	replace  string
	explicit bool
}

type vendorCheck struct {
	state    VendorState
	problems []string
	err      error
}

// CheckVendor compares dir/vendor/modules.txt with go.mod using the rules of the go
// command's vendor consistency check, and returns every problem it finds. The module
// was read from fsys, so the answer is kept for the next caller.
func (m *Module) CheckVendor(fsys fs.FS, dir string) (VendorState, []string, error) {
	if c, ok := m.vendor[dir]; ok {
		return c.state, c.problems, c.err
	}
	state, problems, err := m.checkVendor(fsys, dir)
	if m.vendor == nil {
		m.vendor = map[string]vendorCheck{}
	}
	m.vendor[dir] = vendorCheck{state, problems, err}
	return state, problems, err
}

func (m *Module) checkVendor(fsys fs.FS, dir string) (VendorState, []string, error) {
	data, err := fs.ReadFile(fsys, path.Join(dir, "vendor", "modules.txt"))
	if errors.Is(err, fs.ErrNotExist) {
		return NoVendor, nil, nil
	}
	if err != nil {
		return NoVendor, nil, fmt.Errorf("reading vendor/modules.txt: %w", err)
	}
	vendored := parseModulesTxt(string(data))
	var problems []string
	replaced := map[string]string{}
	for _, r := range m.file.Replace {
		if r.Old.Version == "" {
			replaced[r.Old.Path] = replacement(r.New.Path, r.New.Version)
		}
	}
	for _, r := range m.file.Replace {
		if r.Old.Version != "" {
			replaced[r.Old.Path+"@"+r.Old.Version] = replacement(r.New.Path, r.New.Version)
		}
	}
	for _, r := range m.file.Require {
		v, ok := vendored[r.Mod.Path]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s@%s is required in go.mod but missing from vendor/modules.txt", r.Mod.Path, r.Mod.Version))
			continue
		case v.version != r.Mod.Version:
			problems = append(problems, fmt.Sprintf("%s is required at %s in go.mod but vendored at %s", r.Mod.Path, r.Mod.Version, v.version))
		case !v.explicit:
			problems = append(problems, fmt.Sprintf("%s@%s is required in go.mod but not marked explicit in vendor/modules.txt", r.Mod.Path, r.Mod.Version))
		}
		want := replaced[r.Mod.Path+"@"+r.Mod.Version]
		if want == "" {
			want = replaced[r.Mod.Path]
		}
		if want != v.replace {
			problems = append(problems, fmt.Sprintf("%s is replaced by %q in go.mod but by %q in vendor/modules.txt", r.Mod.Path, want, v.replace))
		}
	}
	required := map[string]bool{}
	for _, r := range m.file.Require {
		required[r.Mod.Path] = true
	}
	var extra []string
	for p, v := range vendored {
		if v.explicit && !required[p] {
			extra = append(extra, p)
		}
	}
	sort.Strings(extra)
	for _, p := range extra {
		problems = append(problems, fmt.Sprintf("%s is marked explicit in vendor/modules.txt but not required in go.mod", p))
	}
	if len(problems) > 0 {
		return Inconsistent, problems, nil
	}
	return Consistent, nil, nil
}

func replacement(p, v string) string {
	if v == "" {
		return p
	}
	return p + " " + v
}

// parseModulesTxt reads the "# path version [=> replacement]" and "## explicit" lines.
func parseModulesTxt(s string) map[string]*vendoredModule {
	out := map[string]*vendoredModule{}
	var cur *vendoredModule
	for _, line := range strings.Split(s, "\n") {
		switch {
		case strings.HasPrefix(line, "# "):
			fields := strings.Fields(strings.TrimPrefix(line, "# "))
			cur = nil
			if len(fields) == 0 {
				continue
			}
			v := &vendoredModule{}
			rest := fields[1:]
			if len(rest) > 0 && rest[0] != "=>" {
				v.version, rest = rest[0], rest[1:]
			}
			if len(rest) > 1 && rest[0] == "=>" {
				v.replace = strings.Join(rest[1:], " ")
			}
			if v.version == "" {
				// "# path => replacement" lines only record a replacement of all versions.
				continue
			}
			out[fields[0]] = v
			cur = v
		case strings.HasPrefix(line, "## ") && cur != nil:
			for _, marker := range strings.Split(strings.TrimPrefix(line, "## "), ";") {
				if strings.TrimSpace(marker) == "explicit" {
					cur.explicit = true
				}
			}
		}
	}
	return out
}
