package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/generator/descriptor"
)

type validateOptions struct {
	files  []string
	output string
}

// NewCmdValidate checks descriptors without writing anything.
func NewCmdValidate() *cobra.Command {
	o := &validateOptions{}
	cmd := &cobra.Command{
		Use:   "validate [-f service.yaml] [FILE...]",
		Short: "Check descriptors against the schema and berth's rules",
		Example: `  berth validate -f examples/hello/service.yaml
  berth validate examples/*/service.yaml
  berth validate --output json service.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			files := append(o.files, args...)
			if len(files) == 0 {
				files = []string{"service.yaml"}
			}
			return runValidate(cmd, files, o.output)
		},
	}
	cmd.Flags().StringArrayVarP(&o.files, "file", "f", nil, "descriptor to check (repeatable; default service.yaml)")
	addOutputFlag(cmd, &o.output)
	return cmd
}

func addOutputFlag(cmd *cobra.Command, out *string) {
	cmd.Flags().StringVarP(out, "output", "o", "text", "output format: text or json")
}

type validateResult struct {
	Valid    bool                   `json:"valid"`
	Findings descriptor.Diagnostics `json:"findings"`
}

func runValidate(cmd *cobra.Command, files []string, output string) error {
	if output != "text" && output != "json" {
		return usageError{fmt.Errorf("--output must be text or json, not %q", output)}
	}
	all := descriptor.Diagnostics{}
	for _, f := range files {
		_, diags, err := descriptor.LoadFile(f)
		if err != nil {
			return err
		}
		all = append(all, diags...)
	}
	valid := !all.HasErrors()
	if output == "json" {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		if err := enc.Encode(validateResult{Valid: valid, Findings: all}); err != nil {
			return err
		}
		if !valid {
			return silentError{ExitInvalid}
		}
		return nil
	}
	if !valid {
		return all
	}
	printDiagnostics(cmd.ErrOrStderr(), all)
	for _, f := range files {
		fmt.Fprintf(cmd.OutOrStdout(), "%s: valid\n", f)
	}
	return nil
}
