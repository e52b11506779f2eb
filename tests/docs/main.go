// Command docs rewrites the generated tables of the READMEs (make docs): the chart
// README's values table from the `# --` comments of values.yaml, and README.md's
// descriptor reference from the schema. TestChartREADMEValues and
// TestREADMEDescriptorReference check that both are current.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/berth-dev/berth/tests/testutil"
)

func main() {
	root := "."
	if len(os.Args) > 2 {
		fmt.Fprintln(os.Stderr, "usage: docs [REPOSITORY_ROOT]")
		os.Exit(2)
	}
	if len(os.Args) == 2 {
		root = os.Args[1]
	}
	chart := filepath.Join(root, "charts", "go-service")
	for _, job := range []struct {
		readme, source string
		rewrite        func(readme, source []byte) ([]byte, error)
	}{
		{filepath.Join(chart, "README.md"), filepath.Join(chart, "values.yaml"), testutil.ChartREADME},
		{filepath.Join(root, "README.md"), filepath.Join(root, "schemas", "service.schema.json"), testutil.DescriptorREADME},
	} {
		if err := rewrite(job.readme, job.source, job.rewrite); err != nil {
			fmt.Fprintln(os.Stderr, "docs:", err)
			os.Exit(1)
		}
	}
}

func rewrite(readmePath, sourcePath string, gen func(readme, source []byte) ([]byte, error)) error {
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		return err
	}
	source, err := os.ReadFile(sourcePath)
	if err != nil {
		return err
	}
	out, err := gen(readme, source)
	if err != nil {
		return fmt.Errorf("%s: %w", readmePath, err)
	}
	return os.WriteFile(readmePath, out, 0o644)
}
