package output

import (
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
