package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const mainGo = "package main\n\nfunc main() {}\n"

func TestLocateModule(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   map[string]string
		want    string // module dir, or an error fragment after "error: "
		wantWhy string
	}{
		{"here", map[string]string{"go.mod": "module a\n", "main.go": mainGo}, ".", ""},
		{"one module below, no go.work", map[string]string{"services/api/go.mod": "module api\n", "services/api/main.go": mainGo, "libs/x/go.mod": "module x\n", "libs/x/x.go": "package x\n"},
			"services/api", "only services/api has a main package"},
		{"several modules with mains", map[string]string{"a/go.mod": "module a\n", "a/main.go": mainGo, "b/go.mod": "module b\n", "b/cmd/b/main.go": mainGo},
			"error: 2 of them have main packages (a, b)", ""},
		{"modules without mains", map[string]string{"a/go.mod": "module a\n", "a/a.go": "package a\n"}, "error: none has a main package", ""},
		{"mains only for another OS", map[string]string{"a/go.mod": "module a\n", "a/main_windows.go": mainGo}, "error: none has a main package", ""},
		{"nothing", map[string]string{"README.md": "hi\n"}, "error: no go.mod here or below", ""},
		{"go.work wins over the walk", map[string]string{"go.work": "go 1.26.0\n\nuse ./b\n", "a/go.mod": "module a\n", "a/main.go": mainGo, "b/go.mod": "module b\n", "b/main.go": mainGo},
			"b", "go.work uses b; only b has a main package"},
		{"vendor and testdata are not modules", map[string]string{"svc/go.mod": "module svc\n", "svc/main.go": mainGo, "svc/testdata/x/go.mod": "module x\n", "svc/testdata/x/main.go": mainGo, ".cache/y/go.mod": "module y\n", ".cache/y/main.go": mainGo},
			"svc", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := writeTree(t, tc.files)
			rel, why, err := locateModule(root, "repo")
			if frag, isErr := strings.CutPrefix(tc.want, "error: "); isErr {
				if err == nil || !strings.Contains(err.Error(), frag) {
					t.Fatalf("err = %v, want one containing %q", err, frag)
				}
				return
			}
			if err != nil || rel != tc.want {
				t.Fatalf("got %q, %v; want %q", rel, err, tc.want)
			}
			if !strings.Contains(why, tc.wantWhy) {
				t.Errorf("why = %q, want it to contain %q", why, tc.wantWhy)
			}
		})
	}
}
