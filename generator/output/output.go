// Package output writes generated files atomically, or compares them with what is
// on disk (--check, --diff). It never writes outside the output directory.
package output

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// File is one generated file, its path slash-separated and relative.
type File struct {
	Path string
	Data []byte
}

// Status says how a generated file compares with the disk.
type Status string

const (
	Unchanged Status = "unchanged"
	Created   Status = "created"
	Updated   Status = "updated"
)

// Drift says what a generated file's status means for a check: "missing" or "differs".
func (s Status) Drift() string {
	switch s {
	case Created:
		return "missing"
	case Updated:
		return "differs"
	}
	return string(s)
}

// Change is one file's comparison: what the disk holds and what was generated.
type Change struct {
	Path   string
	Status Status
	Old    []byte
	New    []byte
}

// Compare reports, for each file, whether dir holds it unchanged.
func Compare(dir string, files []File) ([]Change, error) {
	var out []Change
	for _, f := range files {
		target, err := resolve(dir, f.Path)
		if err != nil {
			return nil, err
		}
		old, err := os.ReadFile(target)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			out = append(out, Change{Path: f.Path, Status: Created, New: f.Data})
		case err != nil:
			return nil, fmt.Errorf("reading %s: %w", f.Path, err)
		case bytes.Equal(old, f.Data):
			out = append(out, Change{Path: f.Path, Status: Unchanged, Old: old, New: f.Data})
		default:
			out = append(out, Change{Path: f.Path, Status: Updated, Old: old, New: f.Data})
		}
	}
	return out, nil
}

// ErrInterrupted means a Write was killed after committing its plan; the next Write
// (or Recover) finishes it.
var ErrInterrupted = errors.New("an earlier berth generate was interrupted; run berth generate to finish it")

// ErrExists is Create's refusal to replace a file.
var ErrExists = errors.New("already exists")

// Create writes a new file atomically and refuses, with ErrExists, to replace one
// that exists, even one created a moment before: the temporary file is hard-linked
// into place, which fails when the name is taken.
func Create(dir string, f File) error { return writeAtomic(dir, f, false) }

func writeAtomic(dir string, f File, replace bool) error {
	target, err := resolve(dir, f.Path)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return fmt.Errorf("creating directory for %s: %w", f.Path, err)
	}
	if _, err := resolve(dir, f.Path); err != nil { // the directories may be new
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), tempPrefix+"*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", f.Path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(f.Data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", f.Path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", f.Path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", f.Path, err)
	}
	if !replace {
		return link(tmp.Name(), target, f.Path)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("writing %s: %w", f.Path, err)
	}
	return nil
}

// link puts tmp at target unless target exists. Where hard links are not supported
// it checks first and renames, which is only as safe as no concurrent writer.
func link(tmp, target, name string) error {
	err := os.Link(tmp, target)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s %w", name, ErrExists)
	}
	if _, statErr := os.Lstat(target); statErr == nil {
		return fmt.Errorf("%s %w", name, ErrExists)
	}
	if err := os.Rename(tmp, target); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// resolve joins a generated path to dir, refusing paths that leave it, directly or
// through a symbolic link.
func resolve(dir, rel string) (string, error) {
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		return "", fmt.Errorf("refusing to write %q: not a path inside the output directory", rel)
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	target := filepath.Join(root, filepath.FromSlash(rel))
	// Resolve the longest existing prefix: a symlink inside dir must not lead out.
	probe := target
	for {
		if r, err := filepath.EvalSymlinks(probe); err == nil {
			rest, _ := filepath.Rel(probe, target)
			resolved := filepath.Join(r, rest)
			if !within(root, resolved) {
				return "", fmt.Errorf("refusing to write %s: a symbolic link leads outside %s", rel, dir)
			}
			break
		}
		parent := filepath.Dir(probe)
		if parent == probe {
			break
		}
		probe = parent
	}
	return target, nil
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Stale returns the files that dir lacks or holds with other content: what --check
// lists and --diff shows.
func Stale(dir string, files []File) ([]Change, error) {
	if Interrupted(dir) {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, journalName), ErrInterrupted)
	}
	changes, err := Compare(dir, files)
	if err != nil {
		return nil, err
	}
	var out []Change
	for _, c := range changes {
		if c.Status != Unchanged {
			out = append(out, c)
		}
	}
	return out, nil
}

// Diff is a unified diff from the disk's version to the generated one.
func Diff(c Change) (string, error) {
	return difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        difflib.SplitLines(string(c.Old)),
		B:        difflib.SplitLines(string(c.New)),
		FromFile: "a/" + c.Path,
		ToFile:   "b/" + c.Path,
		Context:  3,
	})
}
