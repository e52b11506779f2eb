package tests

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/berth-dev/berth/tests/testutil"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// TestHostileDocuments: whole-file attacks on the descriptor are refused with a
// location, or (a BOM, CRLF line ends, UTF-16) read as the same descriptor.
func TestHostileDocuments(t *testing.T) {
	benign := hostileDescriptor("", "")
	crlf := bytes.ReplaceAll(benign, []byte("\n"), []byte("\r\n"))
	deep := []byte("apiVersion: berth.dev/v1alpha1\nkind: Service\nmetadata: {name: deep}\nenv: " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n")
	bomb := []byte("apiVersion: berth.dev/v1alpha1\nkind: Service\nmetadata: {name: bomb}\na: &a [x, x, x, x, x, x, x, x, x, x]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		bomb = append(bomb, []byte(n+": &"+n+" [*"+prev+", *"+prev+", *"+prev+", *"+prev+", *"+prev+", *"+prev+", *"+prev+", *"+prev+", *"+prev+", *"+prev+"]\n")...)
		prev = n
	}
	huge := append(bytes.Clone(benign), []byte("# "+strings.Repeat("x", 50<<20)+"\n")...)
	for _, tc := range []struct {
		name   string
		src    []byte
		accept bool // read as the benign descriptor
	}{
		{"alias-bomb", bomb, false},
		{"deep-nesting", deep, false},
		{"50MB", huge, false},
		{"duplicate-key", append(bytes.Clone(benign), []byte("replicas: 2\nreplicas: 3\n")...), false},
		{"custom-tag", append(bytes.Clone(benign), []byte("replicas: !foo 2\n")...), false},
		{"binary-tag", append(bytes.Clone(benign), []byte("replicas: !!binary AAAA\n")...), false},
		{"python-tag", append(bytes.Clone(benign), []byte("replicas: !!python/object:os.system 1\n")...), false},
		{"bom", append([]byte("\ufeff"), benign...), true},
		{"crlf", crlf, true},
		{"utf16le", utf16LE(benign), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := runHostile(t, tc.src, []byte("greeting: hello\n"), "")
			if tc.accept && g == nil {
				t.Errorf("refused a descriptor that only differs in encoding")
			}
			if !tc.accept && g != nil {
				t.Errorf("accepted")
			}
		})
	}
}

// utf16LE encodes s as UTF-16 little-endian with a byte-order mark.
func utf16LE(s []byte) []byte {
	out := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(string(s))) {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}

// TestHostileDescriptorName: a descriptor's file name reaches every generated header, so
// a name with a line break or a control character must not add an instruction or a key.
func TestHostileDescriptorName(t *testing.T) {
	for _, name := range []string{"s\nRUN touch pwned\n.yaml", "s\rRUN touch pwned.yaml", "s\u2028evil: x.yaml", "s\u0085evil: x.yaml", "s$HOME.yaml", "s\xff.yaml", "s\"'`.yaml"} {
		t.Run(strings.ToValidUTF8(name, "?"), func(t *testing.T) {
			dir := hostileRepo(t, []byte("greeting: hello\n"))
			if err := os.WriteFile(filepath.Join(dir, name), hostileDescriptor("", ""), 0o644); err != nil {
				t.Skipf("this file system refuses the name: %v", err)
			}
			out := t.TempDir()
			if code, _, stderr := runBerth(t, dir, "generate", "-f", name, "-o", out); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			df := testutil.ReadFile(t, filepath.Join(out, "Dockerfile"))
			ast, err := parser.Parse(bytes.NewReader(df))
			if err != nil {
				t.Fatal(err)
			}
			if first := ast.AST.Children[0]; !strings.EqualFold(first.Value, "from") {
				t.Errorf("the header added an instruction: %q %s", first.Value, first.Original)
			}
			for _, f := range []string{".dockerignore", "deploy/values.yaml", "deploy/values-dev.yaml", "deploy/argocd/applicationset.yaml"} {
				for i, line := range strings.Split(string(testutil.ReadFile(t, filepath.Join(out, f))), "\n") {
					if strings.ContainsAny(line, "\r\u0085\u2028\u2029") || (strings.Contains(line, "Generated") || strings.Contains(line, "generated")) && !strings.HasPrefix(line, "#") {
						t.Errorf("%s:%d: the name broke out of the header: %q", f, i+1, line)
					}
				}
			}
		})
	}
}

// TestHostileConfigSources: config.files sources are read only inside the descriptor's
// directory and only when they are regular files: a symbolic link out of it (to a file
// or through a directory), a FIFO and a device are each refused at their key, at once.
func TestHostileConfigSources(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "passwd")
	if err := os.WriteFile(secret, []byte("root:x:0:0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string) // makes config/app.yaml hostile
	}{
		{"link-to-file-outside", func(t *testing.T, dir string) { relink(t, secret, filepath.Join(dir, "config", "app.yaml")) }},
		{"link-to-absolute-system-file", func(t *testing.T, dir string) { relink(t, "/etc/passwd", filepath.Join(dir, "config", "app.yaml")) }},
		{"linked-directory", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(outside, "app.yaml"), []byte("leak: true\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.RemoveAll(filepath.Join(dir, "config")); err != nil {
				t.Fatal(err)
			}
			relink(t, outside, filepath.Join(dir, "config"))
		}},
		{"fifo", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "config", "app.yaml")
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skipf("no FIFOs here: %v", err)
			}
		}},
		{"dev-zero", func(t *testing.T, dir string) { relink(t, "/dev/zero", filepath.Join(dir, "config", "app.yaml")) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := hostileRepo(t, []byte("greeting: hello\n"))
			if err := os.WriteFile(filepath.Join(dir, "service.yaml"), hostileDescriptor("", ""), 0o644); err != nil {
				t.Fatal(err)
			}
			tc.setup(t, dir)
			for _, cmd := range []string{"validate", "generate", "render"} {
				out := t.TempDir()
				args := []string{cmd, "-f", "service.yaml"}
				if cmd == "generate" {
					args = append(args, "-o", out)
				}
				start := time.Now()
				code, stdout, stderr := runBerthTimeout(t, 20*time.Second, dir, args...)
				if time.Since(start) > 10*time.Second {
					t.Errorf("%s took %v", cmd, time.Since(start))
				}
				if code != 1 || !strings.Contains(stderr, "/config/files/app.yaml: ") {
					t.Errorf("%s: exit %d, want a refusal at /config/files/app.yaml:\n%s", cmd, code, truncate(stderr))
				}
				if strings.Contains(stdout, "root:x:0") || strings.Contains(stdout, "leak") {
					t.Errorf("%s printed the outside file", cmd)
				}
				if entries, _ := os.ReadDir(out); len(entries) > 0 {
					t.Errorf("%s wrote %d files", cmd, len(entries))
				}
			}
		})
	}
}

func relink(t *testing.T, target, link string) {
	t.Helper()
	os.Remove(link)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// runBerthTimeout is runBerth that fails instead of hanging.
func runBerthTimeout(t *testing.T, limit time.Duration, dir string, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	if dir != "" {
		t.Chdir(dir)
	}
	go func() {
		code, out, errs := runBerth(t, "", args...)
		done <- result{code, out, errs}
	}()
	select {
	case r := <-done:
		return r.code, r.stdout, r.stderr
	case <-time.After(limit):
		t.Fatalf("berth %s did not finish in %v", strings.Join(args, " "), limit)
		return 0, "", ""
	}
}

// TestHostilePaths: paths that climb out of the repository or are absolute are refused
// at their key by validate, before generate could act on them.
func TestHostilePaths(t *testing.T) {
	for _, tc := range []struct{ marker, value, pointer string }{
		{"argoPath", "a/../../..", "/argocd/path"},
		{"argoPath", "/etc", "/argocd/path"},
		{"chartPath", "charts/../../x", "/argocd/chart/path"},
	} {
		t.Run(tc.marker+"="+tc.value, func(t *testing.T) {
			if g := runHostile(t, hostileDescriptor(tc.marker, tc.value), []byte("a: b\n"), tc.pointer); g != nil {
				t.Error("accepted")
			}
		})
	}
	t.Run("build.context=/tmp", func(t *testing.T) {
		src := bytes.Replace(hostileDescriptor("", ""), []byte("  main: \".\"\n"), []byte("  main: \".\"\n  context: /tmp\n"), 1)
		if g := runHostile(t, src, []byte("a: b\n"), "/build/context"); g != nil {
			t.Error("accepted")
		}
	})
}

// TestInitFIFOInModule: a FIFO named like a Go file makes go list block forever; berth
// init stops it after BERTH_GO_LIST_TIMEOUT and says why.
func TestInitFIFOInModule(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"go.mod": "module example.com/fifo\n\ngo 1.26\n", "main.go": "package main\n\nfunc main() {}\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "zz.go"), 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	t.Setenv("BERTH_GO_LIST_TIMEOUT", "3s")
	code, _, stderr := runBerthTimeout(t, 60*time.Second, dir, "init", "--dry-run")
	if code != 1 || !strings.Contains(stderr, "did not finish within 3s") || !strings.Contains(stderr, "FIFO") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
}
