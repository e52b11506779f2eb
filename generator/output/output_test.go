package output

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWriteAtomicAndUnchanged(t *testing.T) {
	dir := t.TempDir()
	files := []File{{Path: "Dockerfile", Data: []byte("FROM scratch\n")}, {Path: "deploy/values.yaml", Data: []byte("a: 1\n")}}
	changes, err := Write(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		if c.Status != Created {
			t.Errorf("%s: %s, want created", c.Path, c.Status)
		}
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(dir, "Dockerfile"), old, old)
	files[1].Data = []byte("a: 2\n")
	changes, err = Write(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	if changes[0].Status != Unchanged || changes[1].Status != Updated {
		t.Errorf("second write = %+v", changes)
	}
	if st, _ := os.Stat(filepath.Join(dir, "Dockerfile")); !st.ModTime().Equal(old) {
		t.Error("an unchanged file was rewritten")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "deploy"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".berth-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestWriteRefusesEscapes(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "deploy")); err != nil {
		t.Skip("no symlinks:", err)
	}
	for _, f := range []File{
		{Path: "../evil", Data: []byte("x")},
		{Path: "/etc/evil", Data: []byte("x")},
		{Path: "deploy/values.yaml", Data: []byte("x")},
	} {
		if _, err := Write(dir, []File{f}); err == nil {
			t.Errorf("Write(%q) succeeded; want refusal", f.Path)
		}
	}
	if entries, _ := os.ReadDir(outside); len(entries) > 0 {
		t.Errorf("wrote outside the output directory: %v", entries)
	}
}

func TestDiff(t *testing.T) {
	d, err := Diff(Change{Path: "Dockerfile", Old: []byte("a\nb\n"), New: []byte("a\nc\n")})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--- a/Dockerfile", "+++ b/Dockerfile", "-b", "+c"} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
}

// oldSet writes the set a later Write replaces.
func oldSet(t *testing.T, dir string) []File {
	t.Helper()
	old := []File{{Path: "Dockerfile", Data: []byte("old df\n")}, {Path: "deploy/values.yaml", Data: []byte("old: 1\n")}}
	if _, err := Write(dir, old); err != nil {
		t.Fatal(err)
	}
	return old
}

func assertSet(t *testing.T, dir string, want []File) {
	t.Helper()
	for _, f := range want {
		got, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil || string(got) != string(f.Data) {
			t.Errorf("%s = %q (%v), want %q", f.Path, got, err, f.Data)
		}
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && (strings.HasPrefix(d.Name(), tempPrefix) || d.Name() == journalName) {
			t.Errorf("left behind: %s", p)
		}
		return nil
	})
}

// TestWriteIsAllOrNothing: when one file of the set cannot be staged, none is replaced,
// no temporary file stays and no directory is left created.
func TestWriteIsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	old := oldSet(t, dir)
	// deploy/argocd cannot be created: a file holds its name.
	if err := os.WriteFile(filepath.Join(dir, "deploy", "blocker"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Write(dir, []File{
		{Path: "Dockerfile", Data: []byte("new df\n")},
		{Path: "deploy/values.yaml", Data: []byte("new: 1\n")},
		{Path: "deploy/new/sub/x.yaml", Data: []byte("x\n")},
		{Path: "deploy/blocker/applicationset.yaml", Data: []byte("a\n")},
	})
	if err == nil {
		t.Fatal("Write succeeded")
	}
	assertSet(t, dir, old)
	if _, err := os.Stat(filepath.Join(dir, "deploy", "new")); err == nil {
		t.Error("a directory created for the failed set stayed")
	}
}

// TestRecoverRollsForward: a Write killed after committing its journal is finished by
// the next Write, whose own set then applies; temporary files of a Write killed while
// staging are removed.
func TestRecoverRollsForward(t *testing.T) {
	dir := t.TempDir()
	oldSet(t, dir)
	newSet := []File{{Path: "Dockerfile", Data: []byte("new df\n")}, {Path: "deploy/values.yaml", Data: []byte("new: 1\n")}}
	// What a killed Write leaves: the Dockerfile already renamed, values.yaml staged.
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), newSet[0].Data, 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join("deploy", tempPrefix+"123")
	if err := os.WriteFile(filepath.Join(dir, tmp), newSet[1].Data, 0o644); err != nil {
		t.Fatal(err)
	}
	journal, _ := json.Marshal([]staged{{Temp: tempPrefix + "gone", Target: "Dockerfile"}, {Temp: filepath.ToSlash(tmp), Target: "deploy/values.yaml"}})
	if err := os.WriteFile(filepath.Join(dir, journalName), journal, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Stale(dir, newSet); !errors.Is(err, ErrInterrupted) {
		t.Errorf("--check on an interrupted write: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, tempPrefix+"stray"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Recover(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, tmp)); err == nil || Interrupted(dir) {
		t.Error("the journal or its temporary file stayed")
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "deploy", "values.yaml")); string(got) != "new: 1\n" {
		t.Errorf("values.yaml %q: the journal was not rolled forward", got)
	}
	if _, err := Write(dir, newSet); err != nil {
		t.Fatal(err)
	}
	assertSet(t, dir, newSet)
}

// TestRecoverRefusesAForgedJournal: a journal naming paths outside the directory is
// not followed.
func TestRecoverRefusesAForgedJournal(t *testing.T) {
	dir := t.TempDir()
	journal, _ := json.Marshal([]staged{{Temp: "../" + tempPrefix + "x", Target: "../../etc/passwd"}})
	if err := os.WriteFile(filepath.Join(dir, journalName), journal, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Recover(dir); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("forged journal: %v", err)
	}
}
