// Package testutil is what berth's tests share and the berth binary never links: golden
// files, the strict Kubernetes and Pod Security verifier, BuildKit lint descriptions and
// the values of an environment's own view.
package testutil

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// packageDir is the test's package directory: go test starts each test binary there,
// before any test changes directory.
var packageDir, _ = os.Getwd()

// GoldenPath is where the golden file of t lives: testdata/<TestName>/<case>.golden in
// the package directory (goreleaser's layout), named after t.Name().
func GoldenPath(t *testing.T) string {
	return filepath.Join(packageDir, "testdata", filepath.FromSlash(t.Name())+".golden")
}

// Golden compares got with t's golden file, or rewrites it when tests run with -update.
func Golden(t *testing.T, got []byte) {
	t.Helper()
	path := GoldenPath(t)
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

// ReadGolden returns the golden file of another test, named as t.Name() would name it
// ("TestInit/embed"), for checks that documentation quotes it.
func ReadGolden(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(packageDir, "testdata", filepath.FromSlash(name)+".golden"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
