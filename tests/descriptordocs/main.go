// Command descriptordocs rewrites README.md's descriptor reference from the schema
// (make descriptor-readme); TestREADMEDescriptorReference checks it.
package main

import (
	"fmt"
	"os"

	"github.com/berth-dev/berth/tests/testutil"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: descriptordocs README.md SCHEMA.json")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "descriptordocs:", err)
		os.Exit(1)
	}
}

func run(readmePath, schemaPath string) error {
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		return err
	}
	schema, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	out, err := testutil.DescriptorREADME(readme, schema)
	if err != nil {
		return err
	}
	return os.WriteFile(readmePath, out, 0o644)
}
