package tests

import (
	"bytes"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/berth-dev/berth/generator/output"
)

// A generate writes its files all or nothing: these tests break it with a read-only
// directory, a full disk and kill -9 at random moments, and check that the output
// directory then holds the old set or the new one, never a mix, and no temporary file.

// setRepos writes two versions of one service whose generated sets differ in every file.
func setRepos(t *testing.T, bigConfig bool) (v1, v2 string) {
	t.Helper()
	v1 = hostileRepo(t, []byte("greeting: hello\n"))
	config := []byte("greeting: bonjour\n")
	if bigConfig {
		config = bytes.Repeat([]byte("padding: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n"), 1500) // ~100 KB
	}
	v2 = hostileRepo(t, config)
	src := hostileDescriptor("", "")
	if err := os.WriteFile(filepath.Join(v1, "service.yaml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	for old, repl := range map[string]string{`description: "hello"`: `description: "bonjour"`, `"*.md"`: `"*.txt"`, `GREETING: "hi"`: `GREETING: "salut"`,
		`GREETING: "hey"`: `GREETING: "hallo"`, `revision: "main"`: `revision: "release"`} {
		src = bytes.Replace(src, []byte(old), []byte(repl), 1)
	}
	if err := os.WriteFile(filepath.Join(v2, "service.yaml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	return v1, v2
}

// snapshot is every file under dir, by slash path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameFiles(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func generateInto(t *testing.T, repo, out string) (int, string) {
	t.Helper()
	code, _, stderr := runBerth(t, "", "generate", "-f", filepath.Join(repo, "service.yaml"), "-o", out)
	return code, stderr
}

// mountTmpfs mounts a tmpfs at dir for the test and unmounts it at the end; without the
// privilege to mount it skips loudly, and fails under CI=true.
func mountTmpfs(t *testing.T, dir, options string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, options); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but mounting a tmpfs failed: %v", err)
		}
		t.Skipf("SKIPPED LOUDLY: cannot mount a tmpfs here (%v); run as root to test a full disk and a read-only directory", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmounting %s: %v", dir, err)
		}
	})
}

// TestGenerateReadOnlyDeploy: with deploy/ read-only the Dockerfile and .dockerignore,
// though writable, keep their old content.
func TestGenerateReadOnlyDeploy(t *testing.T) {
	v1, v2 := setRepos(t, false)
	out := t.TempDir()
	deploy := filepath.Join(out, "deploy")
	mountTmpfs(t, deploy, "size=1m")
	if code, stderr := generateInto(t, v1, out); code != 0 {
		t.Fatalf("v1: %s", stderr)
	}
	before := snapshot(t, out)
	if err := syscall.Mount("tmpfs", deploy, "tmpfs", syscall.MS_REMOUNT|syscall.MS_RDONLY, "size=1m"); err != nil {
		t.Fatalf("remounting read-only: %v", err)
	}
	code, stderr := generateInto(t, v2, out)
	if code == 0 || !strings.Contains(stderr, "read-only") {
		t.Errorf("exit %d, want a read-only file system error:\n%s", code, stderr)
	}
	if after := snapshot(t, out); !sameFiles(before, after) {
		t.Errorf("a failed generate changed the set:\nbefore %v\nafter  %v", keys(before), keys(after))
	}
	if err := syscall.Mount("tmpfs", deploy, "tmpfs", syscall.MS_REMOUNT, "size=1m"); err != nil {
		t.Fatal(err)
	}
}

// TestGenerateDiskFull: a set that does not fit on a 64 KiB file system leaves the old
// set and no temporary file.
func TestGenerateDiskFull(t *testing.T) {
	v1, v2 := setRepos(t, true)
	out := filepath.Join(t.TempDir(), "out")
	mountTmpfs(t, out, "size=64k")
	if code, stderr := generateInto(t, v1, out); code != 0 {
		t.Fatalf("v1: %s", stderr)
	}
	before := snapshot(t, out)
	code, stderr := generateInto(t, v2, out)
	if code == 0 || !strings.Contains(stderr, "no space left") {
		t.Errorf("exit %d, want a full disk:\n%s", code, stderr)
	}
	if after := snapshot(t, out); !sameFiles(before, after) {
		t.Errorf("a failed generate changed the set:\nbefore %v\nafter  %v", keys(before), keys(after))
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// killRuns is how many generates TestGenerateKilled kills.
const killRuns = 50

// TestGenerateKilled: berth generate killed with SIGKILL at random moments; after the
// next berth run recovers the journal, the directory holds the old set or the new one
// and no temporary file.
func TestGenerateKilled(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "berth")
	if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	v1, v2 := setRepos(t, false)
	out := t.TempDir()
	if code, stderr := generateInto(t, v1, out); code != 0 {
		t.Fatal(stderr)
	}
	oldSet := snapshot(t, out)
	newDir := t.TempDir()
	if code, stderr := generateInto(t, v2, newDir); code != 0 {
		t.Fatal(stderr)
	}
	newSet := snapshot(t, newDir)
	// How long a generate that replaces the old set takes; kills land in its second
	// half and just after, where the writing happens.
	restore(t, out, oldSet)
	start := time.Now()
	if err := exec.Command(bin, "generate", "-f", filepath.Join(v2, "service.yaml"), "-o", out).Run(); err != nil {
		t.Fatal(err)
	}
	full := time.Since(start)
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	counts := map[string]int{}
	for i := range killRuns {
		restore(t, out, oldSet)
		cmd := exec.Command(bin, "generate", "-f", filepath.Join(v2, "service.yaml"), "-o", out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(full/2 + time.Duration(rng.Int64N(int64(full)*3/5+1)))
		cmd.Process.Kill()
		cmd.Wait()
		if output.Interrupted(out) {
			counts["killed while renaming"]++
		}
		if err := output.Recover(out); err != nil {
			t.Fatalf("run %d: recover: %v", i, err)
		}
		got := snapshot(t, out)
		for p := range got {
			if strings.Contains(p, ".berth-tmp-") {
				delete(got, p) // a run killed while staging; the next Write removes it
				counts["temporary files left for the next write"]++
			}
		}
		switch {
		case sameFiles(got, oldSet):
			counts["old set"]++
		case sameFiles(got, newSet):
			counts["new set"]++
		default:
			t.Fatalf("run %d (seed %d): a mix of the old and the new set: %v", i, seed, keys(got))
		}
	}
	t.Logf("%d kills (seed %d, a full run takes %v): %v", killRuns, seed, full, counts)
	// The next write of the set leaves nothing behind.
	if code, stderr := generateInto(t, v2, out); code != 0 {
		t.Fatal(stderr)
	}
	if got := snapshot(t, out); !sameFiles(got, newSet) {
		t.Errorf("after a clean generate: %v", keys(got))
	}
}

// restore makes dir hold exactly the files of set.
func restore(t *testing.T, dir string, set map[string]string) {
	t.Helper()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	for p, data := range set {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
