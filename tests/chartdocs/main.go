// Command chartdocs rewrites the values table of a chart's README.md from the `# --`
// comments of its values.yaml (make chart-readme); TestChartREADMEValues checks it.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/berth-dev/berth/tests/testutil"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: chartdocs CHART_DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "chartdocs:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	path := filepath.Join(dir, "README.md")
	readme, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	values, err := os.ReadFile(filepath.Join(dir, "values.yaml"))
	if err != nil {
		return err
	}
	out, err := testutil.ChartREADME(readme, values)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o644)
}
