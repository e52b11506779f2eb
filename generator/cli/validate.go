package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/generator/finding"
	"github.com/berth-dev/berth/generator/pipeline"
)

type validateOptions struct {
	files  []string
	output string
	oldO   *deprecatedOutput
}

// NewCmdValidate checks descriptors without writing anything.
func NewCmdValidate() *cobra.Command {
	o := &validateOptions{}
	cmd := &cobra.Command{
		Use:   "validate [-f service.yaml] [FILE...] [--output text|json|sarif]",
		Short: "Check descriptors as generate would (schema, rules, the .dockerignore proof, the chart's schema), writing nothing",
		Example: `  berth validate -f examples/hello/service.yaml
  berth validate examples/*/service.yaml
  berth validate --output json service.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			files := append(o.files, args...)
			if len(files) == 0 {
				files = []string{"service.yaml"}
			}
			return runValidate(cmd, files, o.oldO.apply(cmd, o.output))
		},
	}
	cmd.Flags().StringArrayVarP(&o.files, "file", "f", nil, "descriptor to check (repeatable; default service.yaml)")
	addOutputFlag(cmd, &o.output)
	// -o was validate's format flag before every command said --output; generate's -o
	// is a directory, so the short form is kept only as a deprecated spelling.
	o.oldO = addDeprecatedOutput(cmd, "output-short", "o")
	return cmd
}

func runValidate(cmd *cobra.Command, files []string, output string) error {
	format, err := parseOutput(output)
	if err != nil {
		return err
	}
	var all finding.List
	for _, f := range files {
		found, err := pipeline.ValidateFile(f)
		if err != nil {
			return err
		}
		all = append(all, found...)
	}
	if format != finding.Text {
		return writeFindings(cmd.OutOrStdout(), format, all, finding.Options{Tool: "berth validate"})
	}
	if all.HasErrors() {
		return all
	}
	printFindings(cmd.ErrOrStderr(), all)
	for _, f := range files {
		fmt.Fprintf(cmd.OutOrStdout(), "%s: valid\n", f)
	}
	return nil
}
