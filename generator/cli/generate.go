package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/generator/output"
	"github.com/berth-dev/berth/generator/pipeline"
)

type generateOptions struct {
	file   string
	outDir string
	check  bool
	diff   bool
}

// NewCmdGenerate writes the generated files for a descriptor.
func NewCmdGenerate() *cobra.Command {
	o := &generateOptions{}
	cmd := &cobra.Command{
		Use:   "generate [-f service.yaml] [-o DIR] [--check] [--diff]",
		Short: "Generate the Dockerfile, .dockerignore, Helm values and Argo CD ApplicationSet from a descriptor",
		Long: `generate validates the descriptor, renders every file in memory, proves the .dockerignore
keeps every file the build reads, and only then writes (atomically, unchanged files untouched).
--check writes nothing and exits 1 listing stale files; --diff prints what would change.`,
		Example: `  berth generate -f examples/hello/service.yaml -o /tmp/hello
  berth generate --check -f examples/hello/service.yaml
  berth generate --diff`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runGenerate(cmd, o) },
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "service.yaml", "descriptor to generate from")
	cmd.Flags().StringVarP(&o.outDir, "output-dir", "o", "", "directory to write into (default: the descriptor's directory)")
	cmd.Flags().BoolVar(&o.check, "check", false, "write nothing; exit 1 if any generated file is missing or stale")
	cmd.Flags().BoolVar(&o.diff, "diff", false, "write nothing; print a unified diff of what would change")
	return cmd
}

func runGenerate(cmd *cobra.Command, o *generateOptions) error {
	res, err := pipeline.GenerateFile(o.file)
	if err != nil {
		return err
	}
	printDiagnostics(cmd.ErrOrStderr(), res.Warnings)
	dir := o.outDir
	if dir == "" {
		dir = filepath.Dir(o.file)
	}
	out := cmd.OutOrStdout()
	if o.check || o.diff {
		changes, err := output.Compare(dir, res.Files)
		if err != nil {
			return err
		}
		stale := 0
		for i, c := range changes {
			if c.Status == output.Unchanged {
				continue
			}
			stale++
			if o.diff {
				d, err := output.Diff(c, res.Files[i].Data)
				if err != nil {
					return err
				}
				fmt.Fprint(out, d)
			}
			if o.check {
				fmt.Fprintf(cmd.ErrOrStderr(), "stale: %s (%s)\n", filepath.Join(dir, c.Path), map[output.Status]string{output.Created: "missing", output.Updated: "differs"}[c.Status])
			}
		}
		if o.check && stale > 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "berth: %d generated file(s) out of date; run 'berth generate -f %s'\n", stale, o.file)
			return silentError{ExitInvalid}
		}
		return nil
	}
	changes, err := output.Write(dir, res.Files)
	if err != nil {
		return err
	}
	for _, c := range changes {
		fmt.Fprintf(out, "%-9s %s\n", c.Status, filepath.Join(dir, c.Path))
	}
	return nil
}
