package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/tests/testutil"
	"github.com/google/go-cmp/cmp"
)

// TestValidateInvalid runs 'berth validate' on each bad descriptor of the corpus and
// pins the exact located messages and the exit code.
func TestValidateInvalid(t *testing.T) {
	dir, err := filepath.Abs("testdata/TestValidateInvalid/in")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(cases) < 30 {
		t.Fatalf("want at least 30 invalid descriptors, found %d (%v)", len(cases), err)
	}
	for _, path := range cases {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runBerth(t, dir, "validate", "-f", filepath.Base(path))
			if code != 1 {
				t.Errorf("exit code = %d, want 1 (stdout %q)", code, stdout)
			}
			if !strings.Contains(stderr, filepath.Base(path)+":") {
				t.Errorf("stderr has no located message:\n%s", stderr)
			}
			testutil.Golden(t, []byte(stderr))
		})
	}
}

// TestValidateExamples: every bundled example is valid.
func TestValidateExamples(t *testing.T) {
	files, _ := filepath.Glob("../examples/*/service.yaml")
	if len(files) == 0 {
		t.Fatal("no examples found")
	}
	args := []string{"validate"}
	for _, f := range files {
		abs, _ := filepath.Abs(f)
		args = append(args, abs)
	}
	code, stdout, stderr := runBerth(t, "", args...)
	if code != 0 {
		t.Fatalf("berth validate examples: exit %d\n%s", code, stderr)
	}
	if got := strings.Count(stdout, ": valid"); got != len(files) {
		t.Errorf("stdout names %d valid files, want %d:\n%s", got, len(files), stdout)
	}
}

func TestValidateJSON(t *testing.T) {
	dir, _ := filepath.Abs("testdata/TestValidateInvalid/in")
	t.Run("secret-in-env", func(t *testing.T) {
		code, stdout, _ := runBerth(t, dir, "validate", "--output", "json", "-f", "secret-in-env.yaml")
		if code != 1 {
			t.Fatalf("exit code = %d, want 1", code)
		}
		testutil.Golden(t, []byte(stdout))
	})
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"validate", "--nope"},
		{"frobnicate"},
		{"validate", "--output", "xml"},
		{"schema", "extra"},
	} {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			code, _, stderr := runBerth(t, "", args...)
			if code != 2 {
				t.Errorf("berth %v: exit %d, want 2; stderr:\n%s", args, code, stderr)
			}
		})
	}
}

func TestMissingFile(t *testing.T) {
	code, _, stderr := runBerth(t, t.TempDir(), "validate", "-f", "nope.yaml")
	if code != 1 || !strings.Contains(stderr, "nope.yaml") {
		t.Errorf("exit %d, stderr %q; want 1 and the file named", code, stderr)
	}
}

func TestSchemaCommand(t *testing.T) {
	code, stdout, _ := runBerth(t, "", "schema")
	want, err := os.ReadFile("../schemas/service.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 || stdout != string(want) {
		t.Errorf("berth schema: exit %d, output differs from schemas/service.schema.json", code)
	}
	_ = fmt.Sprint()
}

// TestREADMEDescriptorReference keeps README's descriptor reference generated from the
// schema, every field described.
func TestREADMEDescriptorReference(t *testing.T) {
	readme := testutil.ReadFile(t, "../README.md")
	want, err := testutil.DescriptorREADME(readme, testutil.ReadFile(t, "../schemas/service.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(readme), string(want)); diff != "" {
		t.Errorf("README.md's descriptor reference is not current with the schema (-have +want):\n%s\nrun 'make docs'", diff)
	}
}
