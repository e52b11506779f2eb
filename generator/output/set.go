package output

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// A generate writes a set of files (Dockerfile, .dockerignore, values, ApplicationSet)
// that only make sense together, so the set is written all or nothing:
//
//  1. every changed file is staged as a temporary file beside its target, written and
//     synced; any failure (a read-only directory, a full disk) removes every temporary
//     file and leaves the old set untouched;
//  2. the plan (temporary file → target) is committed to a journal in the output
//     directory, atomically;
//  3. each temporary file is renamed over its target, the directories are synced, and
//     the journal is removed.
//
// A run killed in step 3 leaves the journal: the next Write (or Recover) finishes the
// renames first, so what anyone sees through berth is the old set or the new one. A
// run killed in step 1 leaves temporary files that the next Write of the same set
// removes. One Write at a time holds a lock on the output directory.

const (
	tempPrefix  = ".berth-tmp-"
	journalName = ".berth-journal"
)

// staged is one file waiting to be renamed into place; paths are relative to the
// output directory, slash-separated.
type staged struct {
	Temp   string `json:"temp"`
	Target string `json:"target"`
}

// Write stores every changed file of the set, all or nothing, and leaves unchanged
// files untouched, so their modification times stay.
func Write(dir string, files []File) ([]Change, error) {
	unlock, err := lock(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := recoverJournal(dir); err != nil {
		return nil, err
	}
	removeStaleTemps(dir, files)
	changes, err := Compare(dir, files)
	if err != nil {
		return nil, err
	}
	var plan []staged
	var created []string
	fail := func(err error) ([]Change, error) {
		for _, s := range plan {
			os.Remove(filepath.Join(dir, filepath.FromSlash(s.Temp)))
		}
		for i := len(created) - 1; i >= 0; i-- {
			os.Remove(created[i]) // only empty directories go
		}
		return nil, err
	}
	for i, c := range changes {
		if c.Status == Unchanged {
			continue
		}
		s, dirs, err := stage(dir, files[i])
		created = append(created, dirs...)
		if err != nil {
			return fail(err)
		}
		plan = append(plan, s)
	}
	if len(plan) == 0 {
		return changes, nil
	}
	if err := writeJournal(dir, plan); err != nil {
		return fail(err)
	}
	if err := commit(dir, plan); err != nil {
		return nil, fmt.Errorf("%w (the next berth generate finishes the interrupted write)", err)
	}
	return changes, nil
}

// Recover finishes a Write that was interrupted after its plan was committed, so the
// directory holds the new set; without a journal it changes nothing.
func Recover(dir string) error {
	unlock, err := lock(dir)
	if err != nil {
		return err
	}
	defer unlock()
	return recoverJournal(dir)
}

// Interrupted reports whether dir holds the journal of an unfinished Write.
func Interrupted(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, journalName))
	return err == nil
}

// lock takes an exclusive lock on the output directory itself (no lock file is left).
func lock(dir string) (func(), error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// stage writes f's data to a synced temporary file beside its target and returns the
// directories it had to create.
func stage(dir string, f File) (staged, []string, error) {
	target, err := resolve(dir, f.Path)
	if err != nil {
		return staged{}, nil, err
	}
	created := missingDirs(filepath.Dir(target))
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return staged{}, created, fmt.Errorf("creating directory for %s: %w", f.Path, err)
	}
	if _, err := resolve(dir, f.Path); err != nil { // the directories may be new
		return staged{}, created, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), tempPrefix+"*")
	if err != nil {
		return staged{}, created, fmt.Errorf("writing %s: %w", f.Path, err)
	}
	rel := filepath.ToSlash(filepath.Join(filepath.Dir(filepath.FromSlash(f.Path)), filepath.Base(tmp.Name())))
	s := staged{Temp: rel, Target: f.Path}
	if err := writeSynced(tmp, f.Data); err != nil {
		os.Remove(tmp.Name())
		return staged{}, created, fmt.Errorf("writing %s: %w", f.Path, err)
	}
	return s, created, nil
}

func writeSynced(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// missingDirs lists the directories MkdirAll(p) would create, outermost first.
func missingDirs(p string) []string {
	var out []string
	for {
		if _, err := os.Lstat(p); err == nil {
			break
		}
		out = append(out, p)
		parent := filepath.Dir(p)
		if parent == p {
			break
		}
		p = parent
	}
	slices.Reverse(out)
	return out
}

// writeJournal commits the plan: a synced temporary journal renamed into place.
func writeJournal(dir string, plan []staged) error {
	data, err := json.Marshal(plan)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, tempPrefix+"journal-*")
	if err != nil {
		return fmt.Errorf("writing the journal: %w", err)
	}
	if err := writeSynced(tmp, data); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing the journal: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, journalName)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing the journal: %w", err)
	}
	return syncDir(dir)
}

// commit renames every staged file into place, syncs their directories and removes
// the journal.
func commit(dir string, plan []staged) error {
	dirs := map[string]bool{}
	for _, s := range plan {
		from, to := filepath.Join(dir, filepath.FromSlash(s.Temp)), filepath.Join(dir, filepath.FromSlash(s.Target))
		if err := os.Rename(from, to); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("writing %s: %w", s.Target, err)
		}
		dirs[filepath.Dir(to)] = true
	}
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	if err := os.Remove(filepath.Join(dir, journalName)); err != nil {
		return fmt.Errorf("removing the journal: %w", err)
	}
	return syncDir(dir)
}

// recoverJournal rolls an interrupted Write forward: renames whose temporary file is
// still there happen now; the others already did.
func recoverJournal(dir string) error {
	data, err := os.ReadFile(filepath.Join(dir, journalName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the journal of an interrupted write: %w", err)
	}
	var plan []staged
	if err := json.Unmarshal(data, &plan); err != nil {
		return fmt.Errorf("%s: the journal of an interrupted write does not parse (%v); remove it and run berth generate again", filepath.Join(dir, journalName), err)
	}
	for _, s := range plan {
		if !safeRel(s.Temp) || !safeRel(s.Target) || !strings.HasPrefix(filepath.Base(s.Temp), tempPrefix) {
			return fmt.Errorf("%s: the journal names a path outside the output directory; remove it", filepath.Join(dir, journalName))
		}
		if _, err := resolve(dir, s.Target); err != nil {
			return err
		}
	}
	return commit(dir, plan)
}

func safeRel(p string) bool { return filepath.IsLocal(filepath.FromSlash(p)) }

// removeStaleTemps deletes temporary files that a Write killed while staging left in
// the directories this set writes to.
func removeStaleTemps(dir string, files []File) {
	seen := map[string]bool{}
	files = append([]File{{Path: journalName}}, files...) // the journal's own temporary file
	for _, f := range files {
		d := filepath.Join(dir, filepath.Dir(filepath.FromSlash(f.Path)))
		if seen[d] {
			continue
		}
		seen[d] = true
		matches, _ := filepath.Glob(filepath.Join(d, tempPrefix+"*"))
		for _, m := range matches {
			os.Remove(m)
		}
	}
}

func syncDir(d string) error {
	f, err := os.Open(d)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("syncing %s: %w", d, err)
	}
	return nil
}
