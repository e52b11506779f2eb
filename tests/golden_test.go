// Package tests holds berth's end-to-end tests: the real CLI entry point run on
// descriptors and example repositories, compared with golden files.
package tests

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/berth-dev/berth/generator"
	"github.com/berth-dev/berth/generator/cli"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// assertGolden compares got with testdata/<TestName>/<name>.golden, or rewrites it
// with -update.
func assertGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run 'make golden' to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s\nrun 'make golden' if the change is intended", path, diff)
	}
}

// runBerth runs the CLI in-process, in dir, and returns its exit code and output.
func runBerth(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if dir != "" {
		t.Chdir(dir)
	}
	var out, errb bytes.Buffer
	code = cli.Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func mustGenerate(t *testing.T, file string) *generator.Result {
	t.Helper()
	res, err := generator.GenerateFile(file)
	if err != nil {
		t.Fatalf("generate %s: %v", file, err)
	}
	return res
}
