// Package tests holds berth's end-to-end tests: the real CLI entry point run on
// descriptors and example repositories, compared with golden files.
package tests

import (
	"bytes"
	"testing"

	"github.com/berth-dev/berth/generator/cli"
	"github.com/berth-dev/berth/generator/pipeline"
)

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

func mustGenerate(t *testing.T, file string) *pipeline.Result {
	t.Helper()
	res, err := pipeline.GenerateFile(file)
	if err != nil {
		t.Fatalf("generate %s: %v", file, err)
	}
	return res
}
