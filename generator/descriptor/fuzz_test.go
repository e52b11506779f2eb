package descriptor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// fuzzRepo is a tiny module so the repository rules run too.
var fuzzRepo = fstest.MapFS{
	"go.mod":             {Data: []byte("module example.com/f\n\ngo 1.26.0\n")},
	"main.go":            {Data: []byte("package main\n\nfunc main() {}\n")},
	"cmd/api/main.go":    {Data: []byte("package main\n\nfunc main() {}\n")},
	"config/app.yaml":    {Data: []byte("a: 1\n")},
	"vendor/modules.txt": {Data: []byte("# example.com/dep v1.0.0\n## explicit\nexample.com/dep\n")},
}

// FuzzLoad: no input may panic the loader, and whatever it returns is consistent:
// a model exactly when there is no error, findings sorted and located.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("../../tests/testdata/TestValidateInvalid/in/*.yaml")
	more, _ := filepath.Glob("../../examples/*/service.yaml")
	for _, p := range append(seeds, more...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		svc, diags, err := Load("service.yaml", src, fuzzRepo)
		if err != nil {
			t.Fatalf("internal error: %v", err)
		}
		if (svc == nil) != diags.HasErrors() {
			t.Fatalf("model %v but errors %v", svc != nil, diags.HasErrors())
		}
		for i, d := range diags {
			if d.Line < 1 || d.Column < 1 || !strings.HasPrefix(d.Path, "/") || d.Message == "" {
				t.Fatalf("badly located finding %+v", d)
			}
			if i > 0 && diags[i-1].Line > d.Line {
				t.Fatalf("findings not sorted: %v", diags)
			}
		}
	})
}
